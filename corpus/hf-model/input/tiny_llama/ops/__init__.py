from .fused_add import residual_add_

__all__ = ["residual_add_"]
