"""Halos: a local adjustment whose mask edge shows (`engine.critic.halo`).

The step of light across the sky's or the subject's soft edge, where the picture has no
edge of its own, is a fault beyond what shading gives a photo nobody masked
(`HALO_TOLERANCE_EV`, above every step measured on the shared corpus' originals); it
counts against the ``exposure`` sub-score as issue ``halo``.  The answer is in words: the
critic sees pixels, not the adjustment that left the step, so it names the region and the
size of the step for the photographer to lower or feather.
"""

from __future__ import annotations

from atelier.v1 import engine_pb2 as pb
from engine.critic import scoring
from engine.critic.halo import HaloMeasurement
from engine.critic.judge.finding import Finding
from engine.typography import signed

__all__ = ["HALO_TOLERANCE_EV", "halo_penalty", "judge_halo"]

#: Step (EV, either way) along a region's mask edge that costs nothing: the corpus'
#: originals reach 0.22 along the subject's and 0.28 along the sky's.
HALO_TOLERANCE_EV = 0.3


def halo_penalty(step: float) -> float:
    """Points for a ``step`` (EV) along a region's mask edge: minor from 0.43 EV,
    moderate from 0.6, major from 0.93."""
    return scoring.ramp(abs(step), HALO_TOLERANCE_EV, 40.0, 40.0)


def judge_halo(m: HaloMeasurement) -> tuple[str, list[Finding]]:
    """Sentences for the tone paragraph ("" when no edge shows) and a finding per region
    whose mask edge shows, with a suggestion in words."""
    sentences: list[str] = []
    findings: list[Finding] = []
    for region, step, where in (("sky", m.sky_step, m.sky_where),
                                ("subject", m.subject_step, m.subject_where)):
        if step is None or (penalty := halo_penalty(step)) == 0:
            continue
        way = "lighter" if step > 0 else "darker"
        place = f" ({where})" if where else ""
        facts = (f"the {region}{place} turns {signed(step, ' EV', 1)} {way} across a soft "
                 "band where the picture itself has no edge, the mark of a local "
                 "adjustment through a feathered mask")
        lower = "lower" if step > 0 else "raise"
        text = (f"Revisit the local adjustment on the {region}: {lower} its exposure by "
                f"about {abs(step):.1f} EV or feather it wider, so its edge no longer shows")
        findings.append(Finding("exposure", penalty, f"a halo along the {region}'s edge: "
                                f"{facts}", pb.Suggestion(text=text, attribute="halo"), "halo"))
        sentences.append(f"A local adjustment shows along the {region}'s edge: {facts}.")
    return " ".join(sentences), findings
