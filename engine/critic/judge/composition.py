"""Composition: a tilted horizon, the subject's placement, a subject crowding an edge.

Judged from `engine.critic.horizon`'s line detection (answered with
``Geometry.straighten_angle``) and `engine.critic.composition`'s saliency subject
(answered with a ``Geometry.crop`` that brings it onto a third).
"""

from __future__ import annotations

from atelier.v1 import engine_pb2 as pb
from engine.critic import scoring
from engine.critic.composition import CompositionMeasurement, suggest_crop
from engine.critic.horizon import LEVEL_WITHIN, HorizonMeasurement, converges_upward
from engine.critic.judge.finding import Finding
from engine.critic.judge.words import percent
from engine.masks.sky import SkyDetection
from engine.typography import signed

__all__ = ["DELIBERATE_FROM", "MAX_CORRECTABLE_TILT", "MIN_TILT_CONFIDENCE", "ON_ANCHOR",
           "PLACED_WITHIN", "judge_composition", "tilt_weight"]

#: Tilts beyond this (degrees) are taken as deliberate diagonals, not a crooked horizon.
MAX_CORRECTABLE_TILT = 8.0
#: Degrees from which a lean counts less and less, to nothing at `MAX_CORRECTABLE_TILT`
#: (`tilt_weight`): more than a hand slips when it levels by eye (the 4° turns of
#: `critic_eval` read 3–6° with the originals' own lean), a lean this large is as likely a
#: chosen angle or a line that is not the horizon (kodim20's wing, 7.1°); and the score
#: then has no 30-point cliff at 8°.
DELIBERATE_FROM = 5.0
#: Line-detection confidence (0..1) below which no tilt is judged.
MIN_TILT_CONFIDENCE = 0.3


#: Fractions of the frame: within `ON_ANCHOR` a subject is *on* its third or centred, up
#: to `PLACED_WITHIN` *near* it; beyond, placement costs points.
ON_ANCHOR, PLACED_WITHIN = 0.08, 0.15


def tilt_weight(tilt: float) -> float:
    """How far a lean of ``tilt`` degrees (either way) counts as a crooked camera: 1 up to
    `DELIBERATE_FROM`, falling linearly to 0 at `MAX_CORRECTABLE_TILT` and beyond."""
    span = MAX_CORRECTABLE_TILT - DELIBERATE_FROM
    return float(min(1.0, max(0.0, (MAX_CORRECTABLE_TILT - abs(tilt)) / span)))


def _placement(c: CompositionMeasurement) -> str:
    """Where the subject sits, in a photographer's words with the distance in figures:
    on a third, centred, near one, or (beyond the tolerance) how far from the nearest."""
    # The words follow the figure as printed: 0.0803 reads "0.08", which is on it.
    size, d = f"{percent(c.size)} of the frame", round(c.anchor_distance, 2)
    centre = c.anchor == "the centre"
    name, gap = ("the middle", "off") if centre else (c.anchor, "from")
    if d <= ON_ANCHOR:
        said, ref = ("is centred", name) if centre else (f"sits on {name}", "it")
        return f"the subject ({size}) {said} ({d:.2f} of the frame {gap} {ref})"
    sits = f"the subject ({size}) sits in the {c.where}"
    if d <= PLACED_WITHIN:
        return f"{sits}, near {name} ({d:.2f} of the frame {gap} it)"
    return f"{sits}, {d:.2f} of the frame {gap} {name}"


def judge_composition(
    c: CompositionMeasurement, h: HorizonMeasurement, sky: SkyDetection | None = None
) -> tuple[str, list[Finding]]:
    """The composition paragraph (horizon, subject placement, edge crowding), findings;
    ``sky`` is the photo's detected sky, if any."""
    findings: list[Finding] = []
    parts = []
    tilt = abs(h.tilt)
    leans = h.confidence >= MIN_TILT_CONFIDENCE and LEVEL_WITHIN <= tilt < MAX_CORRECTABLE_TILT
    way = "clockwise" if h.tilt < 0 else "counter-clockwise"
    if leans and h.perspective and h.cross_tilt is not None:
        cross = signed(h.cross_tilt, "°", 1)
        parts.append(f"the {h.kind} lines lean {tilt:.1f}° {way} while the {h.cross_kind} lines "
                     f"stand near level ({cross}): lines converging in perspective, "
                     "not a tilted camera, so a rotation would not level them")
    elif leans and sky is not None and converges_upward(h, sky):
        parts.append(f"the vertical lines lean {tilt:.1f}° {way}, their tops toward the middle "
                     "of the frame, as verticals converge when the camera looks up "
                     f"({percent(sky.fraction)} of the frame is sky): perspective, not a tilted "
                     "camera, so a rotation would not stand them up")
    elif leans:
        penalty = (scoring.ramp(tilt, 0.5, 8.0, 30.0) * min(1.0, h.confidence / 0.5)
                   * tilt_weight(tilt))
        fix_way = "counter-clockwise" if h.tilt < 0 else "clockwise"
        lean = f"the {h.kind} lines lean {tilt:.1f}° {way}"
        meant = tilt > DELIBERATE_FROM
        # A lean past a hand's slip may be the photographer's angle: say so, and let them
        # decide (the penalty fades with it).
        doubt = " — more than a hand slips, so perhaps a chosen angle" if meant else ""
        desc = f"{lean} (longest line {percent(h.line_length)} of the frame){doubt}"
        verb = "Straighten unless the angle is meant" if meant else "Straighten"
        suggestion = pb.Suggestion(
            text=f"{verb}: rotate {tilt:.1f}° {fix_way}", attribute="horizon",
            geometry=pb.Geometry(straighten_angle=round(-h.tilt, 2)),
        )
        findings.append(Finding("composition", penalty, desc, suggestion, "horizon"))
        parts.append(lean + doubt)
    elif h.confidence >= MIN_TILT_CONFIDENCE and tilt < LEVEL_WITHIN:
        parts.append(f"the {h.kind} lines are level (within {max(tilt, 0.1):.1f}°)")
    if c.found:
        parts.append(_placement(c))
        if c.confidence >= 0.2:
            off = scoring.ramp(c.anchor_distance, PLACED_WITHIN, 60.0, 20.0)
            if off > 0:
                crop = suggest_crop(c)
                placed: pb.Suggestion | None = None
                if crop is not None:
                    box = pb.BoundingBox(left=crop[0], top=crop[1], right=crop[2],
                                         bottom=crop[3])
                    placed = pb.Suggestion(
                        text="Crop to 80 % to bring the subject onto a third",
                        attribute="composition", geometry=pb.Geometry(crop=box))
                findings.append(Finding("composition", off, (
                    f"the subject sits in the {c.where}, {c.anchor_distance:.2f} of the frame "
                    "from the nearest third or the centre: neither placed nor centred"),
                    placed))
            crowd = scoring.ramp(c.edge_crowding, 1.8, 8.0, 20.0)
            if crowd > 0 and c.crowded_edge:
                findings.append(Finding("composition", crowd, (
                    f"the subject presses against the {c.crowded_edge} edge (saliency "
                    f"{c.edge_crowding:.1f}× denser in the outer 5 % than on average): "
                    "give it room when shooting; a crop cannot add any")))
                parts.append(f"it crowds the {c.crowded_edge} edge")
    else:
        parts.append("no single subject stands out")
    return "Composition: " + "; ".join(parts) + ".", findings
