"""What decoding a photo produces."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["DecodedPhoto", "PhotoInfo", "RawColour"]


@dataclass(frozen=True)
class PhotoInfo:
    """Facts about a photo; mirrors ``atelier.v1.ImageInfo`` (same names and units)."""

    width: int  # px, displayed frame, full resolution
    height: int  # px, displayed frame, full resolution
    orientation: int = 1  # EXIF 1..8
    is_raw: bool = False
    format: str = ""
    camera_make: str = ""
    camera_model: str = ""
    as_shot_temperature: float | None = None  # K, raw only
    as_shot_tint: float | None = None  # Lightroom tint units, raw only
    bits_per_sample: int = 8
    decoder: str = ""
    iso: float | None = None
    exposure_time_s: float | None = None
    f_number: float | None = None
    focal_length_mm: float | None = None
    flash_fired: bool | None = None
    color_space: str = "sRGB"


@dataclass(frozen=True)
class RawColour:
    """Colour facts of a raw file needed for absolute white balance.

    Attributes:
        as_shot_multipliers: camera WB multipliers (R, G, B), green = 1.
        daylight_multipliers: LibRaw's daylight multipliers (R, G, B), green = 1.
        rgb_cam: (3, 3) camera (daylight-scaled) → linear sRGB matrix.
        as_shot_xy: CIE xy of the as-shot white.
    """

    as_shot_multipliers: tuple[float, float, float]
    daylight_multipliers: tuple[float, float, float]
    rgb_cam: tuple[tuple[float, float, float], ...]
    as_shot_xy: tuple[float, float]


@dataclass(frozen=True)
class DecodedPhoto:
    """A decoded photo in scene-linear light.

    Attributes:
        linear: (H, W, 3) float32 linear RGB, sRGB/Rec. 709 primaries, D65 white,
            displayed (EXIF-oriented) frame; for raw, rendered with the as-shot white
            balance.  Values ≥ 0, 1.0 = the encoding's white (raw highlights may exceed 1).
        info: facts about the file (full-resolution size, camera, EXIF).
        raw: raw colour facts, None for rendered files.
    """

    linear: NDArray[np.float32]
    info: PhotoInfo
    raw: RawColour | None = None
