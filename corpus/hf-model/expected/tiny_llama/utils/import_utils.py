"""Soft dependency checks, in the style of transformers.utils.import_utils."""

import importlib.metadata
import importlib.util
from functools import lru_cache

import torch


def _is_package_available(pkg_name: str) -> bool:
    return importlib.util.find_spec(pkg_name) is not None


@lru_cache()
def is_flash_attn_2_available() -> bool:
    if not _is_package_available("flash_attn"):
        return False
    if not torch.cuda.is_available():
        return False
    version = importlib.metadata.version("flash_attn")
    return int(version.split(".")[0]) >= 2


@lru_cache()
def is_xformers_available() -> bool:
    return _is_package_available('xformers')


@lru_cache()
def is_bitsandbytes_available() -> bool:
    return _is_package_available("bitsandbytes") and torch.cuda.is_available()


@lru_cache()
def is_triton_available() -> bool:
    return _is_package_available("triton")


def is_torch_sdpa_available() -> bool:
    return hasattr(torch.nn.functional, "scaled_dot_product_attention")
