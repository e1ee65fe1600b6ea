"""Image quality metrics for restored photos: PSNR, SSIM, mean ΔE2000.

All take sRGB-encoded float arrays (H, W, 3) in 0..1 (what a viewer sees), compare a
``test`` image against a ``reference``, and return a float.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from engine.color._colour import colour

__all__ = ["delta_e_2000", "psnr", "ssim"]

Image = NDArray[np.floating]


def _check(reference: Image, test: Image) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    ref, tst = np.asarray(reference, np.float64), np.asarray(test, np.float64)
    if ref.shape != tst.shape or ref.ndim != 3 or ref.shape[-1] != 3:
        raise ValueError(f"images must both be (H, W, 3); got {ref.shape} and {tst.shape}")
    return np.clip(ref, 0, 1), np.clip(tst, 0, 1)


def psnr(reference: Image, test: Image) -> float:
    """Peak signal-to-noise ratio in dB (peak 1.0); ``inf`` for identical images."""
    ref, tst = _check(reference, test)
    mse = float(np.mean((ref - tst) ** 2))
    return float("inf") if mse == 0 else 10.0 * np.log10(1.0 / mse)


def ssim(reference: Image, test: Image, *, sigma: float = 1.5) -> float:
    """Structural similarity (Wang et al. 2004) on luma, Gaussian window σ = 1.5 px, 0..1."""
    ref, tst = _check(reference, test)
    weights = np.array([0.299, 0.587, 0.114])
    x, y = ref @ weights, tst @ weights
    c1, c2 = 0.01**2, 0.03**2
    mx, my = ndimage.gaussian_filter(x, sigma), ndimage.gaussian_filter(y, sigma)
    vx = ndimage.gaussian_filter(x * x, sigma) - mx * mx
    vy = ndimage.gaussian_filter(y * y, sigma) - my * my
    cxy = ndimage.gaussian_filter(x * y, sigma) - mx * my
    s = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    return float(np.mean(s))


def delta_e_2000(reference: Image, test: Image) -> float:
    """Mean CIEDE2000 colour difference (colour-science), sRGB D65 → CIELAB."""
    ref, tst = _check(reference, test)

    def lab(rgb: NDArray[np.float64]) -> NDArray[np.float64]:
        xyz = colour.sRGB_to_XYZ(rgb)
        return np.asarray(colour.XYZ_to_Lab(xyz))

    return float(np.mean(colour.delta_E(lab(ref), lab(tst), method="CIE 2000")))
