"""From measurements to penalties, severities, sub-scores and the overall score.

Every fault is a *penalty* in points (0..100) taken off its attribute's sub-score, from
a piecewise-linear function of one measurement: zero inside a tolerance, then rising.
The same penalty decides the severity of the issue the critic reports, so the score and
the list of issues can never disagree.  Tolerances come from the shared corpus (Kodak
Photo CD scans and phone photos at the 512 px analysis size): a well-made photo sits
inside them, a 1.5 EV exposure error, a 2 px blur, 6 levels of noise or a 4° tilt do not.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "MAJOR",
    "MINOR",
    "MODERATE",
    "SCORE_PER_POINT",
    "SUB_SCORES",
    "WEIGHTS",
    "ramp",
    "reported",
    "severity_of",
    "sub_score",
    "total_score",
]

#: The sub-scores every critique carries.
SUB_SCORES = ("exposure", "colour", "sharpness", "noise", "composition")
#: Their weights in the overall score (sum 1).
WEIGHTS: Mapping[str, float] = {
    "exposure": 0.25, "colour": 0.2, "sharpness": 0.25, "noise": 0.15, "composition": 0.15,
}
#: Points of overall score a weighted penalty point costs: one major issue (25 points)
#: in exposure or sharpness alone costs 10 and leaves 90, `xmp.critique`'s five-star line.
SCORE_PER_POINT = 1.6

#: Penalty (points) at which an issue is minor / moderate / major.
MINOR, MODERATE, MAJOR = 5.0, 12.0, 25.0


def reported(points: float) -> float:
    """A score or sub-score as the critique states and carries it: to 0.1 point (the
    verdict's "Overall N/100" rounds the same figure, so it agrees with the message)."""
    return round(points, 1)


def ramp(value: float, start: float, slope: float, cap: float) -> float:
    """Penalty points: 0 up to ``start``, then ``slope`` points per unit, at most ``cap``."""
    return float(min(cap, max(0.0, (value - start) * slope)))


def severity_of(penalty: float) -> int:
    """0 (no issue), 1 minor, 2 moderate, 3 major (`atelier.v1.Severity` values)."""
    if penalty >= MAJOR:
        return 3
    if penalty >= MODERATE:
        return 2
    return 1 if penalty >= MINOR else 0


def sub_score(penalties: list[float]) -> float:
    """100 minus the summed penalties of one attribute, floored at 0."""
    return float(max(0.0, 100.0 - sum(penalties)))


def total_score(subs: Mapping[str, float]) -> float:
    """Overall 0..100: 100 minus `SCORE_PER_POINT` × the weighted mean of what each
    sub-score lost, floored at 0.

    Every fault counts at its attribute's weight whatever the others.  A blend with the
    weakest sub-score would count a fault elsewhere at 0.8 of its weight and a change to
    the worst one in full, so a damaged copy that trades the original's worst flaw for two
    lesser ones would score higher (docs/critic.md, "What is measured").
    """
    lost = sum(WEIGHTS[k] * (100.0 - subs[k]) for k in SUB_SCORES)
    return float(max(0.0, 100.0 - SCORE_PER_POINT * lost))
