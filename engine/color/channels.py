"""Per-pixel reductions over the colour channels: maximum and minimum (fast), luminance.

``rgb.max(axis=-1)`` on an (..., 3) array reduces over a 3-long strided axis, which numpy
does several times slower than two element-wise `numpy.maximum` calls over channel views.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["REC709_LUMA", "channel_max", "channel_min"]

#: Rec. 709 / sRGB luminance weights of linear R, G, B (the Y row of sRGB → XYZ), float32:
#: ``rgb @ REC709_LUMA`` is the relative luminance Y of (..., 3) linear sRGB pixels.
REC709_LUMA = np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)


def channel_max(rgb: NDArray[np.floating]) -> NDArray[np.floating]:
    """Largest of the channels of each pixel.

    Args:
        rgb: (..., C) array, C ≥ 1.

    Returns:
        (...) array of the same dtype.
    """
    out = np.array(rgb[..., 0])
    for c in range(1, rgb.shape[-1]):
        np.maximum(out, rgb[..., c], out=out)
    return out


def channel_min(rgb: NDArray[np.floating]) -> NDArray[np.floating]:
    """Smallest of the channels of each pixel; (..., C) → (...)."""
    out = np.array(rgb[..., 0])
    for c in range(1, rgb.shape[-1]):
        np.minimum(out, rgb[..., c], out=out)
    return out
