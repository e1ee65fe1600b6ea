"""Colour cast: the light's colour from the illuminant estimate, judged against a
photographically preferred white, and how far from grey the photo's near-neutral surfaces
are (ΔE*ab).

The light is estimated with the grey-edge hypothesis (van de Weijer, Gevers & Gijsenij
2007: the average reflectance *difference* is achromatic; first-order edges of the
σ = 1 px smoothed image, Minkowski p = 6), which on the shared corpus puts the originals'
lights in a narrower band than shades-of-grey (10th–90th percentile −17..+56 mired from
D65 against −33..+62) because large coloured surfaces weigh by their edges, not their
area.  A cast is the estimated light's distance in mired from `PREFERRED_WHITE_K`: viewers
prefer a slightly warm daylight rendering to strict D65 neutrality, and the corpus'
well-made photos centre there (median +15 mired from D65).

The near-neutrals are the pixels least chromatic *after* dividing by the illuminant
estimate (what should be grey under that light); their mean colour in the photo as it is,
brought to middle grey (Y = 0.18, L* ≈ 50) so the figure does not shrink when the photo
is darker, gives the visible cast as CIELAB a*, b*.  The two measurements agree on
direction by construction, and the ΔE is what a viewer sees on a mid-grey surface.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from engine.color.cielab import linear_to_lab
from engine.color.white_balance import (
    d65_cct_duv,
    rgb_to_xy,
    shift_to_incremental,
    xy_to_cct_duv,
)
from engine.critic._image import Linear, luminance

__all__ = [
    "MID_GREY",
    "NEUTRAL_SHARE",
    "PREFERRED_WHITE_K",
    "ColourMeasurement",
    "cast_name",
    "grey_edge",
    "measure_colour",
]

#: Share of the well-exposed pixels taken as the photo's near-neutrals.
NEUTRAL_SHARE = 0.15
#: Linear luminance the near-neutrals' colour is judged at (L* ≈ 50).
MID_GREY = 0.18
#: The white a rendered photo is judged against, K: slightly warm daylight (+18 mired
#: from D65), the centre of the corpus' well-made photos.
PREFERRED_WHITE_K = 5800.0
#: Grey-edge parameters: Gaussian σ (px) before the gradient, Minkowski norm.
EDGE_SIGMA, EDGE_NORM = 1.0, 6.0


@dataclass(frozen=True)
class ColourMeasurement:
    """Colour-cast facts of one photo.

    Attributes:
        cct: correlated colour temperature of the estimated light, K (2000..25000).
        duv: its distance from the Planckian locus (> 0 greenish).
        mired_shift: the light's mired minus `PREFERRED_WHITE_K`'s (> 0: the picture
            looks warmer than the preferred white, < 0 cooler).
        temperature_fix: ``IncrementalTemperature`` that would bring the light to the
            preferred white, unclamped slider units (> 0: the picture needs warming).
        tint_fix: ``IncrementalTint`` that would neutralise its tint (> 0: needs magenta).
        neutral_a: CIELAB a* of the near-neutrals' mean colour at middle grey (> 0
            magenta/red, < 0 green).
        neutral_b: its b* (> 0 yellow/warm, < 0 blue/cool).
        neutral_delta_e: ΔE*ab of that colour from grey, ≥ 0.
        neutral_share: fraction 0..1 of the frame the near-neutrals cover.
    """

    cct: float
    duv: float
    mired_shift: float
    temperature_fix: float
    tint_fix: float
    neutral_a: float
    neutral_b: float
    neutral_delta_e: float
    neutral_share: float


def cast_name(a: float, b: float) -> str:
    """Photographer's name for the hue of a cast with CIELAB (a*, b*)."""
    hue = math.degrees(math.atan2(b, a)) % 360
    names = ((30, "magenta-red"), (70, "orange"), (105, "yellow"), (150, "yellow-green"),
             (200, "green"), (250, "cyan"), (300, "blue"), (340, "violet"), (360, "magenta"))
    return next(name for limit, name in names if hue < limit)


def grey_edge(rgb: Linear, sigma: float = EDGE_SIGMA, norm: float = EDGE_NORM) -> np.ndarray:
    """Illuminant RGB (3,), green = 1, by the first-order grey-edge hypothesis.

    Gradient magnitudes of each channel after a Gaussian of ``sigma`` px, pooled by a
    Minkowski ``norm`` over the pixels with no channel clipped (≥ 0.95 linear), whose
    edges carry the clip level's colour rather than the light's.
    """
    edges = np.empty(rgb.shape, dtype=np.float64)
    for c in range(3):  # per channel: a 3-D Sobel would smooth across the channels
        smooth = ndimage.gaussian_filter(rgb[..., c].astype(np.float64), sigma)
        edges[..., c] = np.hypot(ndimage.sobel(smooth, axis=1), ndimage.sobel(smooth, axis=0))
    keep = rgb.max(axis=-1) >= 0.95
    flat = edges[~keep] if (~keep).sum() >= 64 else edges.reshape(-1, 3)
    est = np.mean(flat**norm, axis=0) ** (1 / norm)
    if not np.all(np.isfinite(est)) or np.any(est <= 0):
        return np.ones(3)
    return np.asarray(est / est[1])


def measure_colour(rgb: Linear) -> ColourMeasurement:
    """Measure the colour cast of validated linear sRGB pixels (see `_image.prepare`)."""
    illuminant = grey_edge(rgb)
    cct, duv = xy_to_cct_duv(rgb_to_xy(illuminant))
    cct = min(max(cct, 2000.0), 25000.0)
    temperature_fix, tint_fix = shift_to_incremental(
        cct, duv, (PREFERRED_WHITE_K, d65_cct_duv()[1]))

    flat = rgb.reshape(-1, 3)
    y = luminance(flat)
    usable = (flat.max(axis=-1) < 0.95) & (y > 0.01)  # clipped or black pixels carry no hue
    if usable.sum() < 64:
        usable = np.ones(len(flat), dtype=bool)
    sel = flat[usable]
    balanced = sel / illuminant.astype(np.float32)
    peak = np.maximum(balanced.max(axis=-1), 1e-6)
    chroma = (peak - balanced.min(axis=-1)) / peak
    neutral = chroma <= np.percentile(chroma, NEUTRAL_SHARE * 100)
    # The greys as they are (not balanced), at middle grey: the visible cast.
    grey = sel[neutral].mean(axis=0)
    grey = grey * np.float32(MID_GREY / max(float(luminance(grey[None])[0]), 1e-6))
    _, a, b = (float(v) for v in linear_to_lab(grey[None].astype(np.float32))[0])
    return ColourMeasurement(
        cct=cct,
        duv=duv,
        mired_shift=1e6 / cct - 1e6 / PREFERRED_WHITE_K,
        temperature_fix=temperature_fix,
        tint_fix=tint_fix,
        neutral_a=a,
        neutral_b=b,
        neutral_delta_e=math.hypot(a, b),
        neutral_share=float(neutral.sum()) / len(flat),
    )
