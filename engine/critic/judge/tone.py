"""Tone: exposure (the mid-tones' key), clipped highlights, crushed blacks and contrast.

Exposure and its clipping are judged from `engine.critic.exposure`'s measurements, with
the develop predictor's tonal values as the answer where they agree in sign; contrast
from `engine.critic.contrast`'s spread and white point, answered with ``Contrast2012``.
All three count against the ``exposure`` sub-score; contrast is reported as its own
issue.  Clipped highlights are the exposure's finding unless the exposure is right and the
tones already span a typical range: then the curve is too steep, and they are part of the
harsh-contrast finding (`clipping_is_contrast`).
"""

from __future__ import annotations

import math

from engine.critic import scoring
from engine.critic.contrast import (
    TYPICAL_SPREAD,
    WHITE_TOLERANCE,
    ContrastMeasurement,
    curve_shift,
)
from engine.critic.exposure import ExposureMeasurement, exposure_error, highlight_bound
from engine.critic.judge.finding import Finding
from engine.critic.judge.words import describe, develop_suggestion, percent
from engine.predictors.analytic import HIGHLIGHT_TARGET
from engine.predictors.base import Prediction

__all__ = [
    "CLIPPING_CAP",
    "GREYED_SHARE",
    "GREYED_WEIGHT",
    "SCENE_KEY_EV",
    "TONAL",
    "clipping_is_contrast",
    "clipping_penalty",
    "dimness_is_contrast",
    "exposure_kept",
    "exposure_penalty",
    "is_flat",
    "judge_contrast",
    "judge_exposure",
    "judge_tone",
    "spread_penalty",
    "white_penalty",
]

#: The predictor's tonal sliders an exposure suggestion carries.
TONAL = ("Exposure2012", "Highlights2012", "Shadows2012", "Whites2012", "Blacks2012")
#: How many times more than white a blown area pulled down to grey counts besides itself:
#: white reads as light, a flat grey patch where detail should be as a mistake (a darkened
#: blown sky, a dark blob a mask left in it).
GREYED_WEIGHT = 2.0
#: Most points clipped highlights cost, and most a greyed blown area costs on top.
CLIPPING_CAP = 35.0
#: Share of the frame blown and pulled down to grey from which the reasoning names it and
#: the exposure answers stop rolling the highlights off.
GREYED_SHARE = 0.001


def exposure_penalty(m: ExposureMeasurement) -> float:
    """Points for the exposure error: none within ±0.45 EV, minor from about 0.6 EV."""
    return _error_penalty(m.error_ev)


def _error_penalty(error_ev: float) -> float:
    return scoring.ramp(abs(error_ev), 0.45, 30.0, 70.0)


def clipping_penalty(m: ExposureMeasurement) -> float:
    """Points for clipped highlights: none up to 1 % of the frame, minor from 2.25 %, at
    most `CLIPPING_CAP`; a blown area pulled down to grey costs `GREYED_WEIGHT` times as
    much again under a cap of its own — a second fault, which a frame already at the
    first cap (kodim20's blown sky, 41 % of it) still pays for when an edit greys it."""
    blown = scoring.ramp(m.clipped * 100, 1.0, 4.0, CLIPPING_CAP)
    return blown + scoring.ramp(GREYED_WEIGHT * m.greyed * 100, 0.0, 4.0, CLIPPING_CAP)


def _is_greyed(m: ExposureMeasurement) -> bool:
    """Whether at least `GREYED_SHARE` of the frame is blown and pulled down to grey."""
    return m.greyed >= GREYED_SHARE


def _greyed(m: ExposureMeasurement) -> str:
    """", 0.8 % of the frame pulled down to a flat grey" when a tenth of a percent is."""
    return (f", {percent(m.greyed, 1)} of the frame pulled down to a flat grey"
            if _is_greyed(m) else "")


def white_penalty(c: ContrastMeasurement) -> float:
    """Points for a lightest area short of white: minor 0.3 stops (81 %) short, moderate
    0.45 (``Contrast2012`` −40 on a photo with a white); 30 of the corpus' 33 photos are
    within 0.15."""
    return scoring.ramp(c.white_shortfall, WHITE_TOLERANCE, 50.0, 30.0)


def spread_penalty(c: ContrastMeasurement) -> float:
    """Points for a spread away from the typical one, either way: ×0.74 (3.1 stops) or
    ×1.36 (5.7) is a minor issue; the corpus' well-made photos mostly sit between."""
    return scoring.ramp(abs(_ratio(c)), 0.15, 17.5, 30.0)


def _ratio(c: ContrastMeasurement) -> float:
    """log2 of the spread against the typical one (< 0 narrower)."""
    return math.log2(max(c.spread, 0.1) / TYPICAL_SPREAD)


def is_flat(c: ContrastMeasurement, under_exposed: bool = False) -> bool:
    """Narrower than typical, or a grey white that outweighs a wider spread (a grey white
    does not count when the photo is ``under_exposed`` with dark mid-tones)."""
    grey = 0.0 if under_exposed else white_penalty(c)
    return _ratio(c) < 0 or (grey > 0 and grey > spread_penalty(c))


def dimness_is_contrast(e: ExposureMeasurement, c: ContrastMeasurement) -> bool:
    """Whether an under-exposure is the contrast's: the exposure error says under only
    because the highlights are dim, while the mid-tones sit at or above a normal key, the
    contrast is flat, and a ``Contrast2012`` within the slider's range puts the white back
    — more exposure would brighten mid-tones already bright (``Contrast2012`` −40 does this
    to a photo whose highlights were just bright enough).  A white further down than any
    curve about grey can pull it (a high-key photo darkened 1.5 EV) is the exposure's."""
    return (e.error_ev < 0 and scoring.severity_of(exposure_penalty(e)) > 0
            and e.key_ev >= 0 and is_flat(c) and 0 < c.contrast_to_white() <= 100)


def clipping_is_contrast(e: ExposureMeasurement, c: ContrastMeasurement) -> bool:
    """Whether clipped highlights are the contrast's fault: they clip at white enough to be
    an issue while the exposure is right and the tones already span a typical range or
    more — the curve is too steep for the scene (``Contrast2012`` +40 does this to most
    photos that have a bright area), not the photo too bright.  (A blown area darkened
    below white is a grey white: no curve made it.)"""
    return (scoring.severity_of(clipping_penalty(e)) > 0
            and scoring.severity_of(exposure_penalty(e)) == 0
            and c.spread >= TYPICAL_SPREAD and white_penalty(c) == 0)


def judge_tone(
    e: ExposureMeasurement, c: ContrastMeasurement, pred: Prediction
) -> tuple[str, list[Finding]]:
    """The tone paragraph (exposure, clipping, crushed blacks, contrast) and its findings.

    Clipped highlights and an under-exposure are findings of their own, or part of the
    contrast finding when `clipping_is_contrast` / `dimness_is_contrast`; their penalty
    counts once either way.
    """
    steep = clipping_is_contrast(e, c)
    dim = dimness_is_contrast(e, c)
    exposure, findings = judge_exposure(e, pred, clipping_finding=not steep,
                                        exposure_finding=not dim)
    # A grey white is the exposure's when the mid-tones are dark too (a flattening curve
    # pivots on grey and leaves them; darkening does not).
    under = e.key_ev < -0.5 and scoring.severity_of(exposure_penalty(e)) > 0
    contrast, contrast_findings = judge_contrast(c, e, pred, under, steep, dim)
    return f"{exposure} {contrast}", findings + contrast_findings


#: EV: how far from a normal key the mid-tones must sit before a limit the highlights set
#: is put down to a bright or a dark scene.
SCENE_KEY_EV = 0.5


def _scene_clause(m: ExposureMeasurement) -> str:
    """Why the exposure error is smaller than the mid-tones' distance from a normal key,
    when the highlights' limit decides it (`exposure.highlight_bound`): kodim20's mid-tones
    sit 2.7 EV above the key and it is judged 0.5 EV bright, a bright scene whose sky is
    already at white.  "" when no limit decides."""
    bound = highlight_bound(m.key_ev, m.highlight_ev)
    if bound == "darken" and m.key_ev >= SCENE_KEY_EV:
        return ("; a bright scene, so its highlights rather than its light mid-tones set how "
                "far it may darken")
    if bound == "brighten" and m.key_ev <= -SCENE_KEY_EV:
        return ("; a dark scene, so its highlights rather than its dark mid-tones set how far "
                "it may brighten")
    return ""


def judge_exposure(
    m: ExposureMeasurement, pred: Prediction, clipping_finding: bool = True,
    exposure_finding: bool = True,
) -> tuple[str, list[Finding]]:
    """The exposure paragraph: key, clipped highlights, crushed blacks, and their findings
    (clipped highlights only named in the paragraph unless ``clipping_finding``; an
    under-exposure that is the contrast's, without ``exposure_finding``)."""
    findings: list[Finding] = []
    err = m.error_ev
    side = "below" if m.key_ev < 0 else "above"
    sit = (f"sit {abs(m.key_ev):.1f} EV {side} a normal key" if abs(m.key_ev) >= 0.1
           else "sit right at a normal key")
    key = (f"the mid-tones {sit} (median luminance {m.median_luminance:.3f}) and the "
           f"brightest 0.5 % reach {percent(m.highlight_level)} of white")
    scene = _scene_clause(m)
    penalty = exposure_penalty(m)
    word = "under-exposed" if err < 0 else "over-exposed"
    if not exposure_finding:
        paragraph = (f"Exposure: {key} — dim highlights over mid-tones at or above a normal "
                     "key are flat contrast, not under-exposure.")
    elif scoring.severity_of(penalty) > 0:
        desc = (f"{word} by about {abs(err):.1f} EV: {key}; the frame uses "
                f"{percent(m.range_used)} of the tonal range")
        tonal = {k: pred.settings[k] for k in TONAL if pred.settings.get(k)}
        if _is_greyed(m):
            # A blown area pulled down to grey has no detail to roll off: only a brighter
            # white brings it back toward the white it was.
            tonal = {k: v for k, v in tonal.items()
                     if not (k in ("Highlights2012", "Whites2012") and v < 0)}
        if "Exposure2012" not in tonal or tonal["Exposure2012"] * err > 0:
            # A prediction that disagrees in sign is overruled by the measurement.
            tonal["Exposure2012"] = -err
        text = f"{'Brighten' if err < 0 else 'Darken'} the photo: {describe(tonal)}"
        findings.append(Finding("exposure", penalty, desc,
                                develop_suggestion("exposure", text, tonal, pred.reasons)))
        paragraph = f"Exposure: the photo is {word} by about {abs(err):.1f} EV — {key}{scene}."
    elif penalty > 0:
        touch = "dark" if err < 0 else "bright"
        paragraph = (f"Exposure: a touch {touch} ({abs(err):.1f} EV), not enough to matter — "
                     f"{key}{scene}.")
    else:
        paragraph = f"Exposure is sound: {key}{scene}."

    clip_pen = clipping_penalty(m)
    if clip_pen > 0:
        where = f", mostly in the {m.clipped_where}" if m.clipped_where else ""
        if clipping_finding and _is_greyed(m):
            desc = (f"{percent(m.clipped, 1)} of the pixels clip in the highlights{where}"
                    f"{_greyed(m)}: that detail is gone in the file, and rolling it off "
                    "would only grey it further")
            findings.append(Finding("exposure", clip_pen, desc))
        elif clipping_finding:
            desc = (f"{percent(m.clipped, 1)} of the pixels clip in the highlights{where}: "
                    "that detail is gone in the file and can only be rolled off more gently")
            fix = _roll_off(pred)
            findings.append(Finding("exposure", clip_pen, desc, develop_suggestion(
                "exposure", f"Soften the clipped highlights: {describe(fix)}", fix,
                pred.reasons)))
        paragraph += (f" {percent(m.clipped, 1)} of pixels clip in the highlights{where}"
                      f"{_greyed(m)}.")
    elif m.clipped > 0.0005:
        paragraph += f" Only {percent(m.clipped, 2)} of pixels clip, which is harmless."
    else:
        paragraph += " Nothing clips in the highlights."

    crush_pen = scoring.ramp(m.crushed * 100, 1.0, 4.0, 30.0)
    if crush_pen > 0:
        where = f", mostly in the {m.crushed_where}" if m.crushed_where else ""
        desc = f"{percent(m.crushed, 1)} of the pixels are crushed to black{where}"
        fix = {"Shadows2012": max(20.0, pred.settings.get("Shadows2012", 0.0)),
               "Blacks2012": max(10.0, pred.settings.get("Blacks2012", 0.0))}
        findings.append(Finding("exposure", crush_pen, desc, develop_suggestion(
            "exposure", f"Open the crushed shadows: {describe(fix)}", fix, pred.reasons)))
        paragraph += f" {percent(m.crushed, 1)} of pixels are crushed to black{where}."
    return paragraph, findings


def _roll_off(pred: Prediction, whites: bool = True) -> dict[str, float]:
    """Highlights (and ``whites``: Whites) that roll clipped highlights off: the
    predictor's, or at least −20 (and −10)."""
    fix = {"Highlights2012": min(-20.0, pred.settings.get("Highlights2012", 0.0))}
    if whites:
        fix["Whites2012"] = min(-10.0, pred.settings.get("Whites2012", 0.0))
    return fix


def exposure_kept(e: ExposureMeasurement, contrast: float) -> float:
    """``Exposure2012`` (EV, −4..4; mostly a small lift) that keeps the exposure error where
    it is under a softening ``Contrast2012`` of ``contrast`` (< 0), when the curve alone
    would make the exposure worse by `exposure_penalty`; 0 otherwise, and below 0.05 EV.

    The curve pivots on grey, and the exposure error anchors on the mid-tones' key and the
    brightest 0.5 %: softening dims those highlights, so a photo that reads a touch dark
    reads under-exposed once its harsh contrast is softened (kodim17 at ``Contrast2012``
    +40, answered −18) — a photographer lifts the exposure with the softer curve.  Both
    anchors are moved by `curve_shift`.  (A steeper curve brightens the highlights, which
    no darker exposure answers: the mid-tones would go with them.)
    """
    if contrast >= 0:
        return 0.0
    highlight = HIGHLIGHT_TARGET * 2.0**e.highlight_ev
    after = exposure_error(e.key_ev + curve_shift(e.median_luminance, contrast),
                           e.highlight_ev + curve_shift(highlight, contrast))
    lift = round(e.error_ev - after, 2)
    return lift if _error_penalty(after) > exposure_penalty(e) and abs(lift) >= 0.05 else 0.0


def judge_contrast(
    m: ContrastMeasurement, e: ExposureMeasurement, pred: Prediction, under_exposed: bool,
    clipped: bool = False, dim: bool = False,
) -> tuple[str, list[Finding]]:
    """A sentence for the exposure paragraph and the contrast finding (issue "contrast").

    Two measurements: the spread against a typical photo's, and the white point — unless
    the photo is under-exposed with dark mid-tones (``under_exposed``), which explains a
    grey white better than a curve does.  ``clipped``: the exposure measurement ``e``'s
    clipped highlights are the contrast's (`clipping_is_contrast`): the finding is harsh
    contrast, takes the clipping's penalty, and its answer rolls the highlights off too
    (unless part of the blown area is pulled down to grey: a roll-off greys it further).
    ``dim``: ``e``'s under-exposure is the contrast's (`dimness_is_contrast`): the flat
    finding takes the exposure's penalty.  The answer keeps the exposure where it is
    (`exposure_kept`).
    """
    facts = (f"the tones between the darkest and brightest 5 % span {m.spread:.1f} stops "
             f"(the middle half {m.midtone_spread:.1f}; a typical photo spans "
             f"{TYPICAL_SPREAD:.1f})")
    ratio = _ratio(m)
    spread = spread_penalty(m)
    grey = 0.0 if under_exposed else white_penalty(m)
    # A grey white calls the photo flat unless a wider-than-typical spread outweighs it.
    grey_white = grey > 0 and (ratio < 0 or grey > spread)
    flat = is_flat(m, under_exposed)
    penalty = max(grey, spread if ratio < 0 else 0.0) if flat else spread
    if grey_white:
        facts += (f", and the lightest area reaches only {percent(m.white)} of white "
                  f"({m.white_shortfall:.2f} stops short)")
    if dim:
        penalty += exposure_penalty(e)
        facts += (f", and the brightest 0.5 % reach only {percent(e.highlight_level)} of white "
                  f"over mid-tones {e.key_ev:.1f} EV above a normal key")
    if clipped:
        penalty += clipping_penalty(e)
        where = f" (mostly in the {e.clipped_where})" if e.clipped_where else ""
        facts += (f", and still {percent(e.clipped, 1)} of the pixels clip in the "
                  f"highlights{where}{_greyed(e)}: the curve is steeper than the scene allows")
    if scoring.severity_of(penalty) == 0:
        return f"Contrast is natural: {facts}.", ([] if penalty == 0 else [
            Finding("exposure", penalty, f"contrast: {facts}", None, "contrast")])
    wanted = m.contrast_to()
    if grey_white:
        wanted = max(wanted, m.contrast_to_white())
    predicted = pred.settings.get("Contrast2012", 0.0)
    agrees = predicted * wanted > 0  # keep the predictor's (gentler) value and its reason
    wanted = predicted if agrees else wanted
    if flat:
        value = max(15.0, min(60.0, wanted))
    else:
        # Soften no further than keeps the white on white: a softer curve pulls the lightest
        # tone (and a clipped area with it) down to grey, and the photo reads flat instead
        # (kodim08 at +40: Contrast −51 left it ΔE2000 2.7 from the photo before the
        # damage, the −18 that keeps its white 1.5).
        value = min(-15.0, max(-60.0, wanted, m.contrast_keeping_white()))
    fix = {"Contrast2012": value}
    if clipped:  # Whites stay: the white must stay on white, or it reads flat
        if not _is_greyed(e):  # a blown area pulled to grey has no detail to roll off
            fix |= _roll_off(pred, whites=False)
    elif lift := exposure_kept(e, value):
        fix["Exposure2012"] = lift
    word = "flat" if flat else "harsh"
    desc = f"{word} contrast: {facts}"
    text = (f"{'Give the tones more snap' if flat else 'Soften the contrast'}: "
            f"{describe(fix)}")
    return (f"The contrast is {word}: {facts}.",
            [Finding("exposure", penalty, desc, develop_suggestion(
                "contrast", text, fix, pred.reasons if agrees else None), "contrast")])
