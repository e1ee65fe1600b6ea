"""Regions: a sky or a subject out of line with the rest of the frame, answered with a mask.

`engine.masks.local.propose_local_adjustments` judges each weight-free region (sky,
subject) under the exposure the analytic predictor gives the rest of the frame, against
where such regions sit in well-exposed photos; beyond their natural spread (±1 stop) the
excess becomes a local exposure on a ``MaskedAdjustment`` — the edit ``atelier enhance
--masks auto`` writes, so the critic and the auto-adjust agree.  The size of that local
exposure is the fault: none up to `REGION_TOLERANCE_EV`, a minor issue from about
0.55 EV (the shared corpus' originals get 0.21–0.48 EV where they get one at all).  It
counts against the ``exposure`` sub-score, reported as issue ``exposure`` with the masked
suggestion.
"""

from __future__ import annotations

from collections.abc import Sequence

from atelier.settings import local_settings_from_adjustments
from atelier.v1 import engine_pb2 as pb
from engine.critic import scoring
from engine.critic.judge.finding import Finding
from engine.typography import signed

__all__ = ["REGION_TOLERANCE_EV", "judge_regions", "region_penalty"]

#: Local exposure (EV) below which an out-of-line region costs nothing.
REGION_TOLERANCE_EV = 0.3


def region_penalty(ev: float) -> float:
    """Points for a region's local exposure ``ev`` (EV): minor from 0.55, major from 1.55."""
    return scoring.ramp(abs(ev), REGION_TOLERANCE_EV, 20.0, 25.0)


def judge_regions(masks: Sequence[pb.MaskedAdjustment]) -> tuple[str, list[Finding]]:
    """Sentences for the tone paragraph ("" when every region is in line) and a finding
    per out-of-line region, its suggestion the ``MaskedAdjustment`` itself."""
    sentences: list[str] = []
    findings: list[Finding] = []
    for masked in masks:
        ev = local_settings_from_adjustments(masked.adjustments).get("LocalExposure2012", 0.0)
        why = masked.adjustments.reasons.get("LocalExposure2012", "")
        region = masked.name.lower()
        way = "Brighten" if ev > 0 else "Darken"
        text = f"{way} the {region} alone: {masked.name} mask, Exposure {signed(ev, ' EV', 2)}"
        penalty = region_penalty(ev)
        findings.append(Finding("exposure", penalty, f"the {region} is out of line with the "
                                f"rest of the frame: {why}", pb.Suggestion(
                                    text=text, attribute="exposure", masked=masked)))
        lead = ("is out of line with the rest" if scoring.severity_of(penalty) > 0
                else "sits a little out of line with the rest, not enough to matter")
        sentences.append(f"The {region} {lead}: {why}.")
    return " ".join(sentences), findings
