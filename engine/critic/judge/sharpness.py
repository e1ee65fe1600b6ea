"""Sharpness: how wide the edges are at the subject, and whether blur has a direction.

Judged from `engine.critic.sharpness`'s edge width and motion ratio and answered with
``Texture`` (the develop model's finest detail band), with words saying that sliders
cannot undo missed focus or motion blur.
"""

from __future__ import annotations

from engine.critic import scoring
from engine.critic.judge.finding import Finding
from engine.critic.judge.words import describe, develop_suggestion
from engine.critic.sharpness import SharpnessMeasurement

__all__ = ["judge_sharpness"]


def _direction(angle: float) -> str:
    """A blur direction (degrees) in words, to the nearest 45°."""
    return {0: "horizontal", 45: "diagonal (rising to the right)", 90: "vertical",
            135: "diagonal (falling to the right)"}.get(round(angle / 45) * 45 % 180, "")


def judge_sharpness(m: SharpnessMeasurement, where: str) -> tuple[str, list[Finding]]:
    """The sharpness paragraph and finding; ``where`` places the subject in words."""
    if m.featureless:
        return (f"Sharpness: not judged — nothing in the frame has an edge (its steepest "
                f"gradation rises {m.structure * 255:.2f} of a level per px): a plain surface "
                "or a clear sky has no focus to miss."), []
    place = f"at the subject ({where})" if m.at_subject else "across the frame"
    if m.edge_sigma < 0.5:
        width = f"edges {place} are as crisp as the {m.long_side} px frame allows (σ < 0.5 px)"
    else:
        width = f"edges {place} spread over σ = {m.edge_sigma:.1f} px at {m.long_side} px"
    penalty = scoring.ramp(m.edge_sigma, 0.7, 35.0, 70.0)
    motion = m.motion_ratio >= 1.6 and m.edge_sigma > 0.8
    if penalty <= 0:
        return f"Sharpness: crisp — {width}.", []
    # Texture is the develop model's finest detail band; on the corpus, +100 recovers
    # most of a 2 px blur (PSNR +0.7 dB) and Clarity adds nothing (benchmarks/critic_eval).
    fix = {"Texture": min(100.0, 40.0 + 50.0 * (m.edge_sigma - 0.7))}
    # Below a minor issue the sub-score rounds to 100 or near it: named as such, as a
    # touch dark exposure is (kodim15's subject at σ 0.7 px read "soft" beside 100).
    kind = "soft" if penalty >= scoring.MINOR else "a touch soft, not enough to matter"
    desc = f"soft: {width} (a sharp photo measures under 0.7 px)"
    if motion:
        kind = "motion-blurred"
        desc += (f"; {_direction(m.motion_angle)} motion blur — edges across that direction "
                 f"are {m.motion_ratio:.1f}× wider than along it")
    text = (f"Recover apparent detail: {describe(fix)} (sliders cannot undo "
            f"{'motion blur' if motion else 'missed focus'}, only make edges crisper)")
    return (f"Sharpness: {kind} — {width}.",
            [Finding("sharpness", penalty, desc, develop_suggestion("sharpness", text, fix))])
