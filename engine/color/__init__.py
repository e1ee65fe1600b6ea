"""Colour: transfer functions, RGB spaces, white balance in Lightroom's units."""

from engine.color.spaces import to_linear_srgb
from engine.color.transfer import linear_to_srgb, srgb_to_linear
from engine.color.white_balance import (
    cct_duv_to_xy,
    d65_cct_duv,
    duv_to_tint,
    estimate_illuminant,
    incremental_from_shift,
    raw_as_shot_white,
    rgb_to_xy,
    shift_to_incremental,
    tint_to_duv,
    xy_to_cct_duv,
)

__all__ = [
    "cct_duv_to_xy",
    "d65_cct_duv",
    "duv_to_tint",
    "estimate_illuminant",
    "incremental_from_shift",
    "linear_to_srgb",
    "raw_as_shot_white",
    "rgb_to_xy",
    "shift_to_incremental",
    "srgb_to_linear",
    "tint_to_duv",
    "to_linear_srgb",
    "xy_to_cct_duv",
]
