"""White balance in Lightroom's units: Kelvin/tint for raw, incremental for rendered.

Conventions (documented approximations of Adobe's closed implementation):

- Chromaticities are CIE 1931 xy; CCT and Duv come from CIE 1960 uv with Ohno (2013)
  (colour-science).  Duv > 0 lies above the Planckian locus (greenish).
- Raw ``Temperature`` is the CCT of the illuminant the photo is neutralised for (K);
  raw ``Tint`` = ``TINT_PER_DUV`` × Duv, so daylight (D65, Duv ≈ +0.0032) reads ≈ +10
  as in Lightroom's Daylight preset, and green fluorescent light reads strongly positive.
  Raising either slider makes the picture warmer / more magenta.
- Rendered files have no Kelvin: ``IncrementalTemperature`` moves the neutral by
  ``MIRED_PER_UNIT`` mired per unit (positive = warmer picture), ``IncrementalTint`` by
  1/``TINT_PER_DUV`` Duv per unit (positive = more magenta picture), around the file's
  own white (D65 for sRGB).
"""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import NDArray

from engine.color._colour import colour
from engine.color.channels import channel_max, channel_min

__all__ = [
    "MIRED_PER_UNIT",
    "TINT_PER_DUV",
    "cct_duv_to_xy",
    "d65_cct_duv",
    "duv_to_tint",
    "estimate_illuminant",
    "incremental_from_shift",
    "raw_as_shot_white",
    "rgb_to_xy",
    "shift_to_incremental",
    "tint_to_duv",
    "xy_to_cct_duv",
]

#: Lightroom tint units per unit of Duv.
TINT_PER_DUV = 3000.0
#: Mired moved by one unit of ``IncrementalTemperature`` (±100 ≈ ±200 mired).
MIRED_PER_UNIT = 2.0

_SRGB_TO_XYZ = np.asarray(colour.RGB_COLOURSPACES["sRGB"].matrix_RGB_to_XYZ, dtype=np.float64)


def rgb_to_xy(rgb: NDArray[np.floating]) -> NDArray[np.float64]:
    """Linear sRGB (..., 3) → CIE 1931 xy (..., 2)."""
    xyz = np.asarray(rgb, dtype=np.float64) @ _SRGB_TO_XYZ.T
    total = np.maximum(xyz.sum(axis=-1, keepdims=True), 1e-12)
    return np.asarray(xyz[..., :2] / total)


def xy_to_cct_duv(xy: NDArray[np.floating]) -> tuple[float, float]:
    """CIE xy of a light → (CCT in K, Duv), Ohno 2013 in CIE 1960 uv.

    Domain: chromaticities near the Planckian locus (|Duv| < 0.05), 1000..100000 K.
    """
    uv = colour.xy_to_UCS_uv(np.asarray(xy, dtype=np.float64))
    cct, duv = colour.uv_to_CCT(uv, method="Ohno 2013")
    return float(cct), float(duv)


def cct_duv_to_xy(cct: float, duv: float) -> NDArray[np.float64]:
    """(CCT in K, Duv) → CIE xy, Ohno 2013.  Domain: 1000..100000 K, |Duv| < 0.05."""
    uv = colour.CCT_to_uv(np.array([cct, duv]), method="Ohno 2013")
    return np.asarray(colour.UCS_uv_to_xy(uv), dtype=np.float64)


def duv_to_tint(duv: float) -> float:
    """Duv → Lightroom tint units (raw ``Tint``)."""
    return duv * TINT_PER_DUV


def tint_to_duv(tint: float) -> float:
    """Lightroom tint units → Duv."""
    return tint / TINT_PER_DUV


@cache
def d65_cct_duv() -> tuple[float, float]:
    """(CCT in K, Duv) of D65, the white of sRGB-encoded files (≈ 6504 K, +0.0032)."""
    return xy_to_cct_duv(colour.CCS_ILLUMINANTS["CIE 1931 2 Degree Standard Observer"]["D65"])


def shift_to_incremental(
    scene_cct: float, scene_duv: float, reference: tuple[float, float] | None = None
) -> tuple[float, float]:
    """The incremental WB that neutralises a scene light, relative to ``reference``.

    Args:
        scene_cct: CCT of the light the picture shows as neutral-to-be, K.
        scene_duv: its Duv.
        reference: (CCT K, Duv) the file is currently balanced for (default D65).

    Returns:
        (``IncrementalTemperature``, ``IncrementalTint``), unclamped: a warm light (low
        CCT) gives a negative (cooling) temperature, a green one a positive tint.
    """
    ref_cct, ref_duv = reference or d65_cct_duv()
    d_mired = 1e6 / scene_cct - 1e6 / ref_cct
    return -d_mired / MIRED_PER_UNIT, duv_to_tint(scene_duv - ref_duv)


def incremental_from_shift(
    incremental_temperature: float,
    incremental_tint: float,
    reference: tuple[float, float] | None = None,
) -> tuple[float, float]:
    """Inverse of `shift_to_incremental`: the (CCT K, Duv) a setting neutralises."""
    ref_cct, ref_duv = reference or d65_cct_duv()
    mired = 1e6 / ref_cct - incremental_temperature * MIRED_PER_UNIT
    return 1e6 / mired, ref_duv + tint_to_duv(incremental_tint)


#: Pixels the illuminant estimate looks at (a regular subsample of the frame).
_SAMPLE_PIXELS = 50_000


def _shades_of_grey(rgb: NDArray[np.float64], p: float = 4.0) -> NDArray[np.float64]:
    est = np.mean(np.maximum(rgb, 0) ** p, axis=0) ** (1 / p)
    if not np.all(np.isfinite(est)) or np.any(est <= 0):
        return np.ones(3)
    return np.asarray(est / est[1])


def estimate_illuminant(linear: NDArray[np.floating]) -> NDArray[np.float64]:
    """Estimate the colour of the light in a linear sRGB image.

    Method: shades-of-grey (Minkowski p = 4, Finlayson & Trezzi 2004) over well-exposed
    pixels (luminance between the 5th and 98th percentiles, no channel above 0.95), then
    refined on the 30 % of them least chromatic *after* dividing by the first estimate.
    Measuring chroma relative to the estimate keeps the pixel selection the same when
    the whole picture gets a colour cast, so the estimate follows the cast.

    Args:
        linear: (H, W, 3) linear sRGB, float.

    Returns:
        Illuminant RGB (3,), green normalised to 1.
    """
    rgb = np.asarray(linear).reshape(-1, 3)
    # a statistic of the whole frame: a regular subsample of ~50k pixels gives the same
    # estimate (to < 0.1 % here) at a fraction of the cost of a 12 MP frame
    rgb = np.asarray(rgb[:: max(1, len(rgb) // _SAMPLE_PIXELS)], dtype=np.float64)
    rgb = rgb[np.all(np.isfinite(rgb), axis=1)]
    y = rgb @ _SRGB_TO_XYZ[1]
    keep = (channel_max(rgb) < 0.95) & (y > 1e-4)
    if keep.sum() >= 64:
        lo, hi = np.percentile(y[keep], [5, 98])
        keep &= (y >= lo) & (y <= hi)
    sel = rgb[keep] if keep.sum() >= 64 else rgb
    if len(sel) < 16:
        return np.ones(3)
    est = _shades_of_grey(sel)
    for _ in range(2):
        balanced = sel / est
        peak = np.maximum(channel_max(balanced), 1e-6)
        chroma = (peak - channel_min(balanced)) / peak
        neutral = sel[chroma <= np.percentile(chroma, 30)]
        est = _shades_of_grey(neutral)
    return est


def raw_as_shot_white(
    as_shot_multipliers: NDArray[np.floating],
    daylight_multipliers: NDArray[np.floating],
    rgb_cam: NDArray[np.floating],
) -> NDArray[np.float64]:
    """CIE xy of the light a raw file was shot for (its as-shot white balance).

    LibRaw's ``rgb_cam`` maps camera RGB scaled by the daylight multipliers to linear
    sRGB; the as-shot neutral in that scaled space is ``daylight / as_shot``.  One
    colour matrix is used (no dual-illuminant interpolation as in the DNG SDK), which is
    accurate near daylight and drifts under tungsten.

    Args:
        as_shot_multipliers: camera WB multipliers (R, G, B[, G2]), any scale.
        daylight_multipliers: LibRaw's daylight multipliers (pre_mul), same layout.
        rgb_cam: (3, 3+) camera → linear sRGB matrix.
    """
    shot = np.asarray(as_shot_multipliers, dtype=np.float64)[:3]
    day = np.asarray(daylight_multipliers, dtype=np.float64)[:3]
    if np.any(shot <= 0) or np.any(day <= 0):
        raise ValueError(f"white-balance multipliers must be > 0, got {shot} and {day}")
    neutral_cam = day / shot
    rgb = np.asarray(rgb_cam, dtype=np.float64)[:3, :3] @ neutral_cam
    return rgb_to_xy(rgb)
