"""The technical critic: measurements → reasoning, issues, develop suggestions, score.

Weight-free and deterministic.  Each measurement family (`exposure`, `contrast`, `colour`,
`saturation`, `sharpness`, `noise`, `horizon`, `composition`) is a pure function of the
analysis thumbnail; `scoring` turns each fault into penalty points, which decide both the
sub-score and the severity of the issue.  Suggestions are expressed in the develop
vocabulary: tonal and white-balance values come from the predictor (the analytic one
unless the caller passes a prediction), so the critic and the auto-adjust agree where
they agree in sign (a measurement overrules a prediction pointing the other way); tonal
spread is answered with ``Contrast2012``, softness with ``Texture``, colourfulness with
``Vibrance``/``Saturation``, noise in words (the vocabulary has no noise reduction); a tilt becomes
``Geometry.straighten_angle``, a badly placed subject a ``Geometry.crop``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from atelier.settings import adjustments_from_settings, settings_from_adjustments
from atelier.v1 import engine_pb2 as pb
from engine.critic import scoring
from engine.critic._image import prepare
from engine.critic.colour import PREFERRED_WHITE_K, ColourMeasurement, cast_name, measure_colour
from engine.critic.composition import CompositionMeasurement, measure_composition, suggest_crop
from engine.critic.contrast import TYPICAL_SPREAD, ContrastMeasurement, measure_contrast
from engine.critic.exposure import ExposureMeasurement, measure_exposure
from engine.critic.horizon import HorizonMeasurement, measure_horizon
from engine.critic.noise import NoiseMeasurement, measure_noise
from engine.critic.saturation import SaturationMeasurement, measure_saturation
from engine.critic.sharpness import SharpnessMeasurement, measure_sharpness
from engine.decode.types import DecodedPhoto
from engine.masks.subject import detect_subject
from engine.predictors.analytic import TINT_STRENGTH, WB_STRENGTH
from engine.predictors.base import Prediction
from xmp.vocabulary import global_slider

__all__ = [
    "Finding",
    "Measurements",
    "Review",
    "TechnicalCritic",
    "check_suggestion",
    "critique",
    "issues",
    "measure",
    "not_suggested",
    "review",
]

VERSION = "1"
TONAL = ("Exposure2012", "Highlights2012", "Shadows2012", "Whites2012", "Blacks2012")
WB_RAW = ("Temperature", "Tint")
#: Tilts beyond this (degrees) are taken as deliberate diagonals, not a crooked horizon.
MAX_CORRECTABLE_TILT = 8.0
MIN_TILT_CONFIDENCE = 0.3
#: Near-neutrals farther than this from grey (ΔE*ab) mean a frame filled by one colour
#: (a red door, a sunset), not coloured light — unless the light estimated from the
#: edges is itself far from the preferred white: no white-balance advice.
SCENE_COLOUR_DE = 30.0
#: Gamut use (`saturation.gamut_use`, 0..1) below which colour is called muted (a minor
#: issue), and the corpus' median use, which a saturation suggestion aims for.
MUTED_GAMUT_USE, TYPICAL_GAMUT_USE = 0.62, 0.8


@dataclass(frozen=True)
class Measurements:
    """Everything the technical critic measured on one photo (units in each class)."""

    exposure: ExposureMeasurement
    contrast: ContrastMeasurement
    colour: ColourMeasurement
    saturation: SaturationMeasurement
    sharpness: SharpnessMeasurement
    noise: NoiseMeasurement
    horizon: HorizonMeasurement
    composition: CompositionMeasurement


@dataclass
class Finding:
    """One fault: the sub-score it counts against, its penalty (points) and the answer.

    ``issue`` names the fault more precisely than the sub-score when it has its own
    measurement ("contrast" under exposure, "horizon" under composition, "saturation"
    under colour); it is the
    ``attribute`` of the reported issue and suggestion.
    """

    attribute: str
    penalty: float
    description: str
    suggestion: pb.Suggestion | None = None
    issue: str = ""

    @property
    def name(self) -> str:
        """The issue's attribute as reported."""
        return self.issue or self.attribute

    @property
    def severity(self) -> int:
        """`atelier.v1.Severity` value (0 = below the reporting threshold)."""
        return scoring.severity_of(self.penalty)


@dataclass
class Review:
    """A critique before it becomes a message: paragraphs, findings, sub-scores."""

    measurements: Measurements
    paragraphs: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    sub_scores: dict[str, float] = field(default_factory=dict)
    score: float = 0.0


def measure(linear: NDArray[np.floating]) -> Measurements:
    """Run every measurement on linear sRGB pixels (H, W, 3).

    Raises:
        engine.critic._image.UncritiquablePhoto: non-finite pixels or a side < 32 px.
    """
    rgb = prepare(linear)
    subject = detect_subject(rgb)
    return Measurements(
        exposure=measure_exposure(rgb),
        contrast=measure_contrast(rgb),
        colour=measure_colour(rgb),
        saturation=measure_saturation(rgb),
        sharpness=measure_sharpness(rgb, subject.mask if subject is not None else None),
        noise=measure_noise(rgb),
        horizon=measure_horizon(rgb),
        composition=measure_composition(rgb, subject),
    )


# ---------------------------------------------------------------------------------------
# Suggestions in the develop vocabulary
# ---------------------------------------------------------------------------------------


def _clamped(settings: Mapping[str, float]) -> dict[str, float]:
    out = {}
    for name, value in settings.items():
        slider = global_slider(name)
        v = slider.clamp(float(value))
        out[name] = round(v, slider.decimals) if slider.decimals else float(round(v))
    return out


def _suggest(
    attribute: str, text: str, settings: Mapping[str, float],
    reasons: Mapping[str, str] | None = None,
) -> pb.Suggestion:
    values = _clamped(settings)
    why = {k: v for k, v in (reasons or {}).items() if k in values}
    return pb.Suggestion(
        text=text, attribute=attribute, adjustments=adjustments_from_settings(values, why)
    )


def _signed(value: float, unit: str = "", decimals: int = 0) -> str:
    return f"{value:+.{decimals}f}{unit}".replace("-", "−")


def _describe(settings: Mapping[str, float]) -> str:
    """``{"Exposure2012": 1.2, "Whites2012": 10}`` → "Exposure +1.20 EV, Whites +10"."""
    names = {"Exposure2012": "Exposure", "Highlights2012": "Highlights",
             "Shadows2012": "Shadows", "Whites2012": "Whites", "Blacks2012": "Blacks",
             "Contrast2012": "Contrast", "Clarity2012": "Clarity",
             "IncrementalTemperature": "Temperature", "IncrementalTint": "Tint"}
    parts = []
    for name, value in _clamped(settings).items():
        if name == "Exposure2012":
            parts.append(f"Exposure {_signed(value, ' EV', 2)}")
        elif name == "Temperature":
            parts.append(f"Temperature {value:.0f} K")
        else:
            parts.append(f"{names.get(name, name)} {_signed(value)}")
    return ", ".join(parts)


# ---------------------------------------------------------------------------------------
# Each area: a paragraph of reasoning and its findings
# ---------------------------------------------------------------------------------------


def _exposure_penalty(m: ExposureMeasurement) -> float:
    """Points for the exposure error: none within ±0.45 EV, minor from about 0.6 EV."""
    return scoring.ramp(abs(m.error_ev), 0.45, 30.0, 70.0)


def _exposure(m: ExposureMeasurement, pred: Prediction) -> tuple[str, list[Finding]]:
    findings: list[Finding] = []
    err = m.error_ev
    side = "below" if m.key_ev < 0 else "above"
    sit = (f"sit {abs(m.key_ev):.1f} EV {side} a normal key" if abs(m.key_ev) >= 0.1
           else "sit right at a normal key")
    key = (f"the mid-tones {sit} (median luminance {m.median_luminance:.3f}) and the "
           f"brightest 0.5 % reach {m.highlight_level:.0%} of white")
    penalty = _exposure_penalty(m)
    word = "under-exposed" if err < 0 else "over-exposed"
    if scoring.severity_of(penalty) > 0:
        desc = (f"{word} by about {abs(err):.1f} EV: {key}; the frame uses "
                f"{m.range_used:.0%} of the tonal range")
        tonal = {k: pred.settings[k] for k in TONAL if pred.settings.get(k)}
        if "Exposure2012" not in tonal or tonal["Exposure2012"] * err > 0:
            # A prediction that disagrees in sign is overruled by the measurement.
            tonal["Exposure2012"] = -err
        text = f"{'Brighten' if err < 0 else 'Darken'} the photo: {_describe(tonal)}"
        findings.append(Finding("exposure", penalty, desc,
                                _suggest("exposure", text, tonal, pred.reasons)))
        paragraph = f"Exposure: the photo is {word} by about {abs(err):.1f} EV — {key}."
    elif penalty > 0:
        touch = "dark" if err < 0 else "bright"
        paragraph = (f"Exposure: a touch {touch} ({abs(err):.1f} EV), not enough to matter — "
                     f"{key}.")
    else:
        paragraph = f"Exposure is sound: {key}."

    clip_pct = m.clipped * 100
    clip_pen = scoring.ramp(clip_pct, 1.0, 4.0, 35.0)
    if clip_pen > 0:
        where = f", mostly in the {m.clipped_where}" if m.clipped_where else ""
        desc = (f"{clip_pct:.1f} % of the pixels clip in the highlights{where}: "
                "that detail is gone in the file and can only be rolled off more gently")
        fix = {"Highlights2012": min(-20.0, pred.settings.get("Highlights2012", 0.0)),
               "Whites2012": min(-10.0, pred.settings.get("Whites2012", 0.0))}
        findings.append(Finding("exposure", clip_pen, desc, _suggest(
            "exposure", f"Soften the clipped highlights: {_describe(fix)}", fix, pred.reasons)))
        paragraph += f" {clip_pct:.1f} % of pixels clip in the highlights{where}."
    elif m.clipped > 0.0005:
        paragraph += f" Only {clip_pct:.2f} % of pixels clip, which is harmless."
    else:
        paragraph += " Nothing clips in the highlights."

    crush_pct = m.crushed * 100
    crush_pen = scoring.ramp(crush_pct, 1.0, 4.0, 30.0)
    if crush_pen > 0:
        where = f", mostly in the {m.crushed_where}" if m.crushed_where else ""
        desc = f"{crush_pct:.1f} % of the pixels are crushed to black{where}"
        fix = {"Shadows2012": max(20.0, pred.settings.get("Shadows2012", 0.0)),
               "Blacks2012": max(10.0, pred.settings.get("Blacks2012", 0.0))}
        findings.append(Finding("exposure", crush_pen, desc, _suggest(
            "exposure", f"Open the crushed shadows: {_describe(fix)}", fix, pred.reasons)))
        paragraph += f" {crush_pct:.1f} % of pixels are crushed to black{where}."
    return paragraph, findings


def _contrast(
    m: ContrastMeasurement, pred: Prediction, under_exposed: bool
) -> tuple[str, list[Finding]]:
    """A sentence for the exposure paragraph and the contrast finding (issue "contrast").

    Two measurements: the spread against a typical photo's, and the white point — unless
    the photo is under-exposed with dark mid-tones (``under_exposed``), which explains a
    grey white better than a curve does.
    """
    facts = (f"the tones between the darkest and brightest 5 % span {m.spread:.1f} stops "
             f"(the middle half {m.midtone_spread:.1f}; a typical photo spans "
             f"{TYPICAL_SPREAD:.1f})")
    # Penalised by the ratio to the typical spread: ×0.74 (3.1 stops) or ×1.36 (5.7)
    # is a minor issue; the corpus' well-made photos mostly sit between.
    ratio = math.log2(max(m.spread, 0.1) / TYPICAL_SPREAD)
    spread_penalty = scoring.ramp(abs(ratio), 0.15, 17.5, 30.0)
    # The lightest area 0.3 stops (81 %) short of white is minor, 0.45 (Contrast −40 on
    # a photo with a white) moderate; 30 of the corpus' 33 photos are within 0.15.
    white_penalty = 0.0 if under_exposed else scoring.ramp(m.white_shortfall, 0.2, 50.0, 30.0)
    # A grey white calls the photo flat unless a wider-than-typical spread outweighs it.
    grey_white = white_penalty > 0 and (ratio < 0 or white_penalty > spread_penalty)
    flat = ratio < 0 or grey_white
    penalty = max(white_penalty, spread_penalty if ratio < 0 else 0.0) if flat \
        else spread_penalty
    if grey_white:
        facts += (f", and the lightest area reaches only {m.white:.0%} of white "
                  f"({m.white_shortfall:.2f} stops short)")
    if scoring.severity_of(penalty) == 0:
        return f"Contrast is natural: {facts}.", ([] if penalty == 0 else [
            Finding("exposure", penalty, f"contrast: {facts}", None, "contrast")])
    wanted = m.contrast_to()
    if grey_white:
        wanted = max(wanted, m.contrast_to_white())
    predicted = pred.settings.get("Contrast2012", 0.0)
    agrees = predicted * wanted > 0  # keep the predictor's (gentler) value and its reason
    wanted = predicted if agrees else wanted
    value = max(15.0, min(60.0, wanted)) if flat else min(-15.0, max(-60.0, wanted))
    fix = {"Contrast2012": value}
    word = "flat" if flat else "harsh"
    desc = f"{word} contrast: {facts}"
    text = (f"{'Give the tones more snap' if flat else 'Soften the contrast'}: "
            f"{_describe(fix)}")
    return (f"The contrast is {word}: {facts}.",
            [Finding("exposure", penalty, desc, _suggest(
                "contrast", text, fix, pred.reasons if agrees else None), "contrast")])


def _white_balance_fix(
    m: ColourMeasurement, pred: Prediction, is_raw: bool, warm: bool, tinted: bool
) -> dict[str, float]:
    """The white-balance answer: a raw file's absolute ``Temperature``/``Tint`` from the
    predictor; for a rendered file the critic's own measurement (its light estimate and
    preferred white differ from the predictor's), with the analytic predictor's
    strengths, on the axes whose penalty is set (``warm``, ``tinted``)."""
    if is_raw:
        return {k: pred.settings[k] for k in WB_RAW if k in pred.settings}
    fix = {"IncrementalTemperature": WB_STRENGTH * m.temperature_fix if warm else 0.0,
           "IncrementalTint": TINT_STRENGTH * m.tint_fix if tinted else 0.0}
    return {k: v for k, v in fix.items() if abs(v) >= 1}


def _cast_name(m: ColourMeasurement, warmth: float, tint: float) -> str:
    """"warm", "cool", "green", "magenta" or a pair ("warm-green"): what the penalties see."""
    parts = []
    if warmth > 0:
        parts.append("warm" if m.mired_shift > 0 else "cool")
    if tint > 0:
        parts.append("green" if m.neutral_a < 0 else "magenta")
    return "-".join(parts) or ("warm" if m.mired_shift > 0 else "cool")


def _colour(
    m: ColourMeasurement, s: SaturationMeasurement, pred: Prediction, is_raw: bool
) -> tuple[str, list[Finding]]:
    findings: list[Finding] = []
    # Warmth: the light's distance from the preferred white; a minor issue from 18 mired
    # (the critic_eval casts are ±35).  Tint: the greys' green–magenta lean (a*).
    warmth = scoring.ramp(abs(m.mired_shift), 8.0, 0.5, 40.0)
    # Greys farther than SCENE_COLOUR_DE from neutral are coloured surfaces, not greys:
    # their a* says nothing about the light's tint.
    scene = m.neutral_delta_e > SCENE_COLOUR_DE
    tint = 0.0 if scene else scoring.ramp(abs(m.neutral_a), 8.0, 1.6, 25.0)
    penalty = warmth + tint
    hue = _cast_name(m, warmth, tint)
    way = "warmer" if m.mired_shift > 0 else "cooler"
    light = (f"the light reads about {m.cct:.0f} K, {abs(m.mired_shift):.0f} mired {way} "
             f"than a pleasing daylight white ({PREFERRED_WHITE_K:.0f} K)")
    if scene and warmth < scoring.MINOR:
        # The edges see a light near the preferred white (kodim02's red door): one
        # colour fills the frame; a strong cast moves the edges too and is not excused.
        penalty = 0.0
        paragraph = (f"Colour: even the least colourful parts of the frame are strongly "
                     f"{cast_name(m.neutral_a, m.neutral_b)} "
                     f"(ΔE {m.neutral_delta_e:.0f} from grey; {light}) — a scene filled by one "
                     "colour rather than a cast, so the white balance is left alone.")
    elif 0 < penalty < scoring.MINOR:
        paragraph = (f"Colour: the greys lean slightly {hue} (ΔE {m.neutral_delta_e:.1f}; "
                     f"{light}), within what reads as the mood of the light.")
        findings.append(Finding("colour", penalty, f"a slight {hue} lean: {light}"))
    elif penalty > 0:
        desc = (f"{hue} cast: the near-neutral surfaces ({m.neutral_share:.0%} of the frame) "
                f"sit ΔE {m.neutral_delta_e:.1f} from grey (a* {m.neutral_a:+.1f}, "
                f"b* {m.neutral_b:+.1f}); {light}")
        fix = _white_balance_fix(m, pred, is_raw, warmth > 0, tint > 0)
        suggestion = None
        if fix:
            suggestion = _suggest("colour", f"Neutralise the {hue} cast: {_describe(fix)}",
                                  fix, pred.reasons if is_raw else None)
        findings.append(Finding("colour", penalty, desc, suggestion))
        paragraph = (f"Colour: the greys carry a {hue} cast of ΔE {m.neutral_delta_e:.1f} "
                     f"— {light}.")
    else:
        paragraph = (f"Colour: the near-neutrals are within ΔE {m.neutral_delta_e:.1f} of grey "
                     f"and {light}, so the white balance holds.")

    # Muted: the most colourful 1 % of the mid-tones use under 62 % of the room to the
    # sRGB edge (3 of the corpus' 33 originals; every one of them after Saturation −40);
    # moderate under 55 %, major under 42 %.
    muted = scoring.ramp(MUTED_GAMUT_USE + 0.05 - s.gamut_use, 0.0, 100.0, 25.0)
    loud = scoring.ramp(s.mean_chroma, 45.0, 1.5, 25.0)
    # Well-made photos clip under 0.35 % of their pixels at the gamut's edge (90 % of the
    # corpus); a Saturation +40 push clips over 0.5 % in 85 %: minor from 0.4 %.
    gamut = scoring.ramp(s.gamut_clipped * 100, 0.15, 20.0, 20.0)
    chroma = (f"mean mid-tone chroma C* {s.mean_chroma:.0f}, the most vivid 5 % above "
              f"{s.vivid_chroma:.0f}; the most colourful 1 % use {s.gamut_use:.0%} of the "
              f"room to the edge of sRGB, {TYPICAL_GAMUT_USE:.0%} in a typical photo")
    if muted > 0:
        # Saturation scales gamut use by exactly 1 + s/100: take it to the typical use.
        sat = max(15.0, min(60.0, (TYPICAL_GAMUT_USE / max(s.gamut_use, 0.05) - 1) * 100))
        findings.append(Finding("colour", muted, f"muted colour: {chroma}", _suggest(
            "saturation", f"Bring the colour to life: Saturation {_signed(sat)}",
            {"Saturation": sat}), "saturation"))
        muted_word = "muted" if muted >= scoring.MINOR else "restrained"
        paragraph += f" The colour is {muted_word} ({chroma})."
    elif loud > 0:
        sat = -min(40.0, 10.0 + (s.mean_chroma - 45.0))
        findings.append(Finding("colour", loud, f"over-saturated colour: {chroma}", _suggest(
            "saturation", f"Calm the colour: Saturation {_signed(sat)}", {"Saturation": sat}),
            "saturation"))
        paragraph += f" The colour is {'loud' if loud >= scoring.MINOR else 'rich'} ({chroma})."
    else:
        paragraph += f" Saturation is natural ({chroma})."
    if gamut > 0:
        where = f" in the {s.gamut_clipped_where}" if s.gamut_clipped_where else ""
        desc = (f"{s.gamut_clipped:.1%} of the pixels are saturated colours clipped at the "
                f"edge of sRGB{where}, where gradations turn flat")
        findings.append(Finding("colour", gamut, desc, _suggest(
            "saturation", "Pull the clipped colours back: Saturation −15",
            {"Saturation": -15.0}), "saturation"))
        paragraph += f" {s.gamut_clipped:.1%} of pixels are clipped colours{where}."
    return paragraph, findings


def _direction(angle: float) -> str:
    return {0: "horizontal", 45: "diagonal (rising to the right)", 90: "vertical",
            135: "diagonal (falling to the right)"}.get(round(angle / 45) * 45 % 180, "")


def _sharpness(m: SharpnessMeasurement, where: str) -> tuple[str, list[Finding]]:
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
    kind = "soft"
    desc = f"soft: {width} (a sharp photo measures under 0.7 px)"
    if motion:
        kind = "motion-blurred"
        desc += (f"; {_direction(m.motion_angle)} motion blur — edges across that direction "
                 f"are {m.motion_ratio:.1f}× wider than along it")
    text = (f"Recover apparent detail: {_describe(fix)} (sliders cannot undo "
            f"{'motion blur' if motion else 'missed focus'}, only make edges crisper)")
    return (f"Sharpness: {kind} — {width}.",
            [Finding("sharpness", penalty, desc, _suggest("sharpness", text, fix))])


def _noise(m: NoiseMeasurement) -> tuple[str, list[Finding]]:
    luma = scoring.ramp(m.sigma_luma, 2.5, 6.0, 50.0)
    chroma = scoring.ramp(m.sigma_chroma, 1.5, 6.0, 40.0)
    r, g, b = m.sigma_rgb
    facts = (f"σ {m.sigma_luma:.1f} levels in luminance and {m.sigma_chroma:.1f} in colour "
             f"(R {r:.1f}, G {g:.1f}, B {b:.1f}, of 255)")
    shadows = ""
    if not math.isnan(m.sigma_shadows) and m.sigma_shadows > 1.3 * m.sigma_luma:
        shadows = f", worst in the shadows ({m.sigma_shadows:.1f})"
    penalty = luma + chroma
    if penalty <= 0:
        return f"Noise: clean — {facts}.", []
    if scoring.severity_of(penalty) == 0:
        return f"Noise: a fine grain, not distracting — {facts}{shadows}.", []
    kind = "colour (blotchy)" if chroma > luma else "luminance (grainy)"
    desc = f"visible {kind} noise: {facts}{shadows}"
    # No slider of the develop vocabulary removes noise: negative Texture flattens real
    # detail faster than grain (PSNR −1.3 dB at −40 on the corpus), so the answer is
    # the host's noise reduction, named in words only.
    luminance_nr = round(min(60.0, 10.0 + 5.0 * m.sigma_luma))
    colour_nr = round(min(60.0, 15.0 + 5.0 * m.sigma_chroma))
    text = (f"Reduce the noise in the host: Luminance noise reduction ≈ {luminance_nr:.0f}, "
            f"Color ≈ {colour_nr:.0f} (Atelier's develop settings have no noise reduction)")
    return (f"Noise: {kind} noise is visible — {facts}{shadows}.",
            [Finding("noise", penalty, desc, pb.Suggestion(text=text, attribute="noise"))])


def _composition(c: CompositionMeasurement, h: HorizonMeasurement) -> tuple[str, list[Finding]]:
    findings: list[Finding] = []
    parts = []
    tilt = abs(h.tilt)
    if h.confidence >= MIN_TILT_CONFIDENCE and 0.6 <= tilt <= MAX_CORRECTABLE_TILT:
        penalty = scoring.ramp(tilt, 0.5, 8.0, 30.0) * min(1.0, h.confidence / 0.5)
        way = "clockwise" if h.tilt < 0 else "counter-clockwise"
        fix_way = "counter-clockwise" if h.tilt < 0 else "clockwise"
        desc = (f"the {h.kind} lines lean {tilt:.1f}° {way} (longest line "
                f"{h.line_length:.0%} of the frame)")
        suggestion = pb.Suggestion(
            text=f"Straighten: rotate {tilt:.1f}° {fix_way}", attribute="horizon",
            geometry=pb.Geometry(straighten_angle=round(-h.tilt, 2)),
        )
        findings.append(Finding("composition", penalty, desc, suggestion, "horizon"))
        parts.append(f"the {h.kind} lines lean {tilt:.1f}° {way}")
    elif h.confidence >= MIN_TILT_CONFIDENCE and tilt < 0.6:
        parts.append(f"the {h.kind} lines are level (within {max(tilt, 0.1):.1f}°)")
    if c.found:
        size = f"{c.size:.0%} of the frame"
        parts.append(f"the subject ({size}) sits in the {c.where}, "
                     f"{c.anchor_distance:.2f} of the frame from {c.anchor}")
        if c.confidence >= 0.2:
            off = scoring.ramp(c.anchor_distance, 0.15, 60.0, 20.0)
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


# ---------------------------------------------------------------------------------------
# Assembly
# ---------------------------------------------------------------------------------------


def review(photo: DecodedPhoto, prediction: Prediction | None = None) -> Review:
    """Measure ``photo`` and judge it (see `critique` for the message form)."""
    m = measure(photo.linear)
    if prediction is None:
        from engine.predictors import get_predictor

        prediction = get_predictor("analytic").predict(photo)
    out = Review(m)
    exposure, exposure_findings = _exposure(m.exposure, prediction)
    # A grey white is the exposure's when the mid-tones are dark too (a flattening curve
    # pivots on grey and leaves them; darkening does not).
    under = (m.exposure.key_ev < -0.5
             and scoring.severity_of(_exposure_penalty(m.exposure)) > 0)
    contrast, contrast_findings = _contrast(m.contrast, prediction, under)
    areas = [
        (f"{exposure} {contrast}", exposure_findings + contrast_findings),
        _colour(m.colour, m.saturation, prediction, photo.info.is_raw),
        _sharpness(m.sharpness, m.composition.where),
        _noise(m.noise),
        _composition(m.composition, m.horizon),
    ]
    for paragraph, findings in areas:
        out.paragraphs.append(paragraph)
        out.findings.extend(findings)
    for attribute in scoring.SUB_SCORES:
        out.sub_scores[attribute] = scoring.sub_score(
            [f.penalty for f in out.findings if f.attribute == attribute])
    out.score = scoring.total_score(out.sub_scores)
    out.findings.sort(key=lambda f: -f.penalty)
    reported = [f for f in out.findings if f.severity > 0]
    if reported:
        worst = reported[0]
        what = f"{worst.name} ({worst.description.split(':')[0].split(' (')[0]})"
        if worst.severity == 1:
            verdict = (f"Overall {out.score:.0f}/100: technically strong; the one thing worth "
                       f"a look is {what}.")
        else:
            verdict = f"Overall {out.score:.0f}/100. The main problem is {what}; fix it first."
    else:
        best = max(out.sub_scores, key=lambda k: out.sub_scores[k])
        verdict = (f"Overall {out.score:.0f}/100: technically clean — no measurement is "
                   f"outside its tolerance, and {best} is its strongest point.")
    out.paragraphs.append(verdict)
    return out


def _developed(photo: DecodedPhoto, settings: Mapping[str, float]) -> DecodedPhoto:
    """``photo`` developed with ``settings`` by the develop model (engine.develop.render)."""
    import torch

    from engine.develop import render

    x = torch.from_numpy(np.ascontiguousarray(np.asarray(photo.linear).transpose(2, 0, 1)))
    as_shot = photo.raw.as_shot_xy if photo.raw is not None else None
    with torch.no_grad():
        out = render(x, dict(settings), as_shot_xy=as_shot).numpy().transpose(1, 2, 0)
    return replace(photo, linear=np.ascontiguousarray(np.maximum(out, 0.0), dtype=np.float32))


def check_suggestion(
    photo: DecodedPhoto, before: Review, suggestion: pb.Suggestion, prediction: Prediction | None
) -> float | None:
    """Render ``suggestion``'s develop settings with the develop model and judge again.

    Returns:
        the change of the overall score (points, negative = worse), with
        ``suggestion.expected_gain`` set when it is positive; None when the suggestion
        has no develop settings to render (geometry, words only).
    """
    if not suggestion.HasField("adjustments"):
        return None
    settings = settings_from_adjustments(suggestion.adjustments)
    if not settings:
        return None
    gain = review(_developed(photo, settings), prediction).score - before.score
    if gain > 0:
        suggestion.expected_gain = round(min(100.0, gain), 1)
    return gain


def not_suggested(text: str, gain: float) -> str:
    """The reasoning's note for a suggestion the check dropped."""
    return (f"Checked with the develop model, “{text}” would not raise the score "
            f"({gain:+.1f}), so it is not suggested.")


def _check(photo: DecodedPhoto, r: Review, prediction: Prediction | None) -> None:
    """Render each develop suggestion, re-judge, keep it only if the score rises.

    Sets ``expected_gain`` (overall score points) on the kept ones; a suggestion that
    does not help is dropped (its issue stays) and the reasoning says so.  Geometry and
    word-only suggestions are kept unchecked (gain 0).
    """
    for f in r.findings:
        s = f.suggestion
        if f.severity == 0 or s is None:
            continue
        gain = check_suggestion(photo, r, s, prediction)
        if gain is not None and gain <= 0:
            f.suggestion = None
            r.paragraphs.insert(-1, not_suggested(s.text, gain))


def issues(r: Review) -> list[pb.CritiqueIssue]:
    """The findings worth reporting (severity ≥ minor), worst first, as messages."""
    return [pb.CritiqueIssue(attribute=f.name, severity=f.severity,  # type: ignore[arg-type]
                             description=f.description) for f in r.findings if f.severity > 0]


def critique(
    photo: DecodedPhoto, prediction: Prediction | None = None, *, check: bool = False
) -> pb.Critique:
    """Critique a decoded photo (its analysis thumbnail) as an ``atelier.v1.Critique``.

    Args:
        photo: the decoded analysis thumbnail (linear sRGB, EXIF-oriented).
        prediction: the develop settings already predicted for it, whose tonal and
            white-balance values the suggestions reuse; None runs the analytic predictor.
        check: render every develop suggestion with the develop model and keep it only if
            the re-measured score rises, with ``expected_gain`` set (about 1 s more per
            suggestion at 512 px).

    Returns:
        reasoning (one paragraph per area, with the numbers), issues (severity ≥ minor,
        worst first), suggestions (one per issue that has an answer), the 0..100 score,
        sub-scores ``exposure``, ``colour``, ``sharpness``, ``noise``, ``composition``,
        and ``backend`` = ``technical/<version>``.

    Raises:
        engine.critic._image.UncritiquablePhoto: non-finite pixels, a side < 32 px.
    """
    prepare(photo.linear)  # fail on broken pixels before any predictor sees them
    if prediction is None:
        from engine.predictors import get_predictor

        prediction = get_predictor("analytic").predict(photo)
    r = review(photo, prediction)
    if check:
        _check(photo, r, prediction)
    msg = pb.Critique(reasoning="\n\n".join(r.paragraphs), score=round(r.score, 1),
                      backend=f"{TechnicalCritic.name}/{VERSION}")
    msg.issues.extend(issues(r))
    msg.suggestions.extend(f.suggestion for f in r.findings
                           if f.severity > 0 and f.suggestion is not None)
    for k, v in r.sub_scores.items():
        msg.sub_scores[k] = round(v, 1)
    return msg


class TechnicalCritic:
    """Registry wrapper: ``critique(photo, prediction=None) -> atelier.v1.Critique``."""

    name = "technical"
    version = VERSION

    def __init__(self, *, check: bool = False) -> None:
        self.check = check

    def critique(self, photo: DecodedPhoto, prediction: Prediction | None = None) -> pb.Critique:
        """See `critique` (``check`` as given to the constructor)."""
        return critique(photo, prediction, check=self.check)
