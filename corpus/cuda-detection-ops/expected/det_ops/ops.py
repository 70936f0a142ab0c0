import torch
from torch import Tensor


def nms(boxes: Tensor, scores: Tensor, iou_threshold: float) -> Tensor:
    return torch.ops.det_ops.nms(boxes, scores, iou_threshold)


def roi_align(input: Tensor, rois: Tensor, output_size, spatial_scale: float = 1.0,
              sampling_ratio: int = -1, aligned: bool = True) -> Tensor:
    return torch.ops.det_ops.roi_align_forward(input, rois, spatial_scale, output_size[0], output_size[1],
                                               sampling_ratio, aligned)


def sigmoid_focal_loss(logits: Tensor, targets: Tensor, gamma: float = 2.0, alpha: float = 0.25) -> Tensor:
    return torch.ops.det_ops.sigmoid_focal_loss_forward(logits, targets, gamma, alpha)
