"""CIELAB (D65) of linear sRGB pixels: the space colour distances are judged in."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["linear_to_lab"]

# sRGB (D65) → XYZ, and the D65 white.
_RGB_TO_XYZ = np.array(
    [[0.4124564, 0.3575761, 0.1804375],
     [0.2126729, 0.7151522, 0.0721750],
     [0.0193339, 0.1191920, 0.9503041]], dtype=np.float32,
)
_D65 = np.array([0.95047, 1.0, 1.08883], dtype=np.float32)


def linear_to_lab(rgb: NDArray[np.floating]) -> NDArray[np.float32]:
    """CIELAB (D65) of linear sRGB, clipped to 0..1 first (what a display shows).

    Args:
        rgb: (..., 3) linear sRGB, 1.0 = white.

    Returns:
        (..., 3) float32: L* 0..100, a* and b* (about −128..128, > 0 magenta / yellow).
    """
    xyz = np.clip(rgb, 0.0, 1.0) @ _RGB_TO_XYZ.T / _D65
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    out = np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])],
        axis=-1,
    )
    return out.astype(np.float32)
