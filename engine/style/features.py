"""Features of an *unedited* photo for the style model: light, colour, illuminant, EXIF.

All image statistics are measured in linear light on a ≤ 256 px thumbnail:

- tone: percentiles 1/5/25/50/75/95/99 of log2 luminance, its mean and spread, the
  fractions of clipped (any channel ≥ 0.98) and near-black (Y < 0.003) pixels;
- colour: mean chroma ratio ``(max − min) / max`` of mid-tone pixels;
- display: an 8-bin histogram of sRGB-encoded luma (fractions), its percentiles
  5/25/50/75/95, standard deviation (RMS contrast) and 5–95 % and 25–75 % ranges
  (contrast as the spread of the tones, one number each, so a sparse fit can use it
  without pairing two percentiles), the mean and the 50th/90th
  percentiles of the sRGB chroma ratio — how the photo looks on screen, which is what a
  photographer reacts to;
- illuminant: two estimates — shades-of-grey
  (`engine.color.white_balance.estimate_illuminant`) and grey-world (the mean colour,
  which is what an overall cast looks like) — each on the two opponent axes the
  white-balance sliders move along: blue–amber ``log(B/R)`` (Temperature) and
  green–magenta ``log(G/√(R·B))`` (Tint);
- EXIF: log2 ISO, log2 exposure time (s), log2 f-number, log2 focal length (mm), flash
  (0/1) — NaN when unknown (the model imputes its training mean);
- is_raw (0/1).

The camera model is returned separately (a categorical, used by nearest neighbours).

`FEATURE_SCALES` holds each feature's typical spread over a varied collection (the
shared photos, degraded in exposure, white balance, contrast and saturation).  The style
model standardises with these fixed scales rather than with the spread of the user's few
examples: five examples that happen to agree on a feature would otherwise turn a small
difference in a new photo into a huge standardised value.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from engine.color.transfer import linear_to_srgb
from engine.color.white_balance import estimate_illuminant
from engine.decode.types import DecodedPhoto

__all__ = [
    "FEATURE_GROUPS",
    "FEATURE_NAMES",
    "FEATURE_SCALES",
    "camera_of",
    "feature_weights",
    "photo_features",
]

_PERCENTILES = (1, 5, 25, 50, 75, 95, 99)
_SRGB_PERCENTILES = (5, 25, 50, 75, 95)
FEATURE_NAMES: tuple[str, ...] = (
    *(f"log2y_p{p}" for p in _PERCENTILES),
    "log2y_mean",
    "log2y_std",
    "clipped_fraction",
    "dark_fraction",
    "midtone_chroma",
    *(f"srgb_luma_bin{i}" for i in range(8)),
    *(f"srgb_luma_p{p}" for p in _SRGB_PERCENTILES),
    "srgb_luma_std",
    "srgb_luma_range",
    "srgb_luma_iqr",
    "srgb_chroma",
    "srgb_chroma_p50",
    "srgb_chroma_p90",
    "illuminant_blue_amber",
    "illuminant_green_magenta",
    "grey_world_blue_amber",
    "grey_world_green_magenta",
    "log2_iso",
    "log2_exposure_time",
    "log2_f_number",
    "log2_focal_length",
    "flash",
    "is_raw",
)
#: Typical spread of each feature (see the module docstring), in the feature's units.
FEATURE_SCALES: dict[str, float] = {
    **{f"log2y_p{p}": 1.4 for p in _PERCENTILES},
    "log2y_mean": 1.2, "log2y_std": 0.4, "clipped_fraction": 0.12, "dark_fraction": 0.02,
    "midtone_chroma": 0.18,
    **{f"srgb_luma_bin{i}": 0.12 for i in range(8)},
    **{f"srgb_luma_p{p}": 0.18 for p in _SRGB_PERCENTILES},
    "srgb_luma_std": 0.056, "srgb_luma_range": 0.17, "srgb_luma_iqr": 0.12,
    "srgb_chroma": 0.17, "srgb_chroma_p50": 0.18,
    "srgb_chroma_p90": 0.22,
    "illuminant_blue_amber": 0.7, "illuminant_green_magenta": 0.2,
    "grey_world_blue_amber": 0.7, "grey_world_green_magenta": 0.2,
    "log2_iso": 1.0, "log2_exposure_time": 2.0, "log2_f_number": 0.5,
    "log2_focal_length": 0.6, "flash": 0.5, "is_raw": 0.5,
}
#: What each feature tells about the photo.  The style model weights every feature by
#: 1/√(size of its group), so each group has the same say a priori: brightness, described
#: by many correlated numbers, would otherwise drown contrast or colour, described by few.
FEATURE_GROUPS: dict[str, tuple[str, ...]] = {
    "brightness": ("log2y_p25", "log2y_p50", "log2y_p75", "log2y_mean", "srgb_luma_p25",
                   "srgb_luma_p50", "srgb_luma_p75"),
    "extremes": ("log2y_p1", "log2y_p5", "log2y_p95", "log2y_p99", "clipped_fraction",
                 "dark_fraction", "srgb_luma_p5", "srgb_luma_p95", "srgb_luma_bin0",
                 "srgb_luma_bin7"),
    "contrast": ("log2y_std", "srgb_luma_std", "srgb_luma_range", "srgb_luma_iqr"),
    "tonal distribution": tuple(f"srgb_luma_bin{i}" for i in range(1, 7)),
    "colourfulness": ("midtone_chroma", "srgb_chroma", "srgb_chroma_p50", "srgb_chroma_p90"),
    "light colour": ("illuminant_blue_amber", "illuminant_green_magenta",
                     "grey_world_blue_amber", "grey_world_green_magenta"),
    "capture": ("log2_iso", "log2_exposure_time", "log2_f_number", "log2_focal_length",
                "flash", "is_raw"),
}
_LUMA = np.array([0.2126, 0.7152, 0.0722])
_MAX_SIDE = 256


def _log2(value: float | None) -> float:
    return math.log2(value) if value is not None and value > 0 else math.nan


def _opponent(rgb: NDArray[np.float64]) -> tuple[float, float]:
    """(blue–amber, green–magenta) log-ratios of a positive RGB colour."""
    r, g, b = (math.log(float(v)) for v in rgb)
    return b - r, g - (r + b) / 2


def feature_weights() -> NDArray[np.float64]:
    """(D,) prior weight of each feature, 1/√(size of its group) (`FEATURE_GROUPS`)."""
    size = {f: len(group) for group in FEATURE_GROUPS.values() for f in group}
    return np.array([1.0 / math.sqrt(size[f]) for f in FEATURE_NAMES])


def camera_of(photo: DecodedPhoto) -> str:
    """``"Make Model"`` of the camera, or "" when unknown."""
    return " ".join(s for s in (photo.info.camera_make, photo.info.camera_model) if s).strip()


def photo_features(photo: DecodedPhoto) -> NDArray[np.float64]:
    """The feature vector of one photo, shape ``(len(FEATURE_NAMES),)``, NaN = unknown."""
    rgb = np.nan_to_num(np.asarray(photo.linear, dtype=np.float64), nan=0.0, posinf=1.0)
    step = max(1, math.ceil(max(rgb.shape[:2]) / _MAX_SIDE))
    rgb = np.maximum(rgb[::step, ::step], 0.0)
    y = rgb @ _LUMA
    log_y = np.log2(np.maximum(y, 1e-4)).ravel()
    hi, lo = rgb.max(axis=-1), rgb.min(axis=-1)
    mid = (y > 0.02) & (y < 0.6)
    chroma = ((hi - lo) / np.maximum(hi, 1e-6))[mid]
    illum = estimate_illuminant(rgb)
    srgb = linear_to_srgb(np.minimum(rgb, 1.0)).astype(np.float64)
    luma = srgb @ _LUMA
    s_hi, s_lo = srgb.max(axis=-1), srgb.min(axis=-1)
    s_chroma = (s_hi - s_lo) / np.maximum(s_hi, 1e-3)
    grey = np.maximum(rgb.reshape(-1, 3).mean(axis=0), 1e-6)
    info = photo.info
    values = [
        *np.percentile(log_y, _PERCENTILES),
        log_y.mean(),
        log_y.std(),
        float((hi >= 0.98).mean()),
        float((y < 0.003).mean()),
        float(chroma.mean()) if chroma.size else 0.0,
        *np.histogram(luma, bins=8, range=(0.0, 1.0))[0] / luma.size,
        *(pct := np.percentile(luma, _SRGB_PERCENTILES)),
        float(luma.std()),
        float(pct[-1] - pct[0]),
        float(pct[3] - pct[1]),
        float(s_chroma.mean()),
        *np.percentile(s_chroma, (50, 90)),
        *_opponent(np.maximum(np.asarray(illum, dtype=np.float64), 1e-6)),
        *_opponent(grey),
        _log2(info.iso),
        _log2(info.exposure_time_s),
        _log2(info.f_number),
        _log2(info.focal_length_mm),
        math.nan if info.flash_fired is None else float(info.flash_fired),
        float(info.is_raw),
    ]
    return np.asarray(values, dtype=np.float64)
