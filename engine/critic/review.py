"""The technical critic's review: a photo measured and judged, before it is a message.

Each measurement family (`exposure`, `contrast`, `colour`, `saturation`, `monochrome`,
`sharpness`, `noise`, `horizon`, `composition`, `halo`) is a pure function of the
analysis thumbnail; each area's judgement (`engine.critic.judge`) turns the measurements
into a paragraph of reasoning and findings, whose penalty points (`scoring`) decide both
the sub-score and the severity of the issue.  Here the measurements are taken, the areas
assembled and the overall verdict written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from engine.color.monochrome import Monochrome, detect_monochrome
from engine.critic import scoring
from engine.critic._image import at_measuring_size, prepare
from engine.critic.colour import ColourMeasurement, measure_colour
from engine.critic.composition import CompositionMeasurement, measure_composition
from engine.critic.contrast import ContrastMeasurement, measure_contrast
from engine.critic.exposure import ExposureMeasurement, measure_exposure
from engine.critic.halo import HaloMeasurement, measure_halo
from engine.critic.horizon import HorizonMeasurement, measure_horizon
from engine.critic.judge import (
    Finding,
    judge_colour,
    judge_composition,
    judge_halo,
    judge_noise,
    judge_regions,
    judge_sharpness,
    judge_tone,
)
from engine.critic.noise import NoiseMeasurement, measure_noise
from engine.critic.saturation import SaturationMeasurement, measure_saturation
from engine.critic.sharpness import SharpnessMeasurement, measure_sharpness
from engine.decode.types import DecodedPhoto
from engine.masks.local import FoundRegions, find_regions, propose_local_adjustments
from engine.predictors.base import Prediction

__all__ = ["Measurements", "Review", "measure", "overall_verdict", "prepared_review", "review"]


@dataclass(frozen=True)
class Measurements:
    """Everything the technical critic measured on one photo (units in each class)."""

    exposure: ExposureMeasurement
    contrast: ContrastMeasurement
    colour: ColourMeasurement
    saturation: SaturationMeasurement
    monochrome: Monochrome | None  # None: a colour photo
    sharpness: SharpnessMeasurement
    noise: NoiseMeasurement
    horizon: HorizonMeasurement
    composition: CompositionMeasurement
    halo: HaloMeasurement
    regions: FoundRegions  # the sky and subject the halo is measured along


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
    regions = find_regions(rgb)
    sky, subject = regions.sky, regions.subject
    noise = measure_noise(rgb)
    return Measurements(
        exposure=measure_exposure(rgb, grain=noise.sigma_luma),
        contrast=measure_contrast(rgb),
        colour=measure_colour(rgb),
        saturation=measure_saturation(rgb),
        monochrome=detect_monochrome(rgb),
        sharpness=measure_sharpness(rgb, subject.mask if subject is not None else None),
        noise=noise,
        horizon=measure_horizon(rgb),
        composition=measure_composition(rgb, subject),
        halo=measure_halo(rgb, sky.mask if sky is not None else None,
                          subject.mask if subject is not None else None),
        regions=regions,
    )


def _praise(sub_scores: dict[str, float]) -> str:
    """The best sub-score in words: every area sharing it is named (kodim01's sharpness
    and noise both score 100; naming one of them would pick at random)."""
    top = max(sub_scores.values())
    best = [k for k in scoring.SUB_SCORES if sub_scores[k] == top]
    if len(best) == 1:
        return f"{best[0]} is its strongest point"
    names = f"{', '.join(best[:-1])} and {best[-1]}"
    return f"{names} score full marks" if top == 100.0 else f"{names} share its best score"


def review(photo: DecodedPhoto, prediction: Prediction | None = None) -> Review:
    """Measure ``photo`` and judge it (see `critique` for the message form)."""
    from engine.predictors import get_predictor

    m = measure(photo.linear)
    analytic = get_predictor("analytic")
    if prediction is None:
        prediction = analytic.predict(photo)
    out = Review(m)
    tone, tone_findings = judge_tone(m.exposure, m.contrast, prediction)
    # Regions are judged with the analytic predictor's yardstick, as `--masks auto` does.
    region_text, region_findings = judge_regions(
        propose_local_adjustments(photo, prediction, analytic, regions=m.regions).masks)
    halo, halo_findings = judge_halo(m.halo)
    areas = [
        (" ".join(p for p in (tone, region_text, halo) if p),
         tone_findings + region_findings + halo_findings),
        judge_colour(m.colour, m.saturation, prediction, photo.info.is_raw, m.monochrome),
        judge_sharpness(m.sharpness, m.composition.where),
        judge_noise(m.noise),
        judge_composition(m.composition, m.horizon, m.regions.sky),
    ]
    for paragraph, findings in areas:
        out.paragraphs.append(paragraph)
        out.findings.extend(findings)
    for attribute in scoring.SUB_SCORES:
        out.sub_scores[attribute] = scoring.sub_score(
            [f.penalty for f in out.findings if f.attribute == attribute])
    out.score = scoring.total_score(out.sub_scores)
    out.findings.sort(key=lambda f: -f.penalty)
    out.paragraphs.append(overall_verdict(out))
    return out


def prepared_review(
    photo: DecodedPhoto, prediction: Prediction | None = None
) -> tuple[DecodedPhoto, Prediction, Review]:
    """What every critic starts from: ``photo`` checked and at the critic's measuring size
    (`engine.critic._image.at_measuring_size`), the prediction its suggestions reuse (the
    analytic predictor's when None: made once, so the check judges each rendering against
    the same one), and its review.

    Raises:
        engine.critic._image.UncritiquablePhoto: non-finite pixels, a side < 32 px.
    """
    from engine.predictors import get_predictor

    prepare(photo.linear)  # fail on broken pixels before any predictor sees them
    photo = at_measuring_size(photo)
    if prediction is None:
        prediction = get_predictor("analytic").predict(photo)
    return photo, prediction, review(photo, prediction)


def overall_verdict(r: Review, dropped: Sequence[Finding] = ()) -> str:
    """The closing paragraph of ``r``: the score and the worst reported finding, and
    whether a develop setting answers it — not when it is among the ``dropped`` findings,
    whose answers the check rendered and did not keep (`engine.critic.check.check_all`)."""
    reported = [f for f in r.findings if f.severity > 0]
    # The figure the message carries, or 89.45 would read "Overall 89/100" under "90/100".
    shown = scoring.reported(r.score)
    if not reported:
        return (f"Overall {shown:.0f}/100: technically clean — no measurement is "
                f"outside its tolerance, and {_praise(r.sub_scores)}.")
    worst = reported[0]
    what = f"{worst.name} ({worst.description.split(':')[0].split(' (')[0]})"
    # "Fix it first" only where something here fixes it: a blown area pulled to grey or
    # a crowded edge has no setting, and a checked answer can cost more than it mends.
    if any(f is worst for f in dropped):
        answer = "its develop answer, rendered and measured, costs more than it mends"
    elif worst.suggestion is None:
        answer = "no develop setting mends it"
    else:
        answer = ""
    if worst.severity == 1:
        tail = f", though {answer}" if answer else ""
        return (f"Overall {shown:.0f}/100: technically strong; the one thing worth a look "
                f"is {what}{tail}.")
    tail = f" — {answer}" if answer else "; fix it first"
    return f"Overall {shown:.0f}/100. The main problem is {what}{tail}."

