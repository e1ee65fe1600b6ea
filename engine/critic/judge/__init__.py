"""Judgements: one area's measurements → a paragraph of reasoning and its findings.

Each module judges one area of the technical critic (`engine.critic.technical`): `tone`
(exposure, clipping, contrast), `regions` (a sky or subject out of line with the rest of
the frame, answered with a mask), `halo` (a local adjustment whose mask edge shows),
`colour` (white balance, saturation, clipped colour), `sharpness`, `noise` and
`composition` (subject placement, tilted horizon).  A judgement is a pure function of
measurements (and, where the answer reuses them, the develop prediction): it returns the
paragraph the reasoning prints and a list of `Finding` s, whose penalty points
(`engine.critic.scoring`) decide sub-score and severity at once.
"""

from __future__ import annotations

from engine.critic.judge.colour import judge_colour
from engine.critic.judge.composition import MIN_TILT_CONFIDENCE, judge_composition
from engine.critic.judge.finding import Finding
from engine.critic.judge.halo import judge_halo
from engine.critic.judge.noise import judge_noise
from engine.critic.judge.regions import judge_regions
from engine.critic.judge.sharpness import judge_sharpness
from engine.critic.judge.tone import judge_tone

__all__ = [
    "MIN_TILT_CONFIDENCE",
    "Finding",
    "judge_colour",
    "judge_composition",
    "judge_halo",
    "judge_noise",
    "judge_regions",
    "judge_sharpness",
    "judge_tone",
]
