"""Check before suggesting: each develop suggestion rendered with the develop model and
judged again (SmartPhotoCrafter's edit-suggestion reward, issue 8 item 3).

A suggestion is kept if it raises the overall score, or mends the measurement it targets
while the score barely moves (`Checked.kept`); a colour or detail suggestion that mends its
target at a cost elsewhere is checked once more joined by the tone sliders that answer
that cost (`with_its_cost_answered`).  The reasoning names what was dropped, kept for its target
alone, or joined, with the figures; kept suggestions are also rendered together
(`developed_with`).  The technical critic (`check_all`) and the VLM critic
(`engine.critic.vlm.answer.check`) share these steps.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations

import numpy as np

from atelier.settings import settings_from_adjustments, suggested_edit
from atelier.v1 import engine_pb2 as pb
from engine.critic.judge import Finding
from engine.critic.judge.tone import TONAL
from engine.critic.judge.words import describe, develop_suggestion
from engine.critic.review import Review, overall_verdict, review
from engine.decode.types import DecodedPhoto
from engine.predictors.base import Prediction
from engine.typography import signed

__all__ = [
    "SCORE_RESOLUTION",
    "Checked",
    "Verdict",
    "check_all",
    "check_suggestion",
    "developed_with",
    "in_part",
    "verdict",
    "verdicts",
    "with_its_cost_answered",
]

#: Score points below which a change is not a change: the reported score's rounding.
SCORE_RESOLUTION = 0.5
#: The sliders a suggestion may borrow to answer what it costs, and the ones that make a
#: suggestion a tone move, which borrows none (`with_its_cost_answered`).
_TONE_SLIDERS = frozenset({"Contrast2012", *TONAL})


def _developed(
    photo: DecodedPhoto, settings: Mapping[str, float],
    masks: Sequence[pb.MaskedAdjustment] = (),
) -> DecodedPhoto:
    """``photo`` developed with ``settings`` and local ``masks`` by the develop model
    (engine.develop.render)."""
    import torch

    from engine.develop import render
    from engine.develop.render import local_adjustments_from_pb

    x = torch.from_numpy(np.ascontiguousarray(np.asarray(photo.linear).transpose(2, 0, 1)))
    as_shot = photo.raw.as_shot_xy if photo.raw is not None else None
    with torch.no_grad():
        out = render(x, dict(settings), local=local_adjustments_from_pb(masks),
                     as_shot_xy=as_shot).numpy().transpose(1, 2, 0)
    return replace(photo, linear=np.ascontiguousarray(np.maximum(out, 0.0), dtype=np.float32))


def developed_with(photo: DecodedPhoto, suggestions: Iterable[pb.Suggestion]) -> DecodedPhoto:
    """``photo`` developed with every develop suggestion at once (`suggested_edit`);
    geometry is not applied."""
    return _developed(photo, *suggested_edit(suggestions))


@dataclass(frozen=True)
class Checked:
    """What rendering one suggestion with the develop model did.

    Attributes:
        gain: change of the overall score, points (negative = worse).
        mended: penalty points taken off the issue the suggestion targets (its
            ``attribute``), negative when that issue got worse.
        after: the review of the rendered photo.
        rendered: the rendered photo.
    """

    gain: float
    mended: float
    after: Review = field(repr=False, compare=False)
    rendered: DecodedPhoto = field(repr=False, compare=False)

    @property
    def kept(self) -> bool:
        """Kept when it raises the overall score, or mends the measurement it targets
        without lowering the score by more than `SCORE_RESOLUTION` (what the other
        measurements lose with it must not outweigh what it mends)."""
        return self.gain > 0 or (self.mended > 0 and self.gain > -SCORE_RESOLUTION)


def _penalty(r: Review, issue: str) -> float:
    return sum(f.penalty for f in r.findings if f.name == issue)


def check_suggestion(
    photo: DecodedPhoto, before: Review, suggestion: pb.Suggestion, prediction: Prediction | None
) -> Checked | None:
    """Render ``suggestion``'s develop settings (global or masked) with the develop model
    and judge again.

    Returns:
        the overall score's change and what it mended of the issue it targets, with
        ``suggestion.expected_gain`` set when the score rises; None when the suggestion
        has no develop settings to render (geometry, words only).
    """
    if not suggestion.HasField("masked") and not settings_from_adjustments(
            suggestion.adjustments):
        return None
    rendered = developed_with(photo, [suggestion])
    after = review(rendered, prediction)
    checked = Checked(after.score - before.score,
                      _penalty(before, suggestion.attribute)
                      - _penalty(after, suggestion.attribute), after, rendered)
    if checked.gain > 0:
        suggestion.expected_gain = round(min(100.0, checked.gain), 1)
    return checked


def with_its_cost_answered(
    photo: DecodedPhoto, before: Review, suggestion: pb.Suggestion, checked: Checked,
    prediction: Prediction | None,
) -> tuple[pb.Suggestion, Checked] | None:
    """``suggestion`` joined by the answer to what it costs, when the two pass together.

    A suggestion the check would drop may mend its target and cost another measurement —
    more saturation clips a bright sky again — as a photographer's first move does, who
    then makes the second.  When the suggestion alone mends its target, the rendered
    photo's issue that grew most (by at least `SCORE_RESOLUTION`: a cost it made, not
    noise) and has a tonal answer lends that answer's tone sliders.  Only tone: a colour
    move changes where tones sit and clip, not the light, so a white-balance "cost" is the
    light estimate moving.  Only to a suggestion that is not itself a tone move: the
    critic's tonal answers (exposure, clipping, contrast) are already judged together
    (`engine.critic.judge.tone`), and a tone slider lent to one re-mixes the curve toward
    the critic's taste, away from the photographer's (uhdr05 with Contrast +40 was
    answered "Darken the photo: Exposure −0.85 EV, then Contrast +39", mean ΔE2000 9.9
    from the photo before the damage against 2.4 as damaged; kodim20 "…, then Contrast
    +60", 11.6 against 4.4).  The pair is rendered and judged as one suggestion and must
    be `Checked.kept` and still mend the target (the borrowed sliders must not pass on
    their own merit).  None otherwise.
    """
    own = settings_from_adjustments(suggestion.adjustments)
    if suggestion.HasField("masked") or not own or checked.mended <= 0 \
            or own.keys() & _TONE_SLIDERS:
        return None
    grown: list[tuple[float, Finding, dict[str, float]]] = []
    for f in checked.after.findings:
        answer = f.suggestion
        if f.severity == 0 or answer is None or answer.HasField("masked"):
            continue
        extra = {k: v for k, v in settings_from_adjustments(answer.adjustments).items()
                 if k in _TONE_SLIDERS}
        growth = _penalty(checked.after, f.name) - _penalty(before, f.name)
        if extra and growth >= SCORE_RESOLUTION and f.name != suggestion.attribute:
            grown.append((growth, f, extra))
    if not grown:
        return None
    _, cost, extra = max(grown, key=lambda g: g[0])
    reasons = dict(cost.suggestion.adjustments.reasons) if cost.suggestion else {}
    reasons.update(suggestion.adjustments.reasons)
    joined = develop_suggestion(
        suggestion.attribute,
        f"{suggestion.text}, then {describe(extra)} to keep the {cost.name} right",
        own | extra, reasons)
    again = check_suggestion(photo, before, joined, prediction)
    if again is None or not again.kept or again.mended <= 0:
        return None
    return joined, again


def _points(gain: float) -> str:
    """A score change as the notes give it: "+2.0", "−12.2" (a true minus)."""
    return signed(gain, decimals=1)


def in_part(
    photo: DecodedPhoto, before: Review, suggestion: pb.Suggestion,
    prediction: Prediction | None,
) -> tuple[pb.Suggestion, Checked] | None:
    """The largest part of a dropped ``suggestion``'s sliders that passes the check alone.

    Sliders that each help can harm together: a softer curve and a highlight roll-off each
    take a blown sky off the clip, and both at once pull it down to a flat grey (kodim20's
    "Soften the contrast: Contrast −18, Highlights −70" costs 22 points, its Contrast alone
    raises the score by 2), as a photographer who sees the grey backs one of them out.  The
    parts with one slider fewer are rendered and judged first, then smaller ones; the first
    size with a part that raises the score and still mends the target by `SCORE_RESOLUTION`
    gives the one that raises it most, worded as the suggestion with its sliders ("Soften
    the contrast: Contrast −18").  A second chance asks more than `Checked.kept`: a part
    that only mends its target while the score holds would be a move the whole was not
    (kodim06 muted: its original's harsh contrast answered by Contrast −15 alone, −0.1, the
    photo left further from the undamaged one), and a part that mends nothing is a
    by-product of the whole, not its answer (uhdr04 darkened: "Soften the contrast:
    Exposure +0.06 EV", the lift that kept the softer curve's mid-tones, alone).  None for
    a masked or one-slider suggestion, or when no part passes.
    """
    own = settings_from_adjustments(suggestion.adjustments)
    if suggestion.HasField("masked") or len(own) < 2:
        return None
    lead = suggestion.text.split(":", 1)[0]
    for size in range(len(own) - 1, 0, -1):
        passed = []
        for names in combinations(own, size):
            part = {k: own[k] for k in names}
            trial = develop_suggestion(suggestion.attribute, f"{lead}: {describe(part)}", part,
                                       suggestion.adjustments.reasons)
            checked = check_suggestion(photo, before, trial, prediction)
            if checked is not None and checked.gain > 0 \
                    and checked.mended >= SCORE_RESOLUTION:
                passed.append((trial, checked))
        if passed:
            return max(passed, key=lambda p: p[1].gain)
    return None


def _kept_in_part(whole: pb.Suggestion, checked: Checked, part: pb.Suggestion,
                  alone: Checked) -> str:
    """The reasoning's note for a suggestion kept in part."""
    whole_moves = f"“{whole.text}” moves the score by {_points(checked.gain)}"
    return (f"Checked with the develop model, {whole_moves}, while “{part.text}” alone mends "
            f"the {part.attribute} it targets ({alone.mended:.1f} points) and raises the score "
            f"by {alone.gain:.1f}, so that part is suggested.")


def _cost_answered(alone: pb.Suggestion, checked: Checked, joined: pb.Suggestion,
                  together: Checked) -> str:
    """The reasoning's note for a suggestion kept with the answer to what it costs."""
    return (f"Checked with the develop model, “{alone.text}” alone mends the "
            f"{alone.attribute} it targets ({checked.mended:.1f} points) but moves the score "
            f"by {_points(checked.gain)}; “{joined.text}” moves it by {_points(together.gain)}, so "
            "it is suggested with the tone sliders that answer what it costs.")


def _not_suggested(suggestion: pb.Suggestion, checked: Checked) -> str:
    """The reasoning's note for a suggestion the check dropped."""
    if checked.mended > 0:
        return (f"Checked with the develop model, “{suggestion.text}” mends the "
                f"{suggestion.attribute} it targets ({checked.mended:.1f} points) but lowers "
                f"the score ({_points(checked.gain)}), so it is not suggested.")
    return (f"Checked with the develop model, “{suggestion.text}” would neither mend the "
            f"{suggestion.attribute} it targets nor raise the score ({_points(checked.gain)}), so "
            "it is not suggested.")


def _mended_only(suggestion: pb.Suggestion, checked: Checked) -> str:
    """The reasoning's note for a kept suggestion that mends its target while the overall
    score does not rise."""
    return (f"Checked with the develop model, “{suggestion.text}” mends the "
            f"{suggestion.attribute} it targets ({checked.mended:.1f} points); the overall "
            f"score barely moves ({_points(checked.gain)}).")


@dataclass(frozen=True)
class Verdict:
    """What the check decided for one suggestion.

    Attributes:
        suggestion: the suggestion as it stands — joined by the answer to its cost when it
            was (`with_its_cost_answered`), or cut to the part that passes (`in_part`) —
            kept or not.
        kept: whether it is suggested.
        joined: whether it was joined by the answer to its cost.
        part: whether it is a part of the suggestion made, the rest left out (`in_part`).
        checked: what rendering ``suggestion`` (as it stands) did.
        notes: the reasoning's notes on it, in order (joined, kept in part, dropped, or
            kept for mending its target alone); none for one that simply raises the score.
    """

    suggestion: pb.Suggestion
    kept: bool
    joined: bool
    part: bool
    checked: Checked = field(repr=False)
    notes: list[str]


def verdict(
    photo: DecodedPhoto, before: Review, suggestion: pb.Suggestion, prediction: Prediction | None
) -> Verdict | None:
    """`check_suggestion`, then `with_its_cost_answered` for a suggestion it would drop,
    then `in_part` when that does not pass either, and the notes that say so; None when
    the suggestion has no develop settings to render (geometry, words only).  Both critics'
    checks decide through here."""
    checked = check_suggestion(photo, before, suggestion, prediction)
    if checked is None:
        return None
    notes = []
    joined = None if checked.kept else with_its_cost_answered(
        photo, before, suggestion, checked, prediction)
    if joined is not None:
        notes.append(_cost_answered(suggestion, checked, *joined))
        suggestion, checked = joined
    part = None if checked.kept else in_part(photo, before, suggestion, prediction)
    if part is not None:
        notes.append(_kept_in_part(suggestion, checked, *part))
        suggestion, checked = part
    if not checked.kept:
        notes.append(_not_suggested(suggestion, checked))
    elif checked.gain <= 0:
        notes.append(_mended_only(suggestion, checked))
    return Verdict(suggestion, checked.kept, joined=joined is not None, part=part is not None,
                   checked=checked, notes=notes)


def verdicts(
    photo: DecodedPhoto, r: Review, prediction: Prediction | None
) -> Iterator[tuple[Finding, Verdict]]:
    """`verdict` on the develop suggestion of each reported finding of ``r``, in order
    (findings without one, or with geometry or words only, are skipped)."""
    for f in r.findings:
        if f.severity == 0 or f.suggestion is None:
            continue
        v = verdict(photo, r, f.suggestion, prediction)
        if v is not None:
            yield f, v


def check_all(photo: DecodedPhoto, r: Review, prediction: Prediction | None) -> None:
    """Render each develop suggestion of ``r``, re-judge, and keep it only if
    `Checked.kept`: it raises the score, or mends the measurement it targets while the
    score barely moves — alone, joined by the answer to what it costs
    (`with_its_cost_answered`), or cut to the part of it that passes (`in_part`), which
    then replaces it (`verdict`).

    Sets ``expected_gain`` (overall score points) on the kept ones that raise it.  A
    dropped suggestion leaves its issue, and the reasoning says why; so it does for one
    kept for mending its target alone, for one joined and for one kept in part.  Geometry
    and word-only suggestions are kept unchecked (gain 0).  The verdict is written again
    with the dropped findings, so it says so instead of "fix it first" when the worst
    finding's answer is among them (`review.overall_verdict`).  Two or more
    kept develop suggestions are also rendered together and the reasoning gives what they
    do to the score together: each was checked on its own, and two answers to one cause
    can overshoot.
    """
    kept = []
    dropped = []
    for f, v in verdicts(photo, r, prediction):
        for note in v.notes:
            r.paragraphs.insert(-1, note)
        f.suggestion = v.suggestion if v.kept else None
        if v.kept:
            kept.append(v.suggestion)
        else:
            dropped.append(f)
    r.paragraphs[-1] = overall_verdict(r, dropped)
    if len(kept) >= 2:
        gain = review(developed_with(photo, kept), prediction).score - r.score
        r.paragraphs.insert(-1, _together(len(kept), gain, r.score))


def _together(count: int, gain: float, score: float) -> str:
    """The reasoning's note on ``count`` kept develop suggestions rendered together."""
    moves = f"raise the score by {_points(gain)}, to {score + gain:.0f}" if gain > 0 else \
        f"move the score by {_points(gain)}"
    return f"Checked together with the develop model, the {count} develop suggestions {moves}."

