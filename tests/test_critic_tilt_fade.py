"""A lean past a hand's slip counts less and less, to nothing at a deliberate diagonal:
no 30-point cliff at 8°, and the critique says the angle may be meant."""

from __future__ import annotations

import numpy as np
import pytest

from engine.critic.composition import CompositionMeasurement
from engine.critic.horizon import HorizonMeasurement
from engine.critic.judge.composition import (
    DELIBERATE_FROM,
    MAX_CORRECTABLE_TILT,
    judge_composition,
    tilt_weight,
)

NO_SUBJECT = CompositionMeasurement(False, 0.0, (0.5, 0.5), (0.0, 0.0, 1.0, 1.0), 0.0,
                                    "", 0.0, 0.0, "", "")


def _penalty(tilt: float) -> float:
    """The horizon penalty of a clear line (confidence 0.8) leaning ``tilt`` degrees."""
    _, findings = judge_composition(NO_SUBJECT, HorizonMeasurement(tilt, 0.8, 0.4, "horizontal"))
    return sum(f.penalty for f in findings if f.name == "horizon")


def test_the_weight_is_full_to_a_hands_slip_and_nothing_at_a_diagonal() -> None:
    assert tilt_weight(0.0) == tilt_weight(DELIBERATE_FROM) == tilt_weight(-4.0) == 1.0
    assert tilt_weight(MAX_CORRECTABLE_TILT) == tilt_weight(-12.0) == 0.0
    assert tilt_weight(6.5) == pytest.approx(0.5)


def test_the_penalty_has_no_cliff_from_level_to_a_diagonal() -> None:
    tilts = np.arange(0.0, 10.01, 0.05)
    penalties = np.array([_penalty(float(t)) for t in tilts])
    assert penalties.max() == pytest.approx(30.0)  # a 4–5° lean still costs in full
    assert _penalty(4.5) == pytest.approx(30.0)
    assert _penalty(7.95) < 1.0 and _penalty(8.05) == 0.0
    # Steps of 0.05°: the fade takes at most 10 points a degree off (0.5 a step), where
    # a deliberate diagonal at 8° used to drop 30 at once; the one larger step is the
    # 0.8 at which a lean is first told from level (0.6°).
    steps = np.abs(np.diff(penalties))
    fading = tilts[1:] > DELIBERATE_FROM
    assert steps[fading].max() <= 0.5 + 1e-6
    assert steps.max() <= 0.8 + 1e-6


def test_a_large_lean_is_named_as_perhaps_meant() -> None:
    paragraph, findings = judge_composition(
        NO_SUBJECT, HorizonMeasurement(7.1, 0.64, 0.3, "horizontal"))
    (horizon,) = [f for f in findings if f.name == "horizon"]
    assert "perhaps a chosen angle" in paragraph and "perhaps a chosen angle" in horizon.description
    assert horizon.suggestion is not None
    assert horizon.suggestion.text == "Straighten unless the angle is meant: rotate 7.1° clockwise"
    assert horizon.suggestion.geometry.straighten_angle == pytest.approx(-7.1)
    assert horizon.penalty == pytest.approx(30.0 * (8.0 - 7.1) / 3.0)
    _, small = judge_composition(NO_SUBJECT, HorizonMeasurement(3.0, 0.64, 0.3, "horizontal"))
    assert small[0].suggestion is not None
    assert small[0].suggestion.text == "Straighten: rotate 3.0° clockwise"
    assert "chosen" not in small[0].description
