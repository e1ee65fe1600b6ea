"""Masked local adjustments with the weight-free masks (sky, subject).

Automatic masks (`propose_local_adjustments`): a region is judged against the rest of
the frame.  The predictor is run on the frame without the region (COCONET "FULL" on its
complement), and the region's median luminance under that exposure is compared with
where such regions sit in well-exposed photos (`TYPICAL_LEVEL_STOPS`).  A region further
than `LEVEL_TOLERANCE_STOPS` from it gets a local exposure that brings it back to the
edge of that range; the global settings are then predicted again with the local
exposure in place, so that an out-of-line region does not pull the whole frame (a
darkened sky would otherwise brighten the land).  Guardrails: the local exposure is
bounded by `LOCAL_LIMITS`, one smaller than `MIN_LOCAL_EXPOSURE_EV` is not made, a blown
region is not darkened (it would only turn grey), and a region covering more than
`MAX_REGION_FRACTION` of the frame is left to the global edit.  (Running the predictor
on the region itself, as below, was measured to hurt these masks: the quality harness's
global cases and its subject cases both lost PSNR.)

A region named in words (`engine.server.segment`) gets the COCONET set instead: the
predictor run on the region itself — ``"bbox"``: on its padded bounding-box crop
(COCONET "BBOX"); ``"full"``: on its own pixels (COCONET "FULL") — and what it needs
*beyond* the global settings, since Lightroom stacks local sliders on top of global
ones, damped by `LOCAL_DAMPING`, bounded by `LOCAL_LIMITS`, and dropped below
`MIN_LOCAL_EXPOSURE_EV` / `MIN_LOCAL_SLIDER`.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from atelier.masks import AUTO_MASK_NAMES
from atelier.settings import local_adjustments_from_settings
from atelier.v1 import engine_pb2 as pb
from engine.color.channels import REC709_LUMA
from engine.decode.types import DecodedPhoto
from engine.masks.sky import SkyDetection, detect_sky
from engine.masks.subject import SubjectDetection, detect_subject
from engine.predictors.base import Prediction, Predictor
from engine.typography import signed

__all__ = [
    "LEVEL_TOLERANCE_STOPS",
    "LOCAL_DAMPING",
    "LOCAL_LIMITS",
    "MASK_CLASSES",
    "MAX_REGION_FRACTION",
    "TYPICAL_LEVEL_STOPS",
    "FoundRegions",
    "MaskedEdit",
    "find_regions",
    "propose_local_adjustments",
    "raster_mask",
]

Mode = Literal["bbox", "full"]
MASK_CLASSES = ("sky", "subject")
LOCAL_DAMPING = 0.7
MIN_LOCAL_EXPOSURE_EV = 0.15
MIN_LOCAL_SLIDER = 8.0
MIN_SUBJECT_CONFIDENCE = 0.2  # weaker saliency is usually texture, not a subject
#: Where a region's median luminance sits, stops (log2 of linear Rec. 709 luminance), under
#: the exposure the predictor gives the rest of the frame: the median over the shared
#: photos' originals at 768 px (15 skies of at most MAX_REGION_FRACTION, spread 0.94
#: stops; 20 subjects of confidence ≥ MIN_SUBJECT_CONFIDENCE, spread 0.79).
TYPICAL_LEVEL_STOPS = {"sky": -1.55, "subject": -1.90}
#: A region this close to its typical level is in line (about the natural spread, so a
#: well-exposed photo is rarely touched); beyond it, only the excess is corrected.
LEVEL_TOLERANCE_STOPS = 1.0
MAX_REGION_FRACTION = 0.6  # a region covering more of the frame is the global edit's
BLOWN_LUMINANCE = 0.9  # a region whose median is brighter is blown out: not darkened
#: Global slider → (local slider, largest magnitude allowed).
LOCAL_LIMITS = {
    "Exposure2012": ("LocalExposure2012", 1.5),
    "Highlights2012": ("LocalHighlights2012", 50.0),
    "Shadows2012": ("LocalShadows2012", 50.0),
    "Contrast2012": ("LocalContrast2012", 30.0),
}


def raster_mask(mask: NDArray[np.float32]) -> pb.RasterMask:
    """A soft mask (H, W) 0..1 → ``RasterMask`` (8-bit greyscale PNG)."""
    img = Image.fromarray(np.clip(mask * 255 + 0.5, 0, 255).astype(np.uint8), mode="L")
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True)
    return pb.RasterMask(png=buf.getvalue(), width=img.width, height=img.height)


def _bbox(mask: NDArray[np.float32], pad: float = 0.05) -> tuple[float, float, float, float]:
    rows, cols = np.nonzero(mask > 0.5)
    h, w = mask.shape
    if len(rows) == 0:
        return 0.0, 0.0, 1.0, 1.0
    return (
        max(0.0, cols.min() / w - pad), max(0.0, rows.min() / h - pad),
        min(1.0, (cols.max() + 1) / w + pad), min(1.0, (rows.max() + 1) / h + pad),
    )


def _region_photo(
    photo: DecodedPhoto, mask: NDArray[np.float32], bbox: tuple[float, ...], mode: Mode
) -> DecodedPhoto:
    lin = photo.linear
    h, w = lin.shape[:2]
    if mode == "bbox":
        left, top, right, bottom = bbox
        crop = lin[int(top * h) : max(int(bottom * h), int(top * h) + 1),
                   int(left * w) : max(int(right * w), int(left * w) + 1)]
        return replace(photo, linear=np.ascontiguousarray(crop))
    pixels = lin[mask > 0.5]
    return replace(photo, linear=np.ascontiguousarray(pixels[:, None, :]))


def _local_settings(
    region: Prediction, global_: Prediction
) -> tuple[dict[str, float], dict[str, str]]:
    settings, reasons = {}, {}
    for name, (local, limit) in LOCAL_LIMITS.items():
        delta = LOCAL_DAMPING * (region.settings.get(name, 0.0) - global_.settings.get(name, 0.0))
        delta = max(-limit, min(limit, delta))
        small = MIN_LOCAL_EXPOSURE_EV if name == "Exposure2012" else MIN_LOCAL_SLIDER
        if abs(delta) >= small:
            settings[local] = round(delta, 2) if name == "Exposure2012" else float(round(delta))
            wants = signed(region.settings.get(name, 0.0), decimals=None)
            reasons[local] = f"region alone wants {name} {wants}: {region.reasons.get(name, '')}"
    return settings, reasons


def _masked(
    name: str, forms: Sequence[pb.MaskForm], settings: dict[str, float],
    reasons: dict[str, str], confidence: float, bbox: tuple[float, ...], backend: str,
) -> pb.MaskedAdjustment:
    left, top, right, bottom = bbox
    return pb.MaskedAdjustment(
        name=name, forms=list(forms),
        adjustments=local_adjustments_from_settings(settings, reasons),
        amount=1.0, confidence=confidence,
        bbox=pb.BoundingBox(left=left, top=top, right=right, bottom=bottom),
        reason="; ".join(f"{k} {signed(v, decimals=None)}" for k, v in settings.items()),
        backend=backend,
    )


def _horizon_gradient(
    horizon: tuple[float, float], height: int, width: int
) -> pb.LinearGradient:
    """0 % effect just below the horizon, 100 % a little above it, square to its slope.

    Args:
        horizon: normalised heights of the horizon at the left and right edges.
        height, width: the frame, px (the slope is square in pixels, not in 0..1 units).
    """
    y_mid = (horizon[0] + horizon[1]) / 2
    run, rise = float(width), (horizon[1] - horizon[0]) * height  # along the horizon, px
    norm = math.hypot(run, rise)
    up_x, up_y = rise / norm, -run / norm  # unit normal pointing up into the sky, px

    def point(distance: float) -> pb.Point:  # ``distance`` above the middle, × height
        x = 0.5 + distance * height * up_x / width
        return pb.Point(x=min(1.0, max(0.0, x)),
                        y=min(1.0, max(0.0, y_mid + distance * up_y)))

    return pb.LinearGradient(zero=point(-0.05), full=point(0.08))


def _sky_forms(
    sky_mask: NDArray[np.float32], horizon: tuple[float, float] | None
) -> list[pb.MaskForm]:
    forms = [pb.MaskForm(components=[pb.Mask(semantic=pb.SemanticMask(
        semantic_class=pb.SEMANTIC_CLASS_SKY, reference_point=pb.Point(x=0.5, y=0.1)))])]
    if horizon is not None:
        forms.append(pb.MaskForm(components=[pb.Mask(
            linear_gradient=_horizon_gradient(horizon, *sky_mask.shape))]))
    forms.append(pb.MaskForm(components=[pb.Mask(raster=raster_mask(sky_mask))]))
    return forms


def _subject_forms(mask: NDArray[np.float32], bbox: tuple[float, ...]) -> list[pb.MaskForm]:
    left, top, right, bottom = bbox
    cx, cy = (left + right) / 2, (top + bottom) / 2
    return [
        pb.MaskForm(components=[pb.Mask(semantic=pb.SemanticMask(
            semantic_class=pb.SEMANTIC_CLASS_SUBJECT, reference_point=pb.Point(x=cx, y=cy)))]),
        pb.MaskForm(components=[pb.Mask(radial_gradient=pb.RadialGradient(
            top=top, left=left, bottom=bottom, right=right, angle=0.0, feather=50.0,
            roundness=0.0, flipped=True))]),
        pb.MaskForm(components=[pb.Mask(raster=raster_mask(mask))]),
    ]


@dataclass(frozen=True)
class FoundRegions:
    """The weight-free regions found on one photo, each None when it has none."""

    sky: SkyDetection | None
    subject: SubjectDetection | None


def find_regions(
    linear: NDArray[np.float32], classes: Sequence[str] = MASK_CLASSES
) -> FoundRegions:
    """The sky and the subject (those of ``classes`` asked for) of linear sRGB pixels
    (H, W, 3), found once so that every judgement of a photo (the critic's halo, its
    regions) sees the same masks."""
    return FoundRegions(detect_sky(linear) if "sky" in classes else None,
                        detect_subject(linear) if "subject" in classes else None)


@dataclass(frozen=True)
class _Region:
    """A region found on the photo, with its host forms (most editable first)."""

    kind: str  # a `MASK_CLASSES` entry
    mask: NDArray[np.float32]  # (H, W) soft mask 0..1 at the photo's size
    bbox: tuple[float, float, float, float]  # normalised (left, top, right, bottom)
    confidence: float
    forms: list[pb.MaskForm]
    backend: str


def _regions(
    photo: DecodedPhoto, classes: Sequence[str], regions: FoundRegions | None
) -> list[_Region]:
    if regions is None:
        regions = find_regions(photo.linear, classes)
    found = []
    sky = regions.sky if "sky" in classes else None
    if sky is not None and sky.fraction <= MAX_REGION_FRACTION:
        found.append(_Region("sky", sky.mask, _bbox(sky.mask), sky.confidence,
                             _sky_forms(sky.mask, sky.horizon), "sky/classical"))
    subject = regions.subject if "subject" in classes else None
    if subject is not None and subject.confidence >= MIN_SUBJECT_CONFIDENCE:
        found.append(_Region("subject", subject.mask, subject.bbox, subject.confidence,
                             _subject_forms(subject.mask, subject.bbox),
                             "subject/spectral-residual"))
    return found


def _region_exposure(
    photo: DecodedPhoto, region: _Region, predictor: Predictor
) -> tuple[float, str]:
    """The local exposure (EV, 0 for none) that brings ``region`` back in line, and why.

    The region is judged under the exposure the predictor gives the rest of the frame
    (so a region that is out of line does not move its own yardstick).
    """
    inside = region.mask > 0.5
    if inside.all() or not inside.any():
        return 0.0, f"the {region.kind} has no pixels of its own or nothing around it"
    luminance = np.maximum(np.nan_to_num(photo.linear @ REC709_LUMA), 0.0)
    median = max(float(np.median(luminance[inside])), 1e-5)
    rest = np.ascontiguousarray(photo.linear[~inside][:, None, :])
    rest_ev = predictor.predict(replace(photo, linear=rest)).settings.get("Exposure2012", 0.0)
    typical = TYPICAL_LEVEL_STOPS[region.kind]
    off = math.log2(median) + rest_ev - typical
    excess = math.copysign(max(0.0, abs(off) - LEVEL_TOLERANCE_STOPS), off)
    limit = LOCAL_LIMITS["Exposure2012"][1]
    ev = round(max(-limit, min(limit, -excess)), 2)
    facts = (f"under the exposure the rest of the frame needs ({signed(rest_ev, ' EV', 2)}) the "
             f"{region.kind} (median luminance {median:.3f}) sits {abs(off):.1f} stops "
             f"{'above' if off > 0 else 'below'} a typical {region.kind} "
             f"(±{LEVEL_TOLERANCE_STOPS:g} is usual)")
    if abs(ev) < MIN_LOCAL_EXPOSURE_EV:
        return 0.0, f"{facts}: in line with the rest of the frame"
    if ev < 0 and median >= BLOWN_LUMINANCE:
        return 0.0, f"{facts}, but it is blown out: darkening would only turn it grey"
    # Brightened past the rest's highlights, the region would become the frame's highlight
    # and the global edit would darken everything to hold it.
    room = math.log2(max(float(np.percentile(luminance[~inside], 99.5)), 1e-5)
                     / max(float(np.percentile(luminance[inside], 99)), 1e-5))
    if ev > max(room, 0.0):
        if room < MIN_LOCAL_EXPOSURE_EV:
            return 0.0, f"{facts}, but it already holds the frame's brightest tones"
        ev = round(room, 2)
        return ev, f"{facts} → {signed(ev, ' EV', 2)}, as far as the rest of the frame's highlights"
    return ev, f"{facts} → {signed(ev, ' EV', 2)} brings it back within {LEVEL_TOLERANCE_STOPS:g}"


@dataclass(frozen=True)
class MaskedEdit:
    """Global settings and the local adjustments that stack on them.

    Attributes:
        prediction: the global settings, predicted with the local exposures in place
            (the predictor's own prediction when there is no local exposure).
        masks: zero or more ``MaskedAdjustment`` messages, each with the semantic,
            geometric and raster forms of its region (most editable first).
    """

    prediction: Prediction
    masks: list[pb.MaskedAdjustment]


def propose_local_adjustments(
    photo: DecodedPhoto,
    global_: Prediction,
    predictor: Predictor,
    *,
    classes: Sequence[str] = MASK_CLASSES,
    regions: FoundRegions | None = None,
) -> MaskedEdit:
    """Local adjustments worth making on ``photo``, and the global settings under them.

    Args:
        photo: the decoded analysis thumbnail.
        global_: the predictor's global prediction for the whole photo.
        predictor: the active predictor, run on the rest of the frame beside each region.
        classes: region kinds to look for, from `MASK_CLASSES`.
        regions: the regions already found on ``photo`` (`find_regions`); None finds them.
    """
    unknown = set(classes) - set(MASK_CLASSES)
    if unknown:
        known = ", ".join(MASK_CLASSES)
        raise ValueError(f"unknown mask classes {sorted(unknown)}; known: {known}")
    found: list[pb.MaskedAdjustment] = []
    gain = np.zeros(photo.linear.shape[:2], np.float32)  # local exposure, EV per pixel
    for region in _regions(photo, classes, regions):
        ev, why = _region_exposure(photo, region, predictor)
        if ev:
            found.append(_masked(AUTO_MASK_NAMES[region.kind], region.forms,
                                 {"LocalExposure2012": ev}, {"LocalExposure2012": why},
                                 region.confidence, region.bbox,
                                 f"{region.backend}+{global_.backend}"))
            gain += ev * region.mask
    if not found:
        return MaskedEdit(global_, found)
    # The global settings as if the regions were already in line: an out-of-line region
    # would otherwise pull the whole frame (a bright sky darkens the land).
    in_line = replace(photo, linear=photo.linear * np.exp2(gain)[..., None])
    prediction = predictor.predict(in_line)
    if "Exposure2012" in prediction.reasons:
        lit = ", ".join(m.name for m in found)
        prediction.reasons["Exposure2012"] += f" (judged with the local exposure of {lit})"
    return MaskedEdit(prediction, found)
