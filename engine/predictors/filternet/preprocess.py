"""Linear photo → the tensor FilterNet sees (square thumbnail, ImageNet-normalised)."""

from __future__ import annotations

import numpy as np
import torch
from numpy.typing import NDArray
from torch import Tensor
from torch.nn import functional

__all__ = ["IMAGENET_MEAN", "IMAGENET_STD", "thumbnail", "to_model_input"]

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def thumbnail(linear: NDArray[np.floating] | Tensor, size: int = 299) -> Tensor:
    """(H, W, 3) linear RGB → (3, size, size) float32, area-averaged (in linear light).

    The whole frame is squashed to a square (no crop: a global edit must see everything).
    Values are clipped to [0, 1] — the model sees what an 8-bit thumbnail would hold.
    """
    image = torch.as_tensor(np.asarray(linear, dtype=np.float32))
    if image.ndim != 3 or image.shape[-1] != 3:
        raise ValueError(f"expected an (H, W, 3) image, got shape {tuple(image.shape)}")
    chw = image.permute(2, 0, 1).unsqueeze(0).clamp(0.0, 1.0)
    out = functional.interpolate(chw, size=(size, size), mode="bilinear", antialias=True,
                        align_corners=False)
    return out[0].clamp(0.0, 1.0)


def to_model_input(linear_chw: Tensor) -> Tensor:
    """(B, 3, S, S) or (3, S, S) linear RGB in [0, 1] → ImageNet-normalised, same shape."""
    mean = torch.tensor(IMAGENET_MEAN, dtype=linear_chw.dtype, device=linear_chw.device)
    std = torch.tensor(IMAGENET_STD, dtype=linear_chw.dtype, device=linear_chw.device)
    shape = (-1, 1, 1)
    return (linear_chw - mean.view(shape)) / std.view(shape)
