"""sRGB transfer functions (IEC 61966-2-1) on numpy arrays of any shape.

Domain and range are [0, 1] for encoded values; linear values may exceed 1 (scene light)
and are encoded with the sRGB curve extended linearly below 0 and by the power law above 1.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["linear_to_srgb", "srgb_to_linear"]

FloatArray = NDArray[np.floating]


def srgb_to_linear(encoded: FloatArray) -> NDArray[np.float32]:
    """sRGB-encoded values (0..1) → linear light (0..1), float32, any shape."""
    v = np.asarray(encoded, dtype=np.float32)
    return np.where(v <= 0.04045, v / 12.92, ((np.maximum(v, 0.04045) + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(linear: FloatArray) -> NDArray[np.float32]:
    """Linear light → sRGB-encoded values, float32, any shape (not clipped)."""
    v = np.asarray(linear, dtype=np.float32)
    return np.where(
        v <= 0.0031308, v * 12.92, 1.055 * np.maximum(v, 0.0031308) ** (1 / 2.4) - 0.055
    ).astype(np.float32)
