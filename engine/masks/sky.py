"""Classical sky detection: bright, sky-coloured, smooth regions connected to the top.

Method (weight-free):

1. A per-pixel *sky likelihood* from colour and light: bright (luminance above the
   frame's median), blue-ish or near-white/grey hue, and low local texture (gradient
   magnitude of log-luminance, since clouds are smooth and foliage/buildings are not).
2. Hysteresis: keep only likely pixels 4-connected to the top edge of the frame
   (sky never floats under the ground in a level photo).
3. Reject the result unless it is a meaningful, mostly upper region: at least
   `MIN_SKY_FRACTION` of the frame, its centroid in the upper half, its mean likelihood
   high enough.
4. Horizon: for each column, the lowest sky row; a least-squares line through those
   gives the horizon and how straight it is (RMS residual, fraction of the height).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from engine.color.transfer import linear_to_srgb

__all__ = ["MIN_SKY_FRACTION", "SkyDetection", "detect_sky"]

MIN_SKY_FRACTION = 0.06
_LUMA = np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)


@dataclass(frozen=True)
class SkyDetection:
    """A detected sky.

    Attributes:
        mask: (H, W) float32 soft mask 0..1 at the analysis size.
        confidence: 0..1.
        horizon: ``(y_left, y_right)`` normalised heights of a straight horizon, or None
            when the sky's lower edge is not a line (trees, buildings).
        fraction: share of the frame that is sky, 0..1.
    """

    mask: NDArray[np.float32]
    confidence: float
    horizon: tuple[float, float] | None
    fraction: float


def _likelihood(linear: NDArray[np.float32]) -> NDArray[np.float32]:
    enc = np.clip(linear_to_srgb(np.clip(linear, 0, 1)), 0, 1)
    r, g, b = enc[..., 0], enc[..., 1], enc[..., 2]
    y = linear @ _LUMA
    bright = np.clip((np.log2(y + 1e-4) - np.log2(np.median(y) + 1e-4) + 0.5) / 1.5, 0, 1)
    blue = np.clip((b - np.maximum(r, g * 0.9)) * 6 + 0.5, 0, 1)
    peak = np.maximum(enc.max(axis=-1), 1e-4)
    grey = np.clip(1 - (peak - enc.min(axis=-1)) / peak * 4, 0, 1) * np.clip(peak * 1.5 - 0.3, 0, 1)
    colour = np.maximum(blue, 0.8 * grey)
    logy = np.log2(y + 1e-3)
    texture = np.hypot(ndimage.sobel(logy, 0), ndimage.sobel(logy, 1))
    texture = ndimage.uniform_filter(texture, 5)
    smooth = np.clip(1.5 - texture / 1.2, 0, 1)
    return np.asarray(colour * np.sqrt(bright * smooth), dtype=np.float32)


def detect_sky(linear: NDArray[np.float32]) -> SkyDetection | None:
    """Find the sky in a linear sRGB image, or None when there is none.

    Args:
        linear: (H, W, 3) float32 linear sRGB (the analysis thumbnail, ~512 px).
    """
    h, w = linear.shape[:2]
    like = _likelihood(np.asarray(linear, dtype=np.float32))
    strong, weak = like > 0.45, like > 0.2
    labels, n = ndimage.label(weak)
    if n == 0:
        return None
    top = np.unique(labels[0][labels[0] > 0])
    # Keep weak components touching the top edge that also contain strong pixels.
    keep = [lab for lab in top if strong[labels == lab].any()]
    if not keep:
        return None
    region = np.isin(labels, keep)
    region = ndimage.binary_opening(region, iterations=2)
    region = ndimage.binary_fill_holes(region)
    fraction = float(region.mean())
    if fraction < MIN_SKY_FRACTION:
        return None
    centroid = float(np.mean(np.nonzero(region)[0])) / h
    mean_like = float(like[region].mean())
    if centroid > 0.5 or mean_like < 0.3:
        return None
    confidence = float(np.clip((mean_like - 0.25) * 2.5, 0, 1) * np.clip(fraction * 5, 0, 1))
    soft = ndimage.gaussian_filter(region.astype(np.float32), sigma=max(1.0, w / 256))
    return SkyDetection(soft.astype(np.float32), confidence, _horizon(region), fraction)


def _horizon(region: NDArray[np.bool_]) -> tuple[float, float] | None:
    h, w = region.shape
    cols = np.nonzero(region.any(axis=0))[0]
    if len(cols) < 0.8 * w:
        return None
    # Lowest sky row of each column (the sky–land boundary).
    lowest = h - 1 - np.argmax(region[::-1, cols], axis=0)
    slope, intercept = np.polyfit(cols, lowest, 1)
    rms = float(np.sqrt(np.mean((np.polyval([slope, intercept], cols) - lowest) ** 2)))
    if rms > 0.04 * h:
        return None
    return float(intercept / h), float((slope * (w - 1) + intercept) / h)
