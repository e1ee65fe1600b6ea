"""Saturation: how colourful the mid-tones are and how much colour is clipped at the gamut.

CIELAB chroma C*ab is used (not HSV saturation) because it is roughly perceptual: a
C* of 10 looks muted, 30–50 lively, above 60 loud on an sRGB display.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.critic._image import Linear, encoded, lab, mask_place

__all__ = ["SaturationMeasurement", "measure_saturation"]


@dataclass(frozen=True)
class SaturationMeasurement:
    """Colourfulness facts of one photo.

    Attributes:
        mean_chroma: mean C*ab of the mid-tones (L* 15..90), ≥ 0 (0 = grey).
        vivid_chroma: 95th percentile C*ab of the mid-tones.
        gamut_clipped: fraction 0..1 of pixels with C*ab > 40 and a channel at 0 or 255
            (colour pushed off the edge of sRGB: flat, posterised patches).
        gamut_clipped_where: where those pixels gather ("" if none).
    """

    mean_chroma: float
    vivid_chroma: float
    gamut_clipped: float
    gamut_clipped_where: str


def measure_saturation(rgb: Linear) -> SaturationMeasurement:
    """Measure colourfulness of validated linear sRGB pixels (see `_image.prepare`)."""
    lab_px = lab(rgb)
    chroma = np.hypot(lab_px[..., 1], lab_px[..., 2])
    mid = (lab_px[..., 0] > 15) & (lab_px[..., 0] < 90)
    values = chroma[mid] if mid.sum() >= 64 else chroma.ravel()
    enc = encoded(rgb)
    at_edge = (enc.max(axis=-1) >= 254.5 / 255) | (enc.min(axis=-1) <= 0.5 / 255)
    clipped = at_edge & (chroma > 40)
    return SaturationMeasurement(
        mean_chroma=float(values.mean()),
        vivid_chroma=float(np.percentile(values, 95)),
        gamut_clipped=float(clipped.mean()),
        gamut_clipped_where=mask_place(clipped),
    )
