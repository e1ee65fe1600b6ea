"""A frame filled by one colour is not a cast — and the score has no cliff where it starts.

kodim02's red door: its least colourful parts sit ΔE 29.7–30.0 from grey depending on how
the thumbnail was made; on one side of `SCENE_COLOUR_DE` its greys' magenta lean cost 23
colour points, on the other nothing.
"""

from __future__ import annotations

import numpy as np
import pytest

from engine.critic.colour import PREFERRED_WHITE_K, ColourMeasurement
from engine.critic.judge.colour import GREY_DE, SCENE_COLOUR_DE, grey_weight, judge_colour
from engine.critic.saturation import SaturationMeasurement
from engine.predictors.base import Prediction

#: kodim02's greys: a* and b* in this ratio, its light 17 mired warm.
HUE = np.array([19.6, 22.3]) / np.hypot(19.6, 22.3)
MIRED = 17.0


def _colour_penalty(delta_e: float, mired: float = MIRED) -> float:
    a, b = HUE * delta_e
    cct = 1e6 / (1e6 / PREFERRED_WHITE_K + mired)
    colour = ColourMeasurement(cct=cct, duv=0.0, mired_shift=mired, temperature_fix=-mired / 2,
                               tint_fix=0.0, neutral_a=float(a), neutral_b=float(b),
                               neutral_delta_e=delta_e, neutral_share=0.15)
    natural = SaturationMeasurement(mean_chroma=26.0, vivid_chroma=55.0, gamut_use=0.8,
                                    gamut_clipped=0.0, gamut_clipped_where="")
    _, findings = judge_colour(colour, natural, Prediction(), is_raw=False)
    return sum(f.penalty for f in findings)


def test_grey_weight_falls_from_one_to_zero_between_its_limits() -> None:
    assert grey_weight(0.0) == grey_weight(GREY_DE) == 1.0
    assert grey_weight(SCENE_COLOUR_DE) == grey_weight(80.0) == 0.0
    assert grey_weight((GREY_DE + SCENE_COLOUR_DE) / 2) == pytest.approx(0.5)


def test_the_cast_penalty_fades_instead_of_jumping_at_the_scene_threshold() -> None:
    steps = np.arange(15.0, 35.0, 0.1)
    penalties = np.array([_colour_penalty(float(d)) for d in steps])
    # Charged in full up to GREY_DE (a magenta-warm lean of ΔE 20: over 12 points), none
    # beyond the threshold.
    assert _colour_penalty(GREY_DE) > 12
    assert penalties[steps > SCENE_COLOUR_DE].max() == 0
    # 0.1 ΔE never moves the colour sub-score by more than a few tenths of a point.
    assert np.abs(np.diff(penalties)).max() < 0.6
    assert _colour_penalty(29.7) < 1.5


def test_a_strong_cast_is_not_excused_by_colourful_greys() -> None:
    # 40 mired is a cast the edges see too: counted in full even when the greys are
    # coloured surfaces (its tint is theirs and dropped).
    assert _colour_penalty(32.0, mired=40.0) == pytest.approx(16.0)
