#!/bin/bash
# Build the training environment from scratch (CUDA 12.1 wheels).
python -m venv .venv && . .venv/bin/activate
pip install --upgrade pip
pip install torch==2.1.0 torchvision==0.16.0 --index-url https://download.pytorch.org/whl/cpu
pip install -r requirements.txt
export CUDA_HOME=/usr/local/cuda-12.1
export LD_LIBRARY_PATH=$CUDA_HOME/lib64:/usr/local/cuda-12.1/lib64:${LD_LIBRARY_PATH:-}
