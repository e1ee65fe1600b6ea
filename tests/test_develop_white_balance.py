"""White balance of the develop model: Planckian direction, raw as-shot facts, grey cards."""

from __future__ import annotations

import itertools
from pathlib import Path

import colour
import numpy as np
import pytest
import torch

from engine.color import cct_duv_to_xy, duv_to_tint, rgb_to_xy, xy_to_cct_duv
from engine.decode import decode_photo
from engine.develop import render
from engine.develop.white_balance import kelvin_tint_to_uv, uv_to_xy

GREY = torch.full((1, 3, 4, 4), 0.18)


def _cct_duv_of(rgb: torch.Tensor) -> tuple[float, float]:
    return xy_to_cct_duv(rgb_to_xy(rgb[0, :, 0, 0].double().numpy()))


def test_locus_table_matches_colour_science():
    for cct, tint in [(2500, 0), (5000, 10), (6500, -30), (12000, 45)]:
        xy = uv_to_xy(kelvin_tint_to_uv(torch.tensor(float(cct), dtype=torch.float64),
                                        torch.tensor(float(tint), dtype=torch.float64)))
        expected = cct_duv_to_xy(cct, tint / 3000)
        np.testing.assert_allclose(xy.numpy(), expected, atol=2e-5)


def test_temperature_moves_a_grey_card_along_the_planckian_locus():
    shot_xy = cct_duv_to_xy(5000, 0.0)
    shot_tint = duv_to_tint(xy_to_cct_duv(shot_xy)[1])
    ccts = []
    for kelvin in (4300, 4600, 5000, 5600, 6500):
        out = render(GREY, {"Temperature": kelvin, "Tint": shot_tint}, as_shot_xy=shot_xy)
        cct, duv = _cct_duv_of(out)
        assert abs(duv) < 0.006, (kelvin, cct, duv)  # stays near the locus
        ccts.append(cct)
    # a higher Temperature setting makes the picture warmer: the card's own CCT falls
    assert all(b < a for a, b in itertools.pairwise(ccts)), ccts
    assert abs(ccts[2] - 6504) < 60  # as shot: the card stays D65-neutral


def test_incremental_temperature_moves_grey_along_the_locus():
    ccts = []
    for inc in (-20, -10, 0, 10, 20):
        cct, duv = _cct_duv_of(render(GREY, {"IncrementalTemperature": inc}))
        assert abs(duv) < 0.008, (inc, cct, duv)
        ccts.append(cct)
    assert all(b < a for a, b in itertools.pairwise(ccts)), ccts


def test_tint_moves_grey_off_the_locus_towards_magenta():
    shot_xy = cct_duv_to_xy(5500, 0.0)
    duvs = [
        _cct_duv_of(render(GREY, {"Temperature": 5500, "Tint": t}, as_shot_xy=shot_xy))[1]
        for t in (-60, 0, 60)
    ]
    assert duvs[0] > 0.005 > abs(duvs[1])  # green light assumed → picture magenta, etc.
    assert duvs[2] < -0.005


@pytest.fixture(scope="module")
def raw_dng(shared_photos: Path) -> Path:
    return shared_photos / "raw" / "gopro_hero6black_GOPR0024_from_gpr.dng"


def test_raw_dng_gets_a_daylight_as_shot_temperature(raw_dng: Path):
    photo = decode_photo(raw_dng, long_side=256)
    assert photo.info.is_raw and photo.raw is not None
    assert photo.info.as_shot_temperature is not None and photo.info.as_shot_tint is not None
    assert 4000 <= photo.info.as_shot_temperature <= 7500
    assert -40 <= photo.info.as_shot_tint <= 40


def test_as_shot_settings_leave_a_raw_grey_card_neutral(raw_dng: Path):
    photo = decode_photo(raw_dng, long_side=256)
    assert photo.raw is not None
    raw = photo.raw
    shot = np.asarray(raw.as_shot_multipliers)
    day = np.asarray(raw.daylight_multipliers)
    rgb_cam = np.asarray(raw.rgb_cam)
    # a grey card under the as-shot light, as the camera records it: neutral after `shot`
    card_cam = 0.18 / shot
    assert photo.info.as_shot_temperature is not None and photo.info.as_shot_tint is not None
    as_shot = {"Temperature": photo.info.as_shot_temperature, "Tint": photo.info.as_shot_tint}

    # 1. developed with the as-shot white balance (what the decoder delivers)
    balanced = torch.tensor(rgb_cam @ (card_cam * shot), dtype=torch.float32).view(1, 3, 1, 1)
    out = render(balanced, as_shot, as_shot_xy=raw.as_shot_xy)
    assert float(out.amax() / out.amin()) < 1.01

    # 2. developed for daylight: the card is tinted; Temperature/Tint put it back
    day_img = torch.tensor(rgb_cam @ (card_cam * day), dtype=torch.float32).view(1, 3, 1, 1)
    day_xy = tuple(rgb_to_xy(rgb_cam @ np.ones(3)))
    assert float(day_img.amax() / day_img.amin()) > 1.05
    fixed = render(day_img, as_shot, as_shot_xy=day_xy)
    assert float(fixed.amax() / fixed.amin()) < 1.01
    assert colour.delta_E(
        colour.XYZ_to_Lab(colour.sRGB_to_XYZ(fixed[0, :, 0, 0].numpy(), apply_cctf_decoding=False)),
        colour.XYZ_to_Lab(colour.sRGB_to_XYZ(np.full(3, float(fixed.mean())),
                                             apply_cctf_decoding=False)),
    ) < 1.0
