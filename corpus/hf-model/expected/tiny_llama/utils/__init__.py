from .import_utils import (
    is_bitsandbytes_available,
    is_flash_attn_2_available,
    is_torch_sdpa_available,
    is_triton_available,
    is_xformers_available,
)

__all__ = [
    "is_bitsandbytes_available",
    "is_flash_attn_2_available",
    "is_torch_sdpa_available",
    "is_triton_available",
    "is_xformers_available",
]
