"""Masked local adjustments the COCONET way, with the weight-free masks.

For each region (sky, subject) the active predictor is run on the region itself —
``"bbox"``: on the padded bounding-box crop (COCONET "BBOX"); ``"full"``: on the
region's own pixels taken from the whole photo (COCONET "FULL") — and the local
adjustment is what the region needs *beyond* the global settings, since Lightroom
stacks local sliders on top of global ones.  Guardrails: each local value is damped by
`LOCAL_DAMPING`, bounded by `LOCAL_LIMITS`, and a region whose edit would be smaller
than `MIN_LOCAL_EXPOSURE_EV` / `MIN_LOCAL_SLIDER` is left alone.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from atelier.masks import AUTO_MASK_NAMES
from atelier.settings import local_adjustments_from_settings
from atelier.v1 import engine_pb2 as pb
from engine.decode.types import DecodedPhoto
from engine.masks.sky import detect_sky
from engine.masks.subject import detect_subject
from engine.predictors.base import Prediction, Predictor

__all__ = [
    "LOCAL_DAMPING",
    "LOCAL_LIMITS",
    "MASK_CLASSES",
    "propose_local_adjustments",
    "raster_mask",
]

Mode = Literal["bbox", "full"]
MASK_CLASSES = ("sky", "subject")
LOCAL_DAMPING = 0.7
MIN_LOCAL_EXPOSURE_EV = 0.15
MIN_LOCAL_SLIDER = 8.0
MIN_SUBJECT_CONFIDENCE = 0.2  # weaker saliency is usually texture, not a subject
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
            reasons[local] = f"region alone wants {name} {region.settings.get(name, 0):+g}: " \
                f"{region.reasons.get(name, '')}"
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
        reason="; ".join(f"{k} {v:+g}" for k, v in settings.items()), backend=backend,
    )


def _sky_forms(
    sky_mask: NDArray[np.float32], horizon: tuple[float, float] | None
) -> list[pb.MaskForm]:
    forms = [pb.MaskForm(components=[pb.Mask(semantic=pb.SemanticMask(
        semantic_class=pb.SEMANTIC_CLASS_SKY, reference_point=pb.Point(x=0.5, y=0.1)))])]
    if horizon is not None:
        y_mid = (horizon[0] + horizon[1]) / 2
        # 0 % effect just below the horizon, 100 % a little above it.
        forms.append(pb.MaskForm(components=[pb.Mask(linear_gradient=pb.LinearGradient(
            zero=pb.Point(x=0.5, y=min(1.0, y_mid + 0.05)),
            full=pb.Point(x=0.5, y=max(0.0, y_mid - 0.08))))]))
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


def propose_local_adjustments(
    photo: DecodedPhoto,
    global_: Prediction,
    predictor: Predictor,
    *,
    classes: Sequence[str] = MASK_CLASSES,
    mode: Mode = "bbox",
) -> list[pb.MaskedAdjustment]:
    """Local adjustments worth making on ``photo`` beyond its global settings.

    Args:
        photo: the decoded analysis thumbnail.
        global_: the global prediction the local edits stack on.
        predictor: the active predictor, run on each region.
        classes: region kinds to look for, from `MASK_CLASSES`.
        mode: ``"bbox"`` or ``"full"`` (see the module docstring).

    Returns:
        Zero or more ``MaskedAdjustment`` messages, each with semantic, geometric and
        raster forms of its region (most editable first).
    """
    unknown = set(classes) - set(MASK_CLASSES)
    if unknown:
        known = ", ".join(MASK_CLASSES)
        raise ValueError(f"unknown mask classes {sorted(unknown)}; known: {known}")
    found: list[pb.MaskedAdjustment] = []
    if "sky" in classes and (sky := detect_sky(photo.linear)) is not None:
        bbox = _bbox(sky.mask)
        region = predictor.predict(_region_photo(photo, sky.mask, bbox, mode))
        settings, reasons = _local_settings(region, global_)
        if settings:
            found.append(_masked(AUTO_MASK_NAMES["sky"], _sky_forms(sky.mask, sky.horizon),
                                 settings, reasons, sky.confidence, bbox,
                                 f"sky/classical+{region.backend}"))
    subject = detect_subject(photo.linear) if "subject" in classes else None
    if subject is not None and subject.confidence >= MIN_SUBJECT_CONFIDENCE:
        region = predictor.predict(_region_photo(photo, subject.mask, subject.bbox, mode))
        settings, reasons = _local_settings(region, global_)
        if settings:
            found.append(_masked(AUTO_MASK_NAMES["subject"],
                                 _subject_forms(subject.mask, subject.bbox), settings,
                                 reasons, subject.confidence, subject.bbox,
                                 f"subject/spectral-residual+{region.backend}"))
    return found
