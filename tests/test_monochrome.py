"""Black-and-white and toned photos: found, and judged and developed as such."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import ArrayLike
from PIL import Image

from engine.color.channels import REC709_LUMA
from engine.color.monochrome import MAX_SPREAD, detect_monochrome
from engine.color.transfer import linear_to_srgb
from engine.critic.technical import critique
from engine.decode import DecodedPhoto, decode_photo
from engine.predictors import Prediction, get_predictor
from engine.predictors.monochrome import keep_monochrome_colour

#: Linear-light gains of a sepia and a (cool) selenium toning.
SEPIA = np.array([1.12, 1.0, 0.78], dtype=np.float32)
SELENIUM = np.array([1.0, 0.97, 1.04], dtype=np.float32)


@pytest.fixture(scope="module")
def photo(shared_photos: Path) -> DecodedPhoto:
    return decode_photo(shared_photos / "kodak" / "kodim05.png", long_side=512)


def _toned(photo: DecodedPhoto, gains: ArrayLike) -> DecodedPhoto:
    """``photo``'s luminance times linear-light ``gains`` (3,): grey for (1, 1, 1)."""
    y = photo.linear @ REC709_LUMA
    return replace(photo, linear=(y[..., None] * np.asarray(gains, np.float32)))


def test_grey_and_toned_versions_are_monochrome_and_the_colour_photo_is_not(
    photo: DecodedPhoto,
) -> None:
    grey = detect_monochrome(_toned(photo, [1.0, 1.0, 1.0]).linear)
    assert grey is not None and not grey.toned and grey.spread < 0.1
    sepia = detect_monochrome(_toned(photo, SEPIA).linear)
    assert sepia is not None and sepia.toned and sepia.b > 5 and abs(sepia.a) < 1, sepia
    selenium = detect_monochrome(_toned(photo, SELENIUM).linear)
    assert selenium is not None and selenium.b < 0, selenium
    # A split tone: cool shadows, warm highlights — one colour per tone still.
    y = photo.linear @ REC709_LUMA
    split = np.where(y[..., None] < 0.18, y[..., None] * [0.9, 1.0, 1.15],
                     y[..., None] * [1.1, 1.0, 0.85]).astype(np.float32)
    assert detect_monochrome(split) is not None
    assert detect_monochrome(photo.linear) is None
    # Muted by 40 % toward grey, it keeps colours no gradient map has.
    muted = y[..., None] + 0.6 * (photo.linear - y[..., None])
    assert detect_monochrome(muted.astype(np.float32)) is None


def test_a_sepia_jpeg_is_still_toned_monochrome(shared_photos: Path, tmp_path: Path) -> None:
    # JPEG's 8 × 8 chroma blocks wobble the toning (ΔE ≈ 2–3 at quality 75, seen at the
    # 512 px analysis size of a larger file).
    full = decode_photo(shared_photos / "kodak" / "kodim05.png", long_side=768)
    assert max(full.linear.shape) == 768
    encoded = linear_to_srgb(np.clip(_toned(full, SEPIA).linear, 0, 1))
    path = tmp_path / "sepia.jpg"
    Image.fromarray(np.round(encoded * 255).astype(np.uint8)).save(path, quality=75)
    found = detect_monochrome(decode_photo(path, long_side=512).linear)
    assert found is not None and found.toned and 0.5 < found.spread <= MAX_SPREAD, found


def test_any_shape_of_pixels_and_nans_are_ignored(photo: DecodedPhoto) -> None:
    grey = _toned(photo, [1.0, 1.0, 1.0]).linear
    flat = detect_monochrome(grey.reshape(-1, 3))  # (N, 3) as well as (H, W, 3)
    assert flat is not None and flat == detect_monochrome(grey)
    holes = grey.copy()
    holes[::7, ::5] = np.nan
    assert detect_monochrome(holes) is not None
    assert detect_monochrome(np.zeros((40, 40, 3), np.float32)) is None  # no mid-tones


def test_the_critic_does_not_judge_a_monochrome_photos_colour(photo: DecodedPhoto) -> None:
    for gains, words in (([1.0, 1.0, 1.0], "a black-and-white photo"),
                         (SEPIA, "monochrome in yellow")):
        c = critique(_toned(photo, gains))
        colour = next(p for p in c.reasoning.split("\n\n") if p.startswith("Colour:"))
        assert colour.startswith(f"Colour: {words}"), colour
        assert "not judged" in colour
        assert c.sub_scores["colour"] == 100.0
        assert not [i for i in c.issues if i.attribute in ("colour", "saturation")], c.issues
        assert not [s for s in c.suggestions if s.attribute in ("colour", "saturation")]


def test_the_predictor_keeps_a_monochrome_photos_colour(photo: DecodedPhoto) -> None:
    predictor = get_predictor("analytic")
    for gains in ([1.0, 1.0, 1.0], SEPIA):
        settings = predictor.predict(_toned(photo, gains)).settings
        # Before: Vibrance +30 on grey ("muted colour"), and the sepia cooled as a cast.
        assert settings["Vibrance"] == 0.0, settings
        assert settings["IncrementalTemperature"] == 0.0, settings
        assert settings["IncrementalTint"] == 0.0, settings
    colour = predictor.predict(photo).settings
    assert colour["IncrementalTemperature"] != 0.0  # kodim05's own warm light is answered


def test_filternet_keeps_a_monochrome_photos_colour_too(photo: DecodedPhoto) -> None:
    filternet = get_predictor("filternet")  # the bundled models/filternet-small
    sepia = filternet.predict(_toned(photo, SEPIA))
    assert [sepia.settings[k] for k in ("Vibrance", "IncrementalTemperature",
                                        "IncrementalTint")] == [0.0, 0.0, 0.0], sepia.settings
    assert "its colour is kept" in sepia.reasons["IncrementalTemperature"]
    assert filternet.predict(photo).settings["IncrementalTemperature"] != 0.0


def test_a_monochrome_raw_keeps_its_white_balance_as_shot(photo: DecodedPhoto) -> None:
    # A raw answer's white balance is absolute Kelvin: held, it is left out, not set to 0.
    raw = Prediction(settings={"Temperature": 5200.0, "Tint": 12.0, "Exposure2012": 0.5},
                     reasons={"Temperature": "as shot 5000 K …", "Tint": "…",
                              "Exposure2012": "dark"}, backend="test/1")
    kept = keep_monochrome_colour(_toned(photo, [1.0, 1.0, 1.0]), raw)
    assert kept.settings == {"Exposure2012": 0.5} and set(kept.reasons) == {"Exposure2012"}
    assert keep_monochrome_colour(photo, raw) is raw  # a colour photo: untouched
