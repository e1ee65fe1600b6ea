"""A blown highlight stays blown wherever an edit moved it: two channels clipped
(`exposure.ratio_locked`), one channel clipped (`exposure.lone_plateau`) and the pixels
beside a moved blown area (`near_plateau`); grey, it costs more than white.

Synthetic surfaces with a known truth, and the quality harness's own local damage on
the shared corpus at its 512 px.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import ndimage

from atelier.settings import settings_from_adjustments
from benchmarks.quality import region_exposed
from engine.critic._image import encoded, luminance, prepare
from engine.critic.contrast import ContrastMeasurement
from engine.critic.exposure import (
    CEILING_WINDOW,
    CLIP_LEVEL,
    GRAIN_FLOOR,
    ExposureMeasurement,
    detail_free,
    lone_plateau,
    measure_exposure,
    near_plateau,
    ratio_locked,
)
from engine.critic.judge.tone import CLIPPING_CAP, clipping_penalty, judge_tone
from engine.critic.noise import measure_noise
from engine.decode import decode_photo
from engine.masks import detect_sky, detect_subject
from engine.predictors.base import Prediction

RNG = np.random.default_rng(0)


def _region_exposed(
    path: Path, detector: Callable[[np.ndarray], Any], ev: float
) -> tuple[np.ndarray, np.ndarray]:
    """The photo at the harness's 512 px and a copy with only the region ``detector``
    finds on it exposed by ``ev`` EV (the harness's local damage), both `prepare`d."""
    linear = decode_photo(path, long_side=512).linear
    region = detector(linear)
    assert region is not None, path
    return prepare(linear), prepare(region_exposed(linear, region.mask, ev))


def _surface(flat_level: float, others: float, grain: float) -> np.ndarray:
    """(64, 64, 3) encoded: green flat at ``flat_level``, red and blue about ``others``
    with ``grain`` levels of texture (σ)."""
    shape = (64, 64)
    green = np.full(shape, flat_level, dtype=np.float32)
    red, blue = (others + RNG.normal(0, grain / 255, shape).astype(np.float32) for _ in "rb")
    return np.stack([red, green, blue], axis=-1)


def _luma(enc: np.ndarray) -> np.ndarray:
    linear = np.where(enc <= 0.04045, enc / 12.92, ((enc + 0.055) / 1.055) ** 2.4)
    return np.asarray(encoded(luminance(linear.astype(np.float32))[..., None])[..., 0])


@pytest.mark.parametrize(
    ("flat_level", "others", "grain", "expected"),
    [
        (0.7, 0.66, 6.0, True),  # green clipped, then darkened: a flat green under texture
        (0.7, 0.66, 1.0, False),  # the others plain too: nothing says detail was lost
        (1.0, 0.95, 6.0, False),  # still at the clip level: `detail_lost` decides there
        (0.7, 0.25, 6.0, False),  # far darker others: a saturated colour, not a highlight
        (0.4, 0.38, 6.0, False),  # a dark flat channel: no highlight
    ],
)
def test_one_flat_channel_under_textured_others_is_a_moved_clip(
    flat_level: float, others: float, grain: float, expected: bool
) -> None:
    enc = _surface(flat_level, others, grain)
    assert lone_plateau(enc, _luma(enc))[4:-4, 4:-4].all() == expected
    # The same green with texture of its own is a surface, whatever the others do.
    enc[..., 1] += RNG.normal(0, 2 / 255, enc.shape[:2]).astype(np.float32)
    assert not lone_plateau(enc, _luma(enc)).any()


def test_pixels_beside_a_moved_blown_area_clip_at_its_level() -> None:
    # A blown area darkened to 0.75 (all three channels flat) with a textured strip of
    # leaves across it whose gaps reach the plateau's level in two channels: the gaps
    # clip with the sky, the leaves darker than it do not.
    enc = np.full((48, 48, 3), 0.75, dtype=np.float32)
    plateau = np.ones((48, 48), dtype=bool)
    plateau[21:27] = False  # within CEILING_WINDOW // 2 of the plateau
    strip = enc[21:27]
    strip[:] = 0.4 + RNG.normal(0, 0.02, strip.shape).astype(np.float32)
    strip[:, ::4, :2] = 0.75  # gaps: red and green at the plateau's level
    found = near_plateau(enc, _luma(enc), plateau)
    assert found[21:27, ::4].all()
    assert not found[21:27, 2::4].any()
    # Nothing is found beside a plateau still at the clip level, nor without a plateau.
    assert not near_plateau(np.clip(enc + 0.25, 0, 1), _luma(enc), plateau).any()
    assert not near_plateau(enc, _luma(enc), np.zeros_like(plateau)).any()
    assert CLIP_LEVEL > 0.75 and CEILING_WINDOW // 2 >= 3


def test_a_sky_clipped_in_green_darkened_by_its_mask_stays_blown(shared_photos: Path) -> None:
    # kodim12's clouds clip in green (3 % of the frame).  The harness darkens the sky
    # alone by 1.3 EV: green stays a flat plateau under textured red and blue, so the
    # clouds still count as blown, now grey, and cost more than when they were white
    # (before `lone_plateau` 0.3 % of the frame counted and the damage scored higher).
    rgb, darker = _region_exposed(shared_photos / "kodak/kodim12.png", detect_sky, -1.3)
    before, after = measure_exposure(rgb), measure_exposure(darker)
    assert before.clipped > 0.02 and before.greyed == 0, before
    assert after.greyed > 0.01, after
    assert clipping_penalty(after) > clipping_penalty(before)
    enc = encoded(darker)
    luma = encoded(luminance(darker)[..., None])[..., 0]
    assert lone_plateau(enc, luma).mean() > 0.005


def test_gaps_in_the_trees_of_a_darkened_blown_sky_stay_blown(shared_photos: Path) -> None:
    # kodim24's sky is blown behind the trees.  The harness darkens the house (its
    # subject mask reaches into the sky) by 1.2 EV: the flat part of the sky still
    # counts, and now the gaps between the leaves at its level too, so the damage costs
    # more than the white sky did (without `near_plateau` it cost less: 12.9 points
    # against 14.0).
    rgb, darker = _region_exposed(shared_photos / "kodak/kodim24.png", detect_subject, -1.19)
    before, after = measure_exposure(rgb), measure_exposure(darker)
    assert clipping_penalty(after) > clipping_penalty(before) > 10


def test_a_blurred_photo_without_grain_has_no_moved_clip(shared_photos: Path) -> None:
    # Blurred by σ = 2 px, uhdr04's smooth sky holds no detail, as a blown one would: it
    # read as 2.2 % of the frame blown and pulled down to grey.  Its grain is gone too
    # (σ 0.01 levels, the original 0.8), so flatness no longer counts as clipping...
    rgb = prepare(decode_photo(shared_photos / "photos/uhdr04_pixel6pro_pond_sky.jpg",
                               long_side=512).linear)
    blurred = ndimage.gaussian_filter(rgb, (2.0, 2.0, 0))
    assert detail_free(encoded(blurred)).mean() > 0.01  # the rule alone would count it
    assert measure_noise(blurred).sigma_luma < GRAIN_FLOOR <= measure_noise(rgb).sigma_luma
    after = measure_exposure(blurred)
    assert after.greyed == 0 and after.clipped < 0.001, after
    # ... while a blown sky a mask darkened keeps its grain around it and still counts,
    # unless told the photo has none.
    _, darker = _region_exposed(shared_photos / "kodak/kodim20.png", detect_sky, -1.0)
    assert measure_exposure(darker).greyed > 0.1
    assert measure_exposure(darker, grain=0.0).greyed == 0


def test_a_sky_blown_in_two_channels_darkened_by_a_mask_stays_blown_and_greys(
    shared_photos: Path,
) -> None:
    # kodim20's sky is blown in red and green over far more of the frame than its white
    # core.  Darkened 1 EV through the sky mask (the quality harness's local damage, at
    # its 512 px), red and green keep one ratio and no detail of their own: the sky still
    # counts as blown, now pulled down to grey, which costs more than white.
    rgb, darker = _region_exposed(shared_photos / "kodak/kodim20.png", detect_sky, -1.0)
    before, after = measure_exposure(rgb), measure_exposure(darker)
    assert before.clipped > 0.3 and before.greyed == 0, before
    assert after.clipped >= 0.8 * before.clipped and after.greyed >= 0.5 * before.clipped, after
    enc = encoded(darker)
    assert (ratio_locked(darker, enc) & ~detail_free(enc)).mean() > 0.2
    assert clipping_penalty(replace(after, clipped=0.02, greyed=0.01)) == pytest.approx(
        clipping_penalty(replace(after, clipped=0.04, greyed=0.0)))
    # The white sky is already at the clipping cap; greying it is a second fault that
    # still costs (with one cap for both, the damage cost nothing more).
    assert clipping_penalty(before) == CLIPPING_CAP < clipping_penalty(after)
    # Two channels in one ratio that carry detail of their own (grain of 2 levels) are a
    # light surface, not a blown one; the same pair without the grain is.
    rng = np.random.default_rng(0)
    pair = np.full((64, 64), 0.6, dtype=np.float32)
    grainy = pair * (1 + rng.normal(0, 2 / 255, pair.shape).astype(np.float32))
    for red_green, expected in ((grainy, False), (pair, True)):
        blue = 0.3 + rng.normal(0, 0.02, pair.shape).astype(np.float32)
        surface = np.stack([red_green, red_green * 0.9, blue], axis=-1)
        assert ratio_locked(surface, encoded(surface))[2:-2, 2:-2].all() == expected


def test_harsh_contrast_answer_leaves_a_greyed_blown_area_unrolled() -> None:
    # Clipped highlights under a right exposure and a wide spread that reaches white are
    # the contrast's: its answer softens the curve and rolls them off — but a roll-off
    # would only grey further a blown area an edit already pulled down to grey.
    exposure = ExposureMeasurement(
        median_luminance=0.18, key_ev=0.0, highlight_ev=0.0, highlight_level=1.0,
        error_ev=0.0, clipped=0.05, greyed=0.0, crushed=0.0, range_used=0.95,
        clipped_where="top centre", crushed_where="")
    contrast = ContrastMeasurement(spread=5.5, midtone_spread=2.0, white=1.0,
                                   white_shortfall=0.0)
    answers = {}
    for greyed in (0.0, 0.01):
        _, findings = judge_tone(replace(exposure, greyed=greyed), contrast, Prediction())
        (harsh,) = [f for f in findings if f.name == "contrast"]
        assert harsh.description.startswith("harsh contrast"), harsh.description
        assert harsh.suggestion is not None
        answers[greyed] = settings_from_adjustments(harsh.suggestion.adjustments)
    assert answers[0.0]["Contrast2012"] < 0 and answers[0.0]["Highlights2012"] <= -20
    assert answers[0.01]["Contrast2012"] == answers[0.0]["Contrast2012"]
    assert answers[0.01].get("Highlights2012", 0.0) == 0.0, answers[0.01]
