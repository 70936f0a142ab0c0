"""migrate: move PyTorch/CUDA code bases onto Huawei Ascend NPUs (torch_npu, CANN)."""

__version__ = "0.1.0"
