"""Luminance zones: the deep shadows and bright highlights as luminance ranges."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from engine.color.channels import REC709_LUMA
from engine.color.transfer import linear_to_srgb

__all__ = ["LuminanceZone", "luminance_zones"]



@dataclass(frozen=True)
class LuminanceZone:
    """A luminance range of the sRGB-encoded photo.

    Attributes:
        name: ``"shadows"`` or ``"highlights"``.
        low: lower bound of encoded luminance, 0..1.
        high: upper bound, 0..1.
        smoothness: soft-edge width, 0..1.
        mask: (H, W) float32 0..1 — the zone rendered on the analysis image.
        fraction: share of the frame inside the zone, 0..1.
    """

    name: str
    low: float
    high: float
    smoothness: float
    mask: NDArray[np.float32]
    fraction: float


def _soft_range(
    v: NDArray[np.float32], low: float, high: float, smooth: float
) -> NDArray[np.float32]:
    up = np.clip((v - (low - smooth)) / max(smooth, 1e-6), 0, 1)
    down = np.clip(((high + smooth) - v) / max(smooth, 1e-6), 0, 1)
    return np.asarray(np.minimum(up, down), dtype=np.float32)


def luminance_zones(linear: NDArray[np.float32], *, smoothness: float = 0.1) -> list[LuminanceZone]:
    """The shadow zone (encoded luminance ≤ 0.25) and highlight zone (≥ 0.75)."""
    v = np.clip(linear_to_srgb(np.clip(linear @ REC709_LUMA, 0, 1)), 0, 1)
    zones = []
    for name, low, high in (("shadows", 0.0, 0.25), ("highlights", 0.75, 1.0)):
        mask = _soft_range(v, low, high, smoothness)
        zones.append(LuminanceZone(name, low, high, smoothness, mask, float(mask.mean())))
    return zones
