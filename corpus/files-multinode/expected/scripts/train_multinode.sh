#!/usr/bin/env bash
# Multi-node pretraining launcher (one invocation per node).
#   NNODES=2 NODE_RANK=0 MASTER_ADDR=10.0.0.1 bash scripts/train_multinode.sh configs/train.yaml
set -euo pipefail

CONFIG=${1:-configs/train.yaml}
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
MASTER_ADDR=${MASTER_ADDR:-127.0.0.1}
MASTER_PORT=${MASTER_PORT:-29500}

export ASCEND_RT_VISIBLE_DEVICES=${ASCEND_RT_VISIBLE_DEVICES:-0,1,2,3,4,5,6,7}
GPUS_PER_NODE=$(echo "$ASCEND_RT_VISIBLE_DEVICES" | tr ',' '\n' | wc -l)

# NCCL tuning for our 100G RoCE fabric
export NCCL_DEBUG=INFO
export HCCL_SOCKET_IFNAME=eth0
export NCCL_IB_DISABLE=0
export NCCL_IB_GID_INDEX=3
export TORCH_HCCL_ASYNC_ERROR_HANDLING=1
export PYTORCH_NPU_ALLOC_CONF=expandable_segments:True
export OMP_NUM_THREADS=8

npu-smi info
echo "node ${NODE_RANK}/${NNODES}: ${GPUS_PER_NODE} GPUs, logging to logs/cuda_run_${NODE_RANK}.log"

torchrun \
    --nnodes="$NNODES" \
    --node_rank="$NODE_RANK" \
    --nproc_per_node="$GPUS_PER_NODE" \
    --master_addr="$MASTER_ADDR" \
    --master_port="$MASTER_PORT" \
    train.py --config "$CONFIG" --device npu --dist-backend hccl \
    2>&1 | tee "logs/cuda_run_${NODE_RANK}.log"

# quick sanity eval on the first device of node 0
if [ "$NODE_RANK" -eq 0 ]; then
    ASCEND_RT_VISIBLE_DEVICES=0 python eval.py --config "$CONFIG" --device=npu:0
    nvidia-smi --query-gpu=memory.used,memory.total --format=csv
fi
