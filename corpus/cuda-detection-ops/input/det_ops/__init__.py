from det_ops import _C  # noqa: F401  (registers torch.ops.det_ops.*)
from det_ops.ops import nms, roi_align, sigmoid_focal_loss

__all__ = ["nms", "roi_align", "sigmoid_focal_loss"]
