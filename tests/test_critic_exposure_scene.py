"""The exposure paragraph says when a bright or dark scene, not the exposure, is why the
mid-tones sit far from a normal key (`engine.critic.exposure.highlight_bound`)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from engine.critic.exposure import exposure_error, highlight_bound
from engine.critic.judge.tone import judge_exposure
from engine.critic.review import measure, review
from engine.decode import decode_photo
from engine.predictors import get_predictor
from engine.predictors.analytic import DARKEN_LIMIT_EV, HIGHLIGHT_HEADROOM_EV

BRIGHT = "a bright scene, so its highlights rather than its light mid-tones"
DARK = "a dark scene, so its highlights rather than its dark mid-tones"


@pytest.mark.parametrize(("key_ev", "highlight_ev", "bound", "error"), [
    (2.7, 0.2, "darken", 0.2 + DARKEN_LIMIT_EV),  # kodim20: a sky at white over light land
    (-2.0, 0.1, "brighten", 0.1 - HIGHLIGHT_HEADROOM_EV),  # dark land, bright highlights
    (0.2, 0.1, "", None),  # key and highlights agree: their blend decides
    (-1.5, -1.5, "", -1.5),  # a whole frame 1.5 EV down: no limit excuses it
])
def test_the_highlights_limit_is_named_where_it_decides_the_error(
    key_ev: float, highlight_ev: float, bound: str, error: float | None
) -> None:
    assert highlight_bound(key_ev, highlight_ev) == bound
    if error is not None:
        assert exposure_error(key_ev, highlight_ev) == pytest.approx(error)


def _exposure_paragraph(path: Path) -> str:
    paragraph = review(decode_photo(path, long_side=384)).paragraphs[0]
    assert paragraph.startswith("Exposure")
    return paragraph


def test_a_bright_scene_is_named_and_an_ordinary_one_is_not(shared_photos: Path) -> None:
    # kodim20 (a white sky over light ground): mid-tones 2.7 EV above a normal key and
    # judged a touch bright; the sentence once gave both figures with nothing between them.
    assert BRIGHT in _exposure_paragraph(shared_photos / "kodak/kodim20.png")
    kodim03 = _exposure_paragraph(shared_photos / "kodak/kodim03.png")
    assert "scene, so" not in kodim03


def test_a_dark_scene_is_named(shared_photos: Path) -> None:
    # A GoPro raw of dark plants and a bench under a bright overcast sky: mid-tones 2.0 EV
    # below a normal key, its brightest 0.5 % at 96 % of white — judged a touch dark, 0.6 EV.
    dng = shared_photos / "raw/gopro_hero7black_GOPR9231_from_gpr.dng"
    assert DARK in _exposure_paragraph(dng)


def test_a_scene_is_named_only_when_its_mid_tones_are_far_from_the_key(
    shared_photos: Path,
) -> None:
    photo = decode_photo(shared_photos / "kodak/kodim03.png", long_side=256)
    measured = measure(photo.linear).exposure
    pred = get_predictor("analytic").predict(photo)

    def paragraph(key_ev: float, highlight_ev: float) -> str:
        m = replace(measured, key_ev=key_ev, highlight_ev=highlight_ev,
                    error_ev=exposure_error(key_ev, highlight_ev))
        return judge_exposure(m, pred)[0]

    assert DARK in paragraph(-2.0, 0.1)
    # kodim01: mid-tones 0.4 EV above the key under dim highlights (76 % of white) — the
    # limit decides, but such mid-tones are no bright scene.
    assert highlight_bound(0.42, -0.67) == "darken"
    assert "scene, so" not in paragraph(0.42, -0.67)
