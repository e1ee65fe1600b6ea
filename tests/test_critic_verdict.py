"""The verdict says "fix it first" only where a develop setting answers the main problem."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from atelier.v1 import engine_pb2 as pb
from benchmarks.critic_eval import degrade
from engine.critic.judge import Finding
from engine.critic.review import Review, overall_verdict, review
from engine.critic.technical import critique
from engine.decode import decode_photo

CROWDED = ("the subject presses against the left edge (saliency 3.1× denser in the outer 5 % "
           "than on average): give it room when shooting; a crop cannot add any")


@pytest.fixture(scope="module")
def measured(shared_photos: Path) -> Review:
    return review(decode_photo(shared_photos / "kodak/kodim03.png", long_side=256))


@pytest.mark.parametrize(("penalty", "start"), [
    (15.0, "The main problem is composition (the subject presses against the left edge)"),
    (6.0, "the one thing worth a look is composition (the subject presses against the left "
          "edge)"),
])
def test_a_fault_no_setting_answers_is_not_to_be_fixed_first(
    measured: Review, penalty: float, start: str
) -> None:
    verdict = overall_verdict(replace(measured, findings=[Finding("composition", penalty,
                                                                  CROWDED)]))
    assert start in verdict and "no develop setting mends it" in verdict, verdict
    assert "fix it first" not in verdict
    answered = Finding("composition", 15.0, CROWDED, pb.Suggestion(text="Crop",
                                                                   attribute="composition"))
    assert overall_verdict(replace(measured, findings=[answered])).endswith(
        "left edge); fix it first.")


def test_a_main_problem_whose_checked_answer_was_dropped_says_so(shared_photos: Path) -> None:
    # kodim20 muted: harsh contrast is its main problem, and the check finds that softening
    # it (Contrast −18, Highlights −70) greys its blown sky, nor does either slider alone
    # pass (`check.in_part`).
    photo = degrade("mute Saturation −40", decode_photo(shared_photos / "kodak/kodim20.png",
                                                         long_side=384))[1]
    unchecked = critique(photo).reasoning.split("\n\n")[-1]
    assert unchecked.endswith("The main problem is contrast (harsh contrast); fix it first.")
    checked = critique(photo, check=True)
    verdict = checked.reasoning.split("\n\n")[-1]
    assert verdict.endswith("The main problem is contrast (harsh contrast) — its develop "
                            "answer, rendered and measured, costs more than it mends."), verdict
    assert not [s for s in checked.suggestions if s.attribute == "contrast"]
