"""White balance in darktable's terms, from Lightroom's units.

Lightroom's units are Atelier's (`engine.color.white_balance`): raw ``Temperature`` K /
``Tint`` name the light to neutralise (CCT, 3000·Duv); rendered
``IncrementalTemperature``/``IncrementalTint`` (and every local temperature/tint) shift
the neutral around the file's own white by mired / Duv.

* Raw photos → darktable's ``temperature`` module, whose params are the camera
  multipliers (green = 1).  The multipliers that neutralise a light follow from the same
  camera model Atelier's raw decoder uses (LibRaw's daylight multipliers and
  camera → sRGB matrix, `engine.decode.types.RawColour`), so the as-shot temperature
  gives back exactly the camera's as-shot multipliers, which are darktable's default.
* Rendered photos and relative (local) shifts → ``channelmixerrgb`` (colour
  calibration) with a custom illuminant and CAT16.  darktable expresses that illuminant
  in its pipeline frame, where the file's white (D65) has become D50; the light is
  therefore carried there with the same Bradford D65 → D50 adaptation darktable applies
  to camera whites, and zero shift gives exactly D50, a no-op.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.decode.types import RawColour

__all__ = [
    "D50_XY",
    "light_pipeline_xy",
    "raw_multipliers",
    "raw_size",
    "read_raw_colour",
    "rebalance_pipeline_xy",
    "shift_illuminant",
]

#: darktable's pipeline white (``DT_ILLUMINANT_PIPE``).
D50_XY = (0.34567, 0.35850)
_D65_XY = (0.31271, 0.32902)

# linear sRGB (D65) → XYZ, IEC 61966-2-1; and the Bradford cone matrix.
_SRGB_TO_XYZ = np.array(
    [[0.4124564, 0.3575761, 0.1804375],
     [0.2126729, 0.7151522, 0.0721750],
     [0.0193339, 0.1191920, 0.9503041]]
)
_BRADFORD = np.array(
    [[0.8951, 0.2664, -0.1614], [-0.7502, 1.7135, 0.0367], [0.0389, -0.0685, 1.0296]]
)


def _xyz(xy: tuple[float, float] | np.ndarray) -> np.ndarray:
    x, y = float(xy[0]), float(xy[1])
    return np.array([x / y, 1.0, (1.0 - x - y) / y])


def _light_xy(cct: float, duv: float) -> tuple[float, float]:
    from engine.color.white_balance import cct_duv_to_xy

    xy = cct_duv_to_xy(cct, duv)
    return float(xy[0]), float(xy[1])


def raw_multipliers(
    temperature: float, tint: float, colour: RawColour
) -> tuple[float, float, float]:
    """Camera multipliers (R, G, B; G = 1) that neutralise the light ``temperature`` K /
    ``tint`` (Lightroom raw units) for the camera described by ``colour``.

    Raises:
        ValueError: the camera model gives a non-positive channel for that light.
    """
    from engine.color.white_balance import tint_to_duv

    xy = _light_xy(temperature, tint_to_duv(tint))
    srgb = np.linalg.solve(_SRGB_TO_XYZ, _xyz(xy))
    scaled = np.linalg.solve(np.asarray(colour.rgb_cam, dtype=np.float64)[:3, :3], srgb)
    if np.any(scaled <= 0):
        raise ValueError(f"{temperature:.0f} K / tint {tint:+.0f} is outside this camera's gamut")
    mul = np.asarray(colour.daylight_multipliers, dtype=np.float64)[:3] / scaled
    mul /= mul[1]
    return float(mul[0]), float(mul[1]), float(mul[2])


def _bradford_to_d50(xy: tuple[float, float]) -> tuple[float, float]:
    lms = _BRADFORD @ _xyz(xy)
    gain = (_BRADFORD @ _xyz(D50_XY)) / (_BRADFORD @ _xyz(_D65_XY))
    xyz = np.linalg.solve(_BRADFORD, lms * gain)
    total = float(xyz.sum())
    return float(xyz[0] / total), float(xyz[1] / total)


def light_pipeline_xy(temperature: float, tint: float) -> tuple[float, float]:
    """The light ``temperature`` K / ``tint`` (Lightroom raw units) as a colour-calibration
    illuminant in darktable's pipeline frame (Bradford D65 → D50, as darktable carries
    camera whites there)."""
    from engine.color.white_balance import tint_to_duv

    return _bradford_to_d50(_light_xy(temperature, tint_to_duv(tint)))


def rebalance_pipeline_xy(
    current: tuple[float, float], shot: tuple[float, float], target: tuple[float, float]
) -> tuple[float, float]:
    """Move a colour-calibration illuminant by the change from light ``shot`` to ``target``.

    darktable derives its as-shot illuminant from its own camera matrix, which need not
    agree with Atelier's; moving the illuminant the user's module already holds by the
    von Kries ratio (Bradford cones) of Atelier's target to Atelier's as-shot light keeps
    "Temperature = as shot" a no-op.  All three are xy in the pipeline frame.
    """
    lms = (_BRADFORD @ _xyz(current)) * (_BRADFORD @ _xyz(target)) / (_BRADFORD @ _xyz(shot))
    xyz = np.linalg.solve(_BRADFORD, lms)
    total = float(xyz.sum())
    return float(xyz[0] / total), float(xyz[1] / total)


def shift_illuminant(temperature_shift: float, tint_shift: float) -> tuple[float, float, float]:
    """A relative white-balance shift → darktable colour-calibration illuminant.

    Args:
        temperature_shift: ``IncrementalTemperature`` / local temperature, −100..100
            (positive = warmer picture).
        tint_shift: ``IncrementalTint`` / local tint, −100..100 (positive = magenta).

    Returns:
        ``(x, y, cct)``: CIE xy of the illuminant in darktable's pipeline frame and its
        correlated colour temperature in K (what darktable's GUI shows).
    """
    from engine.color.white_balance import incremental_from_shift

    cct, duv = incremental_from_shift(temperature_shift, tint_shift)
    x, y = _bradford_to_d50(_light_xy(cct, duv))
    return x, y, cct


def read_raw_colour(photo: Path) -> RawColour | None:
    """The camera colour model of a raw file via LibRaw (None when LibRaw cannot read it)."""
    import rawpy  # imported late: only raw white balance needs LibRaw

    try:
        with rawpy.imread(str(photo)) as raw:
            shot = np.asarray(raw.camera_whitebalance, dtype=np.float64)[:3]
            day = np.asarray(raw.daylight_whitebalance, dtype=np.float64)[:3]
            rgb_cam = np.asarray(raw.color_matrix, dtype=np.float64)[:3, :3]
    except (rawpy.LibRawError, OSError, ValueError):
        return None
    if not (np.all(shot > 0) and np.all(day > 0) and np.any(rgb_cam)):
        return None
    xyz = _SRGB_TO_XYZ @ (rgb_cam @ (day / shot))  # the as-shot neutral, as Atelier's decoder
    return RawColour(
        _rgb(shot / shot[1]), _rgb(day / day[1]),
        (_rgb(rgb_cam[0]), _rgb(rgb_cam[1]), _rgb(rgb_cam[2])),
        (float(xyz[0] / xyz.sum()), float(xyz[1] / xyz.sum())),
    )


def _rgb(v: np.ndarray) -> tuple[float, float, float]:
    return float(v[0]), float(v[1]), float(v[2])


def raw_size(photo: Path) -> tuple[int, int] | None:
    """(width, height) px of a raw file as stored (LibRaw's visible area, before flip)."""
    import rawpy

    try:
        with rawpy.imread(str(photo)) as raw:
            return int(raw.sizes.width), int(raw.sizes.height)
    except (rawpy.LibRawError, OSError, ValueError):
        return None
