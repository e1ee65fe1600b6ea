"""Features of an *unedited* photo for the style model: light, colour, illuminant, EXIF.

All image statistics are measured in linear light on a ≤ 256 px thumbnail:

- tone: percentiles 1/5/25/50/75/95/99 of log2 luminance, its mean and spread, the
  fractions of clipped (any channel ≥ 0.98) and near-black (Y < 0.003) pixels;
- colour: mean chroma ratio ``(max − min) / max`` of mid-tone pixels;
- display: an 8-bin histogram of sRGB-encoded luma (fractions), its standard deviation
  (RMS contrast) and the mean sRGB chroma ratio — how the photo looks on screen, which is
  what a photographer reacts to;
- illuminant: shades-of-grey estimate (`engine.color.white_balance.estimate_illuminant`)
  as log(R/G), log(B/G);
- EXIF: log2 ISO, log2 exposure time (s), log2 f-number, log2 focal length (mm), flash
  (0/1) — NaN when unknown (the model imputes its training mean);
- is_raw (0/1).

The camera model is returned separately (a categorical, used by nearest neighbours).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from engine.color.transfer import linear_to_srgb
from engine.color.white_balance import estimate_illuminant
from engine.decode.types import DecodedPhoto

__all__ = ["FEATURE_NAMES", "camera_of", "photo_features"]

_PERCENTILES = (1, 5, 25, 50, 75, 95, 99)
FEATURE_NAMES: tuple[str, ...] = (
    *(f"log2y_p{p}" for p in _PERCENTILES),
    "log2y_mean",
    "log2y_std",
    "clipped_fraction",
    "dark_fraction",
    "midtone_chroma",
    *(f"srgb_luma_bin{i}" for i in range(8)),
    "srgb_luma_std",
    "srgb_chroma",
    "illuminant_log_rg",
    "illuminant_log_bg",
    "log2_iso",
    "log2_exposure_time",
    "log2_f_number",
    "log2_focal_length",
    "flash",
    "is_raw",
)
_LUMA = np.array([0.2126, 0.7152, 0.0722])
_MAX_SIDE = 256


def _log2(value: float | None) -> float:
    return math.log2(value) if value is not None and value > 0 else math.nan


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
    info = photo.info
    values = [
        *np.percentile(log_y, _PERCENTILES),
        log_y.mean(),
        log_y.std(),
        float((hi >= 0.98).mean()),
        float((y < 0.003).mean()),
        float(chroma.mean()) if chroma.size else 0.0,
        *np.histogram(luma, bins=8, range=(0.0, 1.0))[0] / luma.size,
        float(luma.std()),
        float(((s_hi - s_lo) / np.maximum(s_hi, 1e-3)).mean()),
        math.log(max(illum[0], 1e-6)),
        math.log(max(illum[2], 1e-6)),
        _log2(info.iso),
        _log2(info.exposure_time_s),
        _log2(info.f_number),
        _log2(info.focal_length_mm),
        math.nan if info.flash_fired is None else float(info.flash_fired),
        float(info.is_raw),
    ]
    return np.asarray(values, dtype=np.float64)
