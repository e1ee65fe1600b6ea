"""The subject's placement in a photographer's words, with the distance in figures."""

from __future__ import annotations

import pytest

from engine.critic.composition import CompositionMeasurement
from engine.critic.horizon import HorizonMeasurement
from engine.critic.judge.composition import judge_composition

LEVEL = HorizonMeasurement(0.0, 0.0, 0.0, "horizontal")  # no lines: nothing said of them


def _subject(anchor: str, distance: float, where: str) -> CompositionMeasurement:
    return CompositionMeasurement(True, 0.9, (0.5, 0.5), (0.4, 0.4, 0.6, 0.6), 0.04, anchor,
                                  distance, 1.0, "", where)


@pytest.mark.parametrize(("anchor", "distance", "where", "words"), [
    ("the lower-right third", 0.06, "bottom centre", "sits on the lower-right third (0.06 "),
    ("the upper-left third", 0.11, "top left", "sits in the top left, near the upper-left "
                                               "third (0.11 "),
    ("the centre", 0.0803, "centre", "is centred (0.08 of the frame off the middle)"),
    ("the centre", 0.12, "centre left", "sits in the centre left, near the middle (0.12 "),
    ("the lower-left third", 0.2, "bottom left", "sits in the bottom left, 0.20 of the frame "
                                                 "from the lower-left third"),
])
def test_placement_is_named_as_the_figure_reads(
    anchor: str, distance: float, where: str, words: str
) -> None:
    paragraph, findings = judge_composition(_subject(anchor, distance, where), LEVEL)
    assert f"the subject (4 % of the frame) {words}" in paragraph, paragraph
    # Only the last is off its anchor by more than the 0.15 tolerance, and it costs little.
    assert bool(findings) == (distance > 0.15)
