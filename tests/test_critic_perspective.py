"""Lines that lean in perspective are not a tilted camera (`HorizonMeasurement.perspective`)."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from benchmarks.critic_eval import rotate_crop
from engine.critic._image import prepare
from engine.critic.composition import measure_composition
from engine.critic.horizon import HorizonMeasurement, converges_upward, measure_horizon
from engine.critic.judge.composition import judge_composition
from engine.critic.review import review
from engine.decode import decode_photo
from engine.masks.sky import SkyDetection

CONVERGING = "lines converging in perspective, not a tilted camera"


def _facade(roofline: float) -> np.ndarray:
    """Linear RGB (360, 540, 3): level walls (dark vertical edges every 90 px) and window
    rows (dark bands every 50 px) leaning ``roofline`` degrees counter-clockwise."""
    h, w = 360, 540
    img = np.full((h, w, 3), 0.6, np.float32)
    for x in range(45, w, 90):
        img[:, x : x + 4] = 0.05
    ys, xs = np.mgrid[0:h, 0:w]
    lean = ys + (xs - w / 2) * math.tan(math.radians(roofline))  # up to the right: CCW
    img[(lean % 50) < 6] = 0.05
    return img


def test_rows_leaning_over_level_walls_are_perspective() -> None:
    m = measure_horizon(_facade(4.0))
    assert m.cross_tilt is not None and abs(m.cross_tilt) < 0.6, m
    assert abs(m.tilt) > 3 and m.perspective, m


def test_the_same_facade_turned_is_a_tilted_camera() -> None:
    # Turned 3° as a whole, walls and rows lean together: a roll, to be straightened.
    for degrees in (3.0, -3.0):
        m = measure_horizon(rotate_crop(_facade(0.0), degrees, keep=0.6))
        assert m.cross_tilt == pytest.approx(degrees, abs=0.5), m  # the walls lean too
        assert m.tilt == pytest.approx(degrees, abs=0.5) and not m.perspective, m


def test_kodim08_rooflines_are_perspective_and_not_straightened(shared_photos: Path) -> None:
    # A street of houses seen at an angle: the window rows lean 4.6°, the walls stand
    # within 1.2° of level. It was told "Straighten: rotate 4.6° clockwise".
    photo = decode_photo(shared_photos / "kodak/kodim08.png", long_side=512)
    rgb = prepare(photo.linear)
    m = measure_horizon(rgb)
    assert m.perspective, m
    paragraph, findings = judge_composition(measure_composition(rgb, None), m)
    assert CONVERGING in paragraph and not [f for f in findings if f.name == "horizon"]
    # Turned by 4°, its walls lean too: the camera tilt is named again.
    turned = measure_horizon(prepare(rotate_crop(photo.linear, 4.0)))
    assert not turned.perspective and turned.confidence >= 0.3, turned
    _, findings = judge_composition(measure_composition(rgb, None), turned)
    assert [f for f in findings if f.name == "horizon"]


LOOKING_UP = "as verticals converge when the camera looks up"


def _sky(fills_frame: bool) -> SkyDetection:
    return SkyDetection(np.ones((8, 8), np.float32), 0.9, None, 0.9 if fills_frame else 0.5,
                        fills_frame)


@pytest.mark.parametrize(("x", "tilt", "sky", "converges"), [
    (0.7, 3.0, _sky(True), True),  # right of centre, top leaning left (CCW): to the middle
    (0.3, -3.0, _sky(True), True),  # left of centre, top leaning right (CW)
    (0.7, -3.0, _sky(True), False),  # right of centre leaning away from the middle
    (0.3, 3.0, _sky(True), False),
    (0.7, 3.0, _sky(False), False),  # a sky above a horizon: a level camera may roll
])
def test_a_vertical_leaning_to_the_middle_of_a_sky_converges(
    x: float, tilt: float, sky: SkyDetection, converges: bool
) -> None:
    h = HorizonMeasurement(tilt, 0.8, 0.3, "vertical", line_centre=(x, 0.7))
    assert converges_upward(h, sky) is converges
    horizon = replace(h, kind="horizontal")  # a horizon never converges so
    assert not converges_upward(horizon, sky)


def test_uhdr05_pole_seen_looking_up_is_not_straightened(shared_photos: Path) -> None:
    # The sun among clouds, shot looking up: one pole right of centre leans 4.7° CCW,
    # its top toward the middle. It was told "Straighten: rotate 4.7° clockwise" (major).
    photo = decode_photo(shared_photos / "photos/uhdr05_pixel6pro_backlit_sun_clouds.jpg",
                         long_side=512)
    looked = review(photo)
    h, sky = looked.measurements.horizon, looked.measurements.regions.sky
    assert h.kind == "vertical" and h.tilt == pytest.approx(4.7, abs=0.5), h
    assert h.line_centre[0] > 0.5 and sky is not None and sky.fills_frame, (h, sky)
    assert LOOKING_UP in " ".join(looked.paragraphs)
    assert not [f for f in looked.findings if f.name == "horizon"]
    # Turned 9.4° clockwise, the pole leans 4.7° away from the middle: a turned camera.
    turned = review(replace(photo, linear=rotate_crop(photo.linear, -9.4)))
    assert turned.measurements.horizon.tilt == pytest.approx(-4.7, abs=0.7)
    assert [f for f in turned.findings if f.name == "horizon"]
    assert LOOKING_UP not in " ".join(turned.paragraphs)
