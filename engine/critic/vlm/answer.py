"""A VLM critic's answer → suggestions in the develop vocabulary, checked before suggesting.

`engine.critic.parse.parse_answer` reads the answer (tags optional, malformed tolerated);
here each edit clause becomes one ``Suggestion``:

- sliders (`engine.critic.parse.parse_edits` of the clause) → an ``AdjustmentSet``,
  attributed by the first slider (exposure, contrast, colour, saturation, sharpness);
- "straighten / rotate / level … N° (counter-)clockwise" → ``Geometry.straighten_angle``
  (positive = counter-clockwise, as in the proto);
- anything else (crop, clone, dodge) is not guessed: it is named in the reasoning.

Repeated clauses count once, and only the first `MAX_EDITS` are considered.

Then every suggestion is checked against the critic's own measurements
(`check`): develop settings go through the technical critic's render-and-judge step
(`engine.critic.check.verdict`: kept only if it mends the measurement its
attribute targets or the overall score rises, with ``expected_gain`` — alone, or, for a
colour or detail edit, joined by the tone sliders that answer what it costs,
`with_its_cost_answered`, or in the part of its sliders that passes, `in_part`); a
rotation is kept
only if the measured horizon tilt is confident, the rotation brings it closer to level and
the lean is not perspective (`HorizonMeasurement.perspective`, `converges_upward`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from atelier.settings import adjustments_from_settings
from atelier.v1 import engine_pb2 as pb
from engine.critic.check import verdict
from engine.critic.horizon import converges_upward
from engine.critic.judge import MIN_TILT_CONFIDENCE
from engine.critic.judge.words import percent
from engine.critic.parse import ParsedAnswer, parse_edits
from engine.critic.review import Review
from engine.decode.types import DecodedPhoto
from engine.predictors.base import Prediction
from engine.typography import signed

__all__ = ["ATTRIBUTES", "MAX_EDITS", "Advice", "check", "straighten_angle", "suggestions_from"]

#: Lightroom slider → the attribute (issue name) its suggestion improves.
ATTRIBUTES = {
    "Exposure2012": "exposure", "Contrast2012": "contrast", "Highlights2012": "exposure",
    "Shadows2012": "exposure", "Whites2012": "exposure", "Blacks2012": "exposure",
    "Dehaze": "exposure", "Temperature": "colour", "Tint": "colour",
    "IncrementalTemperature": "colour", "IncrementalTint": "colour",
    "Vibrance": "saturation", "Saturation": "saturation",
    "Texture": "sharpness", "Clarity2012": "sharpness",
}
#: Edits considered per answer (each develop edit costs a render, ≈ 1 s at 512 px).
MAX_EDITS = 8
#: Geometry.straighten_angle's range, degrees.
MAX_STRAIGHTEN = 45.0

_ROTATE = re.compile(
    r"\b(?:straighten|rotate|level|tilt)\w*\b.*?([+\-−]?\d+(?:[.,]\d+)?)\s*(?:°|deg\w*)"
    r"(?:\s*(counter[- ]?clockwise|anti[- ]?clockwise|ccw|clockwise|cw|"
    r"(?:to the )?left|(?:to the )?right))?", re.I)

_BULLET = re.compile(r"^\s*[-*•]\s+")  # a list marker, not a minus sign ("-0.5 EV")


@dataclass
class Advice:
    """Suggestions and what the reasoning should say about the rest.

    Attributes:
        suggestions: in the answer's order.
        notes: sentences for the reasoning (clauses outside the vocabulary, dropped
            suggestions with the measurement that dropped them).
    """

    suggestions: list[pb.Suggestion] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def straighten_angle(clause: str) -> float | None:
    """``Geometry.straighten_angle`` (degrees, + = counter-clockwise) a clause asks for.

    "rotate 1.5° clockwise" → −1.5, "straighten by 2 degrees counter-clockwise" → +2,
    "level the horizon, +1°" → +1.  None when there is no rotation, no direction (an
    unsigned angle without clockwise/left/right is not guessed) or more than 45°.
    """
    m = _ROTATE.search(clause)
    if m is None:
        return None
    number = m.group(1).replace("−", "-").replace(",", ".")
    way = (m.group(2) or "").lower()
    if way:
        ccw = way.startswith(("counter", "anti", "ccw")) or way.endswith("left")
        angle = abs(float(number)) * (1 if ccw else -1)
    elif number[0] in "+-":
        angle = float(number)
    else:
        return None
    return angle if 0 < abs(angle) <= MAX_STRAIGHTEN else None


def suggestions_from(
    parsed: ParsedAnswer, *, is_raw: bool = False, as_shot_temperature: float | None = None
) -> Advice:
    """One suggestion per edit clause of ``parsed`` (see the module docstring)."""
    advice = Advice()
    outside = []
    clauses = list(dict.fromkeys(_BULLET.sub("", edit) for edit in parsed.edits))
    if len(clauses) > MAX_EDITS:
        advice.notes.append(f"The answer listed {len(clauses)} edits; only the first "
                            f"{MAX_EDITS} are considered.")
    for clause in clauses[:MAX_EDITS]:
        settings, _, _ = parse_edits(clause, is_raw=is_raw,
                                     as_shot_temperature=as_shot_temperature)
        if settings:
            attribute = ATTRIBUTES.get(next(iter(settings)), "")
            advice.suggestions.append(pb.Suggestion(
                text=clause, attribute=attribute, adjustments=adjustments_from_settings(settings)))
        elif (angle := straighten_angle(clause)) is not None:
            advice.suggestions.append(pb.Suggestion(
                text=clause, attribute="horizon", geometry=pb.Geometry(straighten_angle=angle)))
        else:
            outside.append(clause)
    if outside:
        advice.notes.append("Outside Atelier's develop settings, left to you: "
                            + "; ".join(f"“{c}”" for c in outside) + ".")
    return advice


def _levels(review: Review, angle: float) -> str:
    """"" when rotating by ``angle`` brings the measured horizon closer to level, else why not."""
    h = review.measurements.horizon
    if h.confidence < MIN_TILT_CONFIDENCE:
        return f"no confident horizon or verticals were measured (confidence {h.confidence:.2f})"
    lean = signed(h.tilt, "°", 1)
    if abs(h.tilt + angle) >= abs(h.tilt):
        return f"the measured {h.kind} lines lean {lean}, and it would not level them"
    if h.perspective and h.cross_tilt is not None:
        return (f"the {h.kind} lines lean {lean} but the {h.cross_kind} lines stand near level "
                f"({signed(h.cross_tilt, '°', 1)}): perspective, which a rotation would not "
                "level")
    sky = review.measurements.regions.sky
    if sky is not None and converges_upward(h, sky):
        return (f"the vertical lines lean {lean}, their tops toward the middle of a frame that "
                f"is {percent(sky.fraction)} sky: verticals converging as the camera looks up, "
                "which a rotation would not stand up")
    return ""


def check(
    photo: DecodedPhoto, review: Review, advice: Advice, prediction: Prediction | None
) -> Advice:
    """``advice`` with only the suggestions that improve what they target (see the module
    docstring); each dropped one is named in ``notes`` with the reason."""
    out = Advice(notes=list(advice.notes))
    for s in advice.suggestions:
        if s.HasField("geometry"):
            why = _levels(review, s.geometry.straighten_angle)
            if why:
                out.notes.append(f"“{s.text}” is not suggested: {why}.")
                continue
        else:
            v = verdict(photo, review, s, prediction)
            if v is not None:
                out.notes.extend(v.notes)
                if not v.kept:
                    continue
                s = v.suggestion
        out.suggestions.append(s)
    return out
