"""Composition: where the subject sits (thirds, centre) and whether it crowds the frame edge.

The subject comes from weight-free spectral-residual saliency (`engine.masks.subject`).
Placement is the distance of the subject's centroid from the nearest of the four
thirds intersections or the centre (a centred subject is a choice, not a fault);
crowding is how much of the saliency lies in the outer `BORDER` band of the frame.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine.critic._image import Linear, place
from engine.masks.subject import SubjectDetection, detect_subject

__all__ = ["ANCHORS", "BORDER", "CompositionMeasurement", "measure_composition", "suggest_crop"]

BORDER = 0.05  # fraction of each side counted as the frame's edge band
#: Named anchor points (x, y), normalised, y down.
ANCHORS: dict[str, tuple[float, float]] = {
    "the upper-left third": (1 / 3, 1 / 3),
    "the upper-right third": (2 / 3, 1 / 3),
    "the lower-left third": (1 / 3, 2 / 3),
    "the lower-right third": (2 / 3, 2 / 3),
    "the centre": (0.5, 0.5),
}


@dataclass(frozen=True)
class CompositionMeasurement:
    """Composition facts of one photo (coordinates normalised 0..1, y down).

    Attributes:
        found: a subject stands out (else the other fields describe the frame centre).
        confidence: 0..1 how clearly the subject stands out.
        centre: the subject's saliency centroid (x, y).
        bbox: its bounding box (left, top, right, bottom).
        size: bounding-box area as a fraction 0..1 of the frame.
        anchor: name of the nearest anchor point.
        anchor_distance: distance to it, in frame heights/widths (0..≈0.5).
        edge_crowding: share of saliency in the `BORDER` band ÷ the band's share of the
            frame (≈ 1 spread evenly, > 1.5 the subject presses on the edge).
        crowded_edge: "left", "right", "top", "bottom" or "" (the edge pressed on most).
        where: `place` name of the subject's position.
    """

    found: bool
    confidence: float
    centre: tuple[float, float]
    bbox: tuple[float, float, float, float]
    size: float
    anchor: str
    anchor_distance: float
    edge_crowding: float
    crowded_edge: str
    where: str


def measure_composition(
    rgb: Linear, subject: SubjectDetection | bool | None = True
) -> CompositionMeasurement:
    """Measure composition of validated linear sRGB pixels (see `_image.prepare`).

    Args:
        rgb: (H, W, 3) linear pixels.
        subject: a detection already made on ``rgb`` (or None: nothing stands out);
            True (default) detects it here.
    """
    if subject is True:
        subject = detect_subject(rgb)
    if not isinstance(subject, SubjectDetection):
        subject = None
    h, w = rgb.shape[:2]
    if subject is None:
        return CompositionMeasurement(False, 0.0, (0.5, 0.5), (0.0, 0.0, 1.0, 1.0), 1.0,
                                      "the centre", 0.0, 1.0, "", "centre")
    mask = subject.mask.astype(np.float64)
    total = max(float(mask.sum()), 1e-9)
    ys, xs = (np.arange(h) + 0.5) / h, (np.arange(w) + 0.5) / w
    cx = float((mask.sum(axis=0) * xs).sum() / total)
    cy = float((mask.sum(axis=1) * ys).sum() / total)
    anchor, distance = min(
        ((name, math.hypot(cx - ax, cy - ay)) for name, (ax, ay) in ANCHORS.items()),
        key=lambda item: item[1],
    )
    by, bx = max(1, round(BORDER * h)), max(1, round(BORDER * w))
    bands = {
        "top": float(mask[:by].sum()), "bottom": float(mask[-by:].sum()),
        "left": float(mask[:, :bx].sum()), "right": float(mask[:, -bx:].sum()),
    }
    band = np.zeros((h, w), dtype=bool)
    band[:by] = band[-by:] = True
    band[:, :bx] = band[:, -bx:] = True
    crowding = float(mask[band].sum() / total / band.mean())
    edge = max(bands, key=lambda k: bands[k]) if crowding > 1.5 else ""
    left, top, right, bottom = subject.bbox
    return CompositionMeasurement(
        found=True,
        confidence=subject.confidence,
        centre=(cx, cy),
        bbox=subject.bbox,
        size=float((right - left) * (bottom - top)),
        anchor=anchor,
        anchor_distance=distance,
        edge_crowding=crowding,
        crowded_edge=edge,
        where=place(cx, cy),
    )


def suggest_crop(
    m: CompositionMeasurement, scale: float = 0.8
) -> tuple[float, float, float, float] | None:
    """A crop (left, top, right, bottom) of ``scale`` × each side, same aspect, that moves
    the subject toward the nearest thirds point while keeping all of its bounding box;
    None when no crop of that size helps by more than 0.03 of the frame."""
    if not m.found:
        return None
    cx, cy = m.centre
    l0, t0, r0, b0 = m.bbox
    best: tuple[float, tuple[float, float, float, float]] | None = None
    for name, (ax, ay) in ANCHORS.items():
        if name == "the centre":
            continue
        # Put the subject at the anchor of the crop, then keep the crop in the frame and
        # around the subject's box.
        left = min(max(cx - ax * scale, 0.0), 1.0 - scale)
        top = min(max(cy - ay * scale, 0.0), 1.0 - scale)
        if l0 < left or t0 < top or r0 > left + scale or b0 > top + scale:
            continue
        d = math.hypot((cx - left) / scale - ax, (cy - top) / scale - ay)
        if best is None or d < best[0]:
            best = (d, (left, top, left + scale, top + scale))
    if best is None or best[0] > m.anchor_distance - 0.03:
        return None
    return best[1]
