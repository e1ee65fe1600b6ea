"""Colour: the light's warmth and tint, how colourful the photo is, clipped colour.

White balance is judged from `engine.critic.colour`'s light estimate and near-neutrals,
answered with the critic's own ``IncrementalTemperature``/``IncrementalTint`` on a
rendered file and the predictor's absolute ``Temperature``/``Tint`` on a raw one;
colourfulness and clipped colour from `engine.critic.saturation`, answered with
``Saturation``.  All count against the ``colour`` sub-score; saturation is reported as
its own issue.  A black-and-white or toned photo (`engine.color.monochrome`) is judged
on none of them: its colour is a choice of toning (or a frame of one colour), not a cast.
"""

from __future__ import annotations

from engine.color.monochrome import Monochrome
from engine.critic import scoring
from engine.critic.colour import PREFERRED_WHITE_K, ColourMeasurement, cast_name
from engine.critic.judge.finding import Finding
from engine.critic.judge.words import describe, develop_suggestion, percent
from engine.critic.saturation import SaturationMeasurement
from engine.predictors.analytic import TINT_STRENGTH, WB_STRENGTH
from engine.predictors.base import Prediction
from engine.typography import signed

__all__ = [
    "GREY_DE",
    "MUTED_GAMUT_USE",
    "SCENE_COLOUR_DE",
    "TYPICAL_GAMUT_USE",
    "grey_weight",
    "judge_colour",
]

#: A raw file's white-balance sliders (absolute Kelvin and tint).
WB_RAW = ("Temperature", "Tint")
#: Near-neutrals farther than this from grey (ΔE*ab) mean a frame filled by one colour
#: (a red door, a sunset), not coloured light — unless the light estimated from the
#: edges is itself far from the preferred white: no white-balance advice.
SCENE_COLOUR_DE = 30.0
#: Near-neutrals within this of grey (ΔE*ab) are read as greys in full; between it and
#: `SCENE_COLOUR_DE` less and less (`grey_weight`).  The finished photos' greys sit within
#: 20 (kodim03's 19.9 the farthest); kodim02's red door reads 29.7–30.0 as the thumbnail
#: is made, which a threshold alone turned into a 23-point swing of its colour score.
GREY_DE = 20.0
#: Gamut use (`saturation.gamut_use`, 0..1) below which colour is called muted (a minor
#: issue), and the corpus' median use, which a saturation suggestion aims for.
MUTED_GAMUT_USE, TYPICAL_GAMUT_USE = 0.62, 0.8


def grey_weight(neutral_delta_e: float) -> float:
    """How far the near-neutrals, ``neutral_delta_e`` (ΔE*ab) from grey, are read as greys
    lit by the light rather than as coloured surfaces: 1 up to `GREY_DE`, falling linearly
    to 0 at `SCENE_COLOUR_DE` and beyond, so the score has no cliff at the threshold."""
    span = SCENE_COLOUR_DE - GREY_DE
    return float(min(1.0, max(0.0, (SCENE_COLOUR_DE - neutral_delta_e) / span)))


def _white_balance_fix(
    m: ColourMeasurement, pred: Prediction, is_raw: bool, warm: bool, tinted: bool
) -> dict[str, float]:
    """The white-balance answer: a raw file's absolute ``Temperature``/``Tint`` from the
    predictor; for a rendered file the critic's own measurement (its light estimate and
    preferred white differ from the predictor's), with the analytic predictor's
    strengths, on the axes whose penalty is set (``warm``, ``tinted``).  The tint comes
    from the light estimate and its penalty from the greys' a*: when the two disagree
    (e.g. the estimate asks for magenta, ``IncrementalTint`` > 0, while the greys already
    lean magenta, a* > 0), the tint would deepen the cast it answers and is left out."""
    if is_raw:
        return {k: pred.settings[k] for k in WB_RAW if k in pred.settings}
    tint = TINT_STRENGTH * m.tint_fix if tinted and m.tint_fix * m.neutral_a < 0 else 0.0
    fix = {"IncrementalTemperature": WB_STRENGTH * m.temperature_fix if warm else 0.0,
           "IncrementalTint": tint}
    return {k: v for k, v in fix.items() if abs(v) >= 1}


def _cast_name(m: ColourMeasurement, warmth: float, tint: float) -> str:
    """"warm", "cool", "green", "magenta" or a pair ("warm-green"): what the penalties see."""
    parts = []
    if warmth > 0:
        parts.append("warm" if m.mired_shift > 0 else "cool")
    if tint > 0:
        parts.append("green" if m.neutral_a < 0 else "magenta")
    return "-".join(parts) or ("warm" if m.mired_shift > 0 else "cool")


def _ab(a: float, b: float) -> str:
    """CIELAB ``a``, ``b`` as the paragraphs write them: "a* +1.0, b* −5.0"."""
    return f"a* {signed(a, decimals=1)}, b* {signed(b, decimals=1)}"


def _monochrome_paragraph(mono: Monochrome) -> str:
    """What a black-and-white or toned photo's colour paragraph says: no judgement."""
    if mono.toned:
        # A toned print and a frame filled by one colour (a clear sky) look alike here:
        # neither has a light to correct nor colours to balance.
        what = (f"monochrome in {cast_name(mono.a, mono.b)} — each tone carries one colour "
                f"(on average {_ab(mono.a, mono.b)}; the mid-tones within "
                f"ΔE {mono.spread:.1f} of their tone's colour), as in a toned print or a "
                "frame filled by one colour: a choice of toning or the scene's, not a cast")
    else:
        what = (f"a black-and-white photo — every tone is neutral (the mid-tones within "
                f"ΔE {mono.spread:.1f} of grey)")
    return f"Colour: {what}, so white balance and saturation are not judged."


def judge_colour(
    m: ColourMeasurement, s: SaturationMeasurement, pred: Prediction, is_raw: bool,
    mono: Monochrome | None = None,
) -> tuple[str, list[Finding]]:
    """The colour paragraph (white balance, colourfulness, clipped colour) and findings;
    ``is_raw`` picks the white-balance answer (see `_white_balance_fix`); a ``mono``
    (black-and-white or toned) photo gets a paragraph saying so and no findings."""
    if mono is not None:
        return _monochrome_paragraph(mono), []
    findings: list[Finding] = []
    # Warmth: the light's distance from the preferred white; a minor issue from 18 mired
    # (the critic_eval casts are ±35).  Tint: the greys' green–magenta lean (a*).
    warmth = scoring.ramp(abs(m.mired_shift), 8.0, 0.5, 40.0)
    # Greys farther than SCENE_COLOUR_DE from neutral are coloured surfaces, not greys:
    # their a* says nothing about the light's tint, and a weak warmth is the scene's.
    scene = m.neutral_delta_e > SCENE_COLOUR_DE
    greys = grey_weight(m.neutral_delta_e)
    tint = greys * scoring.ramp(abs(m.neutral_a), 8.0, 1.6, 25.0)
    if warmth < scoring.MINOR:
        warmth *= greys
    penalty = warmth + tint
    hue = _cast_name(m, warmth, tint)
    way = "warmer" if m.mired_shift > 0 else "cooler"
    light = (f"the light reads about {m.cct:.0f} K, {abs(m.mired_shift):.0f} mired {way} "
             f"than a pleasing daylight white ({PREFERRED_WHITE_K:.0f} K)")
    if scene and warmth < scoring.MINOR:
        # The edges see a light near the preferred white (kodim02's red door): one
        # colour fills the frame; a strong cast moves the edges too and is not excused.
        paragraph = (f"Colour: even the least colourful parts of the frame are strongly "
                     f"{cast_name(m.neutral_a, m.neutral_b)} "
                     f"(ΔE {m.neutral_delta_e:.0f} from grey; {light}) — a scene filled by one "
                     "colour rather than a cast, so the white balance is left alone.")
    elif 0 < penalty < scoring.MINOR:
        # As for a cast below: the greys' ΔE is not all the lean's hue (kodim01: a
        # light 9 mired cool, greys ΔE 10.0 from grey), so their a* and b* are named.
        paragraph = (f"Colour: a slight {hue} lean — {light}; the near-neutral surfaces sit "
                     f"ΔE {m.neutral_delta_e:.1f} from grey ({_ab(m.neutral_a, m.neutral_b)}), "
                     "within what reads as the mood of the light.")
        findings.append(Finding("colour", penalty, f"a slight {hue} lean: {light}"))
    elif penalty > 0:
        desc = (f"{hue} cast: the near-neutral surfaces ({percent(m.neutral_share)} of the frame) "
                f"sit ΔE {m.neutral_delta_e:.1f} from grey ({_ab(m.neutral_a, m.neutral_b)}); "
                f"{light}")
        fix = _white_balance_fix(m, pred, is_raw, warmth > 0, tint > 0)
        answer = None
        if fix:
            answer = develop_suggestion(
                "colour", f"Neutralise the {hue} cast: {describe(fix)}", fix,
                pred.reasons if is_raw else None)
        findings.append(Finding("colour", penalty, desc, answer))
        # The ΔE is the greys' distance from neutral, which the tint shares: name its a*
        # and b* rather than credit it all to the cast's hue (kodim04: "cool", a* +4.9).
        paragraph = (f"Colour: a {hue} cast — {light}; the near-neutral surfaces sit "
                     f"ΔE {m.neutral_delta_e:.1f} from grey ({_ab(m.neutral_a, m.neutral_b)}).")
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
              f"{s.vivid_chroma:.0f}; the most colourful 1 % use {percent(s.gamut_use)} of the "
              f"room to the edge of sRGB, {percent(TYPICAL_GAMUT_USE)} in a typical photo")
    if muted > 0:
        # Saturation scales gamut use by exactly 1 + s/100: take it to the typical use.
        sat = max(15.0, min(60.0, (TYPICAL_GAMUT_USE / max(s.gamut_use, 0.05) - 1) * 100))
        findings.append(Finding("colour", muted, f"muted colour: {chroma}", develop_suggestion(
            "saturation", f"Bring the colour to life: Saturation {signed(sat)}",
            {"Saturation": sat}), "saturation"))
        muted_word = "muted" if muted >= scoring.MINOR else "restrained"
        paragraph += f" The colour is {muted_word} ({chroma})."
    elif loud > 0:
        sat = -min(40.0, 10.0 + (s.mean_chroma - 45.0))
        findings.append(Finding("colour", loud, f"over-saturated colour: {chroma}",
                                develop_suggestion("saturation", f"Calm the colour: Saturation "
                                                   f"{signed(sat)}", {"Saturation": sat}),
                                "saturation"))
        paragraph += f" The colour is {'loud' if loud >= scoring.MINOR else 'rich'} ({chroma})."
    else:
        paragraph += f" Saturation is natural ({chroma})."
    if gamut > 0:
        where = f" in the {s.gamut_clipped_where}" if s.gamut_clipped_where else ""
        desc = (f"{percent(s.gamut_clipped, 1)} of the pixels are saturated colours clipped at the "
                f"edge of sRGB{where}, where gradations turn flat")
        findings.append(Finding("colour", gamut, desc, develop_suggestion(
            "saturation", "Pull the clipped colours back: Saturation −15",
            {"Saturation": -15.0}), "saturation"))
        paragraph += f" {percent(s.gamut_clipped, 1)} of pixels are clipped colours{where}."
    return paragraph, findings
