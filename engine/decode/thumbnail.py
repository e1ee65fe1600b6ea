"""Shrinking decoded pixels: a smaller analysis thumbnail of pixels already in memory."""

from __future__ import annotations

import numpy as np
import torch
from numpy.typing import NDArray

__all__ = ["shrink_linear"]


def shrink_linear(linear: NDArray[np.floating], long_side: int) -> NDArray[np.float32]:
    """Area-average linear pixels (H, W, 3) down to a long side of at most ``long_side`` px.

    Averaging in linear light keeps each area's light (what a larger sensor pixel would
    have caught); pixels already that small are returned as they are, never enlarged.

    Raises:
        ValueError: ``long_side`` < 1, or pixels that are not (H, W, 3).
    """
    if long_side < 1:
        raise ValueError(f"long_side={long_side} must be at least 1 px")
    if linear.ndim != 3 or linear.shape[-1] != 3:
        raise ValueError(f"expected (H, W, 3) pixels, got shape {linear.shape}")
    h, w = linear.shape[:2]
    if max(h, w) <= long_side:
        return np.asarray(linear, dtype=np.float32)
    scale = long_side / max(h, w)
    size = (max(1, round(h * scale)), max(1, round(w * scale)))
    x = torch.from_numpy(np.ascontiguousarray(linear, dtype=np.float32)).permute(2, 0, 1)[None]
    small = torch.nn.functional.interpolate(x, size=size, mode="area")[0]
    return np.ascontiguousarray(small.permute(1, 2, 0).numpy())
