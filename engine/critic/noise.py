"""Noise: per-channel standard deviation of the pixel noise, in 8-bit levels.

Method: Immerkær, "Fast noise variance estimation" (CVIU 1996).  The 3×3 operator
N = [[1, −2, 1], [−2, 4, −2], [1, −2, 1]] cancels anything locally planar, so its response
on flat areas is noise: σ = √(π/2) · mean|I ∗ N| / 6.  Structure also survives N, so
pixels on edges and texture (top `TEXTURE_SHARE` of local gradient) and clipped pixels
(which carry no noise) are left out.  Measured on the encoded image, as a viewer sees it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from engine.color.channels import REC709_LUMA
from engine.critic._image import Linear, encoded

__all__ = ["NoiseMeasurement", "immerkaer_sigma", "measure_noise"]

TEXTURE_SHARE = 0.4  # share of most-textured pixels left out
_KERNEL = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], dtype=np.float32)


@dataclass(frozen=True)
class NoiseMeasurement:
    """Noise facts of one photo, σ in 8-bit encoded levels (0..255 scale).

    Attributes:
        sigma_rgb: per-channel σ (R, G, B).
        sigma_luma: σ of the luma (Rec. 709 weights on encoded values).
        sigma_chroma: σ of the colour-difference signal (B − R) / 2: blotchy colour noise.
        sigma_shadows: σ of the luma in the shadows (encoded luma < 0.3); NaN if none.
        flat_share: fraction 0..1 of the frame the estimate used.
    """

    sigma_rgb: tuple[float, float, float]
    sigma_luma: float
    sigma_chroma: float
    sigma_shadows: float
    flat_share: float


def immerkaer_sigma(channel: NDArray[np.floating], keep: NDArray[np.bool_]) -> float:
    """Immerkær σ of one (H, W) channel over the pixels in ``keep`` (same units)."""
    response = np.abs(ndimage.convolve(channel, _KERNEL, mode="reflect"))
    if keep.sum() < 16:
        return float("nan")
    return float(math.sqrt(math.pi / 2) * response[keep].mean() / 6.0)


def measure_noise(rgb: Linear) -> NoiseMeasurement:
    """Measure noise of validated linear sRGB pixels (see `_image.prepare`)."""
    enc = encoded(rgb) * 255.0
    luma = enc @ REC709_LUMA
    # Texture measured at a scale coarser than the noise, so noise alone does not
    # exclude the flat areas the estimate needs.
    smooth = ndimage.gaussian_filter(luma, 1.5)
    texture = np.hypot(ndimage.sobel(smooth, 0), ndimage.sobel(smooth, 1))
    keep = texture <= np.percentile(texture, (1 - TEXTURE_SHARE) * 100)
    keep &= (enc.max(axis=-1) < 254.5) & (enc.min(axis=-1) > 0.5)
    keep[[0, -1], :] = False
    keep[:, [0, -1]] = False
    if keep.sum() < 64:  # a frame of clipped or textured pixels: use everything inside
        keep = np.zeros_like(keep)
        keep[1:-1, 1:-1] = True
    r, g, b = (immerkaer_sigma(enc[..., c], keep) for c in range(3))
    shadows = keep & (luma < 0.3 * 255)
    return NoiseMeasurement(
        sigma_rgb=(r, g, b),
        sigma_luma=immerkaer_sigma(luma, keep),
        sigma_chroma=immerkaer_sigma((enc[..., 2] - enc[..., 0]) / 2, keep),
        sigma_shadows=immerkaer_sigma(luma, shadows) if shadows.sum() >= 64 else float("nan"),
        flat_share=float(keep.mean()),
    )
