"""Halos: the step a local adjustment leaves along the soft edge of its mask.

A masked exposure multiplies the pixels under a soft mask m (0..1) by 2^(ev·m), so it
adds ev·m to log2 luminance: a smooth step that follows the mask's edge, not the picture's
(the glow around a subject brightened through a feathered mask, the dark rim a darkened
sky leaves around heads).  Where the picture itself has no edge there, the gradient of
log2 luminance is the step's, ev·∇m, plus whatever shading the scene has; the least-squares
fit of the one on the other over those pixels estimates the step in EV:

    step = Σ ∇log2Y · ∇m / Σ |∇m|²   over pixels with |∇m| ≥ `MIN_MASK_GRADIENT`
                                      and |∇log2Y| < `EDGE_GRADIENT` over 3 × 3 px

Real edges of the region (a skyline, a face against a wall) are steeper than
`EDGE_GRADIENT` and left out with a pixel's margin; what remains on a photo nobody masked
is shading: on the shared corpus' 36 originals, −0.18..+0.22 EV along the weight-free
subject mask and −0.01..+0.28 along the sky mask.  The masks are found on the photo as it
is (`engine.masks`), so a halo is measured where the detectors find the region again; an
edit that moves the region out of their sight goes unmeasured.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from engine.critic._image import Linear, luminance, mask_place

__all__ = [
    "EDGE_GRADIENT",
    "MIN_BAND_SHARE",
    "MIN_MASK_GRADIENT",
    "HaloMeasurement",
    "edge_step",
    "measure_halo",
]

#: Gradient of log2 luminance, EV per pixel (σ = 1 px smoothed), from which a pixel is on
#: an edge of the picture and left out of the fit.  A 1.5 EV step through the subject
#: mask's feather (σ = 4 px at 512 px) peaks at about 0.15.
EDGE_GRADIENT = 0.15
#: Gradient of the soft mask, per pixel, below which a pixel is not on the mask's edge.
MIN_MASK_GRADIENT = 0.01
#: Share of the frame the fit needs (edge pixels left out) to measure a step at all.
MIN_BAND_SHARE = 0.002


@dataclass(frozen=True)
class HaloMeasurement:
    """Steps along the weight-free masks' edges (`edge_step`).

    Attributes:
        sky_step: EV, > 0 lighter inside the sky mask; None when no sky is found or its
            edge is all picture edges.
        subject_step: the same along the subject mask.
        sky_where: where the sky mask sits ("" if none), e.g. "top centre".
        subject_where: where the subject mask sits ("" if none).
    """

    sky_step: float | None
    subject_step: float | None
    sky_where: str = ""
    subject_where: str = ""


def edge_step(rgb: Linear, mask: NDArray[np.floating]) -> float | None:
    """The step of log2 luminance across ``mask``'s soft edge where the picture has no
    edge of its own, EV (> 0: lighter inside the mask).

    Args:
        rgb: (H, W, 3) linear sRGB, ≥ 0.
        mask: (H, W) soft mask, 0..1.

    Returns:
        the least-squares step (module docstring), or None when fewer than
        `MIN_BAND_SHARE` of the pixels are on the mask's edge and off the picture's.
    """
    if mask.shape != rgb.shape[:2]:
        raise ValueError(f"mask is {mask.shape}, the pixels {rgb.shape[:2]}")
    # 1e-3 keeps the log finite in black areas without letting their noise dominate.
    log_y = ndimage.gaussian_filter(np.log2(luminance(rgb).astype(np.float64) + 1e-3), 1.0)
    gy, gx = (np.asarray(g) for g in np.gradient(log_y))
    my, mx = (np.asarray(g) for g in np.gradient(np.asarray(mask, dtype=np.float64)))
    mask_gradient = mx * mx + my * my
    along = gx * mx + gy * my
    # An edge's own flanks (its smoothed gradient falls below the limit a pixel or two out)
    # would read as a step: the band keeps a pixel's width off every edge.
    off_edges = ndimage.maximum_filter(np.hypot(gx, gy), 3) < EDGE_GRADIENT
    band = (mask_gradient >= MIN_MASK_GRADIENT**2) & off_edges
    if band.mean() < MIN_BAND_SHARE:
        return None
    return float(along[band].sum() / mask_gradient[band].sum())


def measure_halo(
    rgb: Linear, sky: NDArray[np.floating] | None, subject: NDArray[np.floating] | None
) -> HaloMeasurement:
    """Measure the steps along the ``sky`` and ``subject`` soft masks ((H, W) 0..1, or
    None when the detector found no such region) of validated linear sRGB pixels."""

    def step(mask: NDArray[np.floating] | None) -> float | None:
        return None if mask is None else edge_step(rgb, mask)

    def where(mask: NDArray[np.floating] | None) -> str:
        return "" if mask is None else mask_place(np.asarray(mask) > 0.5)

    return HaloMeasurement(step(sky), step(subject), where(sky), where(subject))
