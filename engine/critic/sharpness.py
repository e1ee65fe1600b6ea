"""Sharpness: edge blur width at the subject, and motion blur from its direction dependence.

Blur width is the re-blur gradient ratio (Zhuo & Sim, "Defocus map estimation from a
single image", 2011): an edge blurred by σ, differentiated with a Gaussian of scale σd,
has gradient peak ∝ 1/√(σ² + σd²); re-blurring by σ0 lowers it to ∝ 1/√(σ² + σd² + σ0²).
The ratio R of the two peaks gives σ² = σ0² / (R² − 1) − σd², in px, independent of the
edge's contrast.  Only the strongest 3 % of edges are measured (weak gradients are
mostly texture and grain, which read as "sharper than a step"); the critic reports their
median width, at the subject when saliency finds one.

Motion blur widens only edges across the motion: the width is measured per gradient
orientation (four 45° bins); a strong imbalance is motion along the widest bin.

A frame with no edge at all, sharp or blurred — a plain surface, a clear sky alone — has
no focus to judge: its steepest gradation at a coarse scale (`structure`) stays under
`MIN_STRUCTURE`, where even the corpus blurred by σ 20 px still rises 0.0036 per px.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from engine.critic._image import Linear, encoded_luma, ridge_maxima

__all__ = ["MIN_STRUCTURE", "SharpnessMeasurement", "edge_widths", "measure_sharpness"]

SIGMA_D = 1.0  # px, derivative scale (suppresses pixel noise)
SIGMA_0 = 1.5  # px, re-blur
EDGE_PERCENTILE = 97.0  # edges: local gradient maxima above this percentile …
MIN_EDGE_CONTRAST = 0.02  # … and above this encoded step per px
MIN_EDGES = 40
WIDTH_QUANTILE = 50.0  # percentile of the strong edges' widths reported
#: Encoded luma per px (0.5 of an 8-bit level): a frame whose steepest coarse gradation
#: (99.9th percentile of the gradient after a Gaussian of `STRUCTURE_SIGMA` px) stays
#: under it has no edge to judge.  The corpus' originals rise 0.022 or more, blurred by
#: σ 20 px 0.0036 or more; a clear-sky gradient about 0.0007.
MIN_STRUCTURE = 0.002
STRUCTURE_SIGMA = 4.0


@dataclass(frozen=True)
class SharpnessMeasurement:
    """Sharpness facts of one photo.

    Attributes:
        edge_sigma: median blur width of the strong edges in the measured region,
            Gaussian σ in px at the measured size (≈ 0.5–1 sharp, ≥ 2 visibly soft).
        frame_edge_sigma: the same over the whole frame, px.
        at_subject: True when measured at a detected subject, else the whole frame.
        long_side: long side of the measured image, px (the unit's scale).
        edges: number of edge pixels measured.
        motion_ratio: widest / narrowest median width over edge orientations, ≥ 1
            (≈ 1 isotropic; > 1.6 suggests motion blur); 1.0 if too few edges.
        motion_angle: direction of the motion, degrees 0..180 (0 = horizontal,
            90 = vertical, counter-clockwise as displayed).
        structure: the frame's steepest coarse gradation, encoded luma per px (see
            `MIN_STRUCTURE`), ≥ 0.
    """

    edge_sigma: float
    frame_edge_sigma: float
    at_subject: bool
    long_side: int
    edges: int
    motion_ratio: float
    motion_angle: float
    structure: float

    @property
    def featureless(self) -> bool:
        """Whether the frame has no edge to judge, sharp or blurred (`MIN_STRUCTURE`)."""
        return self.structure < MIN_STRUCTURE


def edge_widths(
    luma: NDArray[np.float32],
) -> tuple[NDArray[np.bool_], NDArray[np.float32], NDArray[np.float32]]:
    """Edge mask, per-pixel blur σ (px) and gradient orientation (degrees 0..180).

    Args:
        luma: (H, W) encoded luma 0..1.
    """
    gy1 = ndimage.gaussian_filter(luma, SIGMA_D, order=(1, 0))
    gx1 = ndimage.gaussian_filter(luma, SIGMA_D, order=(0, 1))
    s2 = math.hypot(SIGMA_D, SIGMA_0)
    gy2 = ndimage.gaussian_filter(luma, s2, order=(1, 0))
    gx2 = ndimage.gaussian_filter(luma, s2, order=(0, 1))
    g1 = np.hypot(gx1, gy1)
    g2 = np.hypot(gx2, gy2)
    peak = ridge_maxima(g1, gx1, gy1)
    threshold = max(float(np.percentile(g1, EDGE_PERCENTILE)), MIN_EDGE_CONTRAST)
    edges = peak & (g1 >= threshold)
    ratio = g1 / np.maximum(g2, 1e-9)
    # R ≤ 1 would be an infinitely wide edge; cap at a 20 px width.
    sigma2 = SIGMA_0**2 / np.maximum(ratio**2 - 1.0, 1e-3) - SIGMA_D**2
    sigma = np.sqrt(np.clip(sigma2, 0.0, 400.0)).astype(np.float32)
    # Image rows grow downwards: negate y so angles are counter-clockwise as displayed.
    angle = (np.degrees(np.arctan2(-gy1, gx1)) % 180.0).astype(np.float32)
    return edges, sigma, angle


def _motion(edges: NDArray[np.bool_], sigma: Linear, angle: Linear) -> tuple[float, float]:
    centres = np.arange(4) * 45.0
    medians = []
    for c in centres:
        d = np.abs((angle - c + 90.0) % 180.0 - 90.0)
        sel = edges & (d < 22.5)
        if sel.sum() < MIN_EDGES // 2:
            return 1.0, 0.0
        medians.append(float(np.median(sigma[sel])))
    arr = np.maximum(np.array(medians), 0.3)
    return float(arr.max() / arr.min()), float(centres[int(np.argmax(arr))])


def measure_sharpness(
    rgb: Linear, subject: NDArray[np.float32] | None = None
) -> SharpnessMeasurement:
    """Measure sharpness of validated linear sRGB pixels (see `_image.prepare`).

    Args:
        rgb: (H, W, 3) linear pixels.
        subject: optional (H, W) soft subject mask 0..1 (from saliency); the width is
            then measured on edges inside it (mask ≥ 0.5) when there are enough.
    """
    luma = encoded_luma(rgb)
    edges, sigma, angle = edge_widths(luma)
    frame = float(np.percentile(sigma[edges], WIDTH_QUANTILE)) if edges.sum() >= 8 else 20.0
    region = edges
    at_subject = False
    if subject is not None and subject.shape == edges.shape:
        inside = edges & (subject >= 0.5)
        if inside.sum() >= MIN_EDGES:
            region, at_subject = inside, True
    value = float(np.percentile(sigma[region], WIDTH_QUANTILE)) if region.sum() >= 8 else frame
    ratio, direction = _motion(edges, sigma, angle)
    coarse = np.gradient(ndimage.gaussian_filter(luma, STRUCTURE_SIGMA))
    return SharpnessMeasurement(
        edge_sigma=value,
        frame_edge_sigma=frame,
        at_subject=at_subject,
        long_side=max(rgb.shape[:2]),
        edges=int(region.sum()),
        motion_ratio=ratio,
        motion_angle=direction,
        structure=float(np.percentile(np.hypot(*coarse), 99.9)),
    )
