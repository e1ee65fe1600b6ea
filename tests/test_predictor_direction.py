"""The analytic predictor answers exposure and colour casts in the right direction."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from engine.decode import decode_photo
from engine.predictors import get_predictor

KODAK = [f"kodim{i:02d}.png" for i in range(1, 25)]
WARM = np.array([1.15, 1.0, 0.8], dtype=np.float32)
COOL = np.array([0.85, 1.0, 1.2], dtype=np.float32)


@pytest.fixture(scope="module")
def kodak(shared_photos: Path) -> list:
    return [decode_photo(shared_photos / "kodak" / name, long_side=256) for name in KODAK]


def test_darkened_copy_gets_one_more_ev(kodak: list) -> None:
    predictor = get_predictor("analytic")
    for photo in kodak:
        original = predictor.predict(photo).settings["Exposure2012"]
        darker = predictor.predict(replace(photo, linear=photo.linear * 0.5)).settings
        assert darker["Exposure2012"] - original == pytest.approx(1.0, abs=0.35), photo.info


def test_colour_casts_are_corrected_in_the_opposite_direction(kodak: list) -> None:
    predictor = get_predictor("analytic")
    right = 0
    for photo in kodak:
        base = predictor.predict(photo).settings["IncrementalTemperature"]
        warm = predictor.predict(replace(photo, linear=photo.linear * WARM)).settings
        cool = predictor.predict(replace(photo, linear=photo.linear * COOL)).settings
        right += warm["IncrementalTemperature"] < base < cool["IncrementalTemperature"]
    # A frame filled by one saturated colour (kodim02's red door) can saturate the
    # soft limit; every ordinary scene must go the right way.
    assert right >= len(kodak) - 2


def test_settings_are_in_range_with_rendered_white_balance(kodak: list) -> None:
    from xmp.vocabulary import validate_settings

    for photo in kodak[:6]:
        prediction = get_predictor().predict(photo)
        validate_settings(prediction.settings, is_raw=False)
        assert set(prediction.reasons) == set(prediction.settings)
        assert "Temperature" not in prediction.settings
        assert prediction.backend == "analytic/1"


def test_raw_dng_gets_kelvin_near_its_as_shot_daylight(shared_photos: Path) -> None:
    photo = decode_photo(shared_photos / "raw" / "gopro_hero6black_GOPR0024_from_gpr.dng")
    assert photo.info.is_raw and photo.info.as_shot_temperature is not None
    assert 4000 < photo.info.as_shot_temperature < 7500
    settings = get_predictor().predict(photo).settings
    assert {"Temperature", "Tint"} <= set(settings)
    assert not {"IncrementalTemperature", "IncrementalTint"} & set(settings)
    assert abs(settings["Temperature"] - photo.info.as_shot_temperature) < 2500


def test_unknown_predictor_lists_the_known_ones() -> None:
    with pytest.raises(ValueError, match="analytic"):
        get_predictor("nope")


def test_small_highlights_anchor_exposure_at_full_size(kodak: list) -> None:
    # A 512 px grey scene with 1 % isolated bright pixels: averaged 2×2 they would read 0.3,
    # not 0.9, and the highlight anchor would ask for about +1 EV instead of almost none.
    linear = np.full((384, 512, 3), 0.1, dtype=np.float32)
    linear[::10, ::10] = 0.9
    prediction = get_predictor("analytic").predict(replace(kodak[0], linear=linear))
    assert abs(prediction.settings["Exposure2012"]) < 0.2
    assert "brightest 0.5 % at 0.90" in prediction.reasons["Exposure2012"]
