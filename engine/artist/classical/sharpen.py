"""Deblurring: Gaussian PSF estimated from the spectrum, Richardson–Lucy deconvolution.

PSF estimate: natural images have a power spectrum P(f) ∝ f⁻² (Field 1987); a Gaussian
blur of σ px multiplies it by exp(−4π²σ²f²).  A straight-line fit of log(P·f²) against
f² over mid frequencies (below the noise floor) gives σ² = −slope / 4π².
Deconvolution: Richardson–Lucy (1972/1974) on luma, `iterations` steps, with the update
damped where the ratio is close to 1 to keep noise from being amplified.
"""

from __future__ import annotations

import itertools
import math

import torch
import torch.nn.functional as F  # noqa: N812

__all__ = ["estimate_blur_sigma", "gaussian_kernel", "richardson_lucy", "sharpen"]

_LUMA = torch.tensor([0.299, 0.587, 0.114])


def gaussian_kernel(sigma: float) -> torch.Tensor:
    """Normalised (1, 1, K, K) Gaussian PSF, K = 2⌈3σ⌉ + 1."""
    radius = max(1, math.ceil(3 * sigma))
    t = torch.arange(-radius, radius + 1, dtype=torch.float32)
    g = torch.exp(-0.5 * (t / max(sigma, 1e-3)) ** 2)
    k = torch.outer(g, g)
    return (k / k.sum()).view(1, 1, *k.shape)


def estimate_blur_sigma(luma: torch.Tensor) -> float:
    """Gaussian blur σ in px (0..4) of a luma image (H, W), sRGB-encoded 0..1."""
    y = luma - luma.mean()
    h, w = y.shape
    win = torch.outer(torch.hann_window(h, periodic=False), torch.hann_window(w, periodic=False))
    power = torch.fft.fftshift(torch.abs(torch.fft.fft2(y * win)) ** 2)
    fy = torch.fft.fftshift(torch.fft.fftfreq(h))[:, None]
    fx = torch.fft.fftshift(torch.fft.fftfreq(w))[None, :]
    f = torch.sqrt(fy**2 + fx**2)
    bins = torch.linspace(0.04, 0.3, 14)
    f2, logp = [], []
    for lo, hi in itertools.pairwise(bins):
        ring = (f >= lo) & (f < hi)
        if ring.any():
            fc = float((lo + hi) / 2)
            f2.append(fc**2)
            logp.append(math.log(float(power[ring].mean()) * fc**2 + 1e-20))
    if len(f2) < 4:
        return 0.0
    a = torch.tensor(f2, dtype=torch.float64)
    b = torch.tensor(logp, dtype=torch.float64)
    slope = float(((a - a.mean()) * (b - b.mean())).sum() / ((a - a.mean()) ** 2).sum())
    return float(min(4.0, max(0.0, math.sqrt(max(0.0, -slope)) / (2 * math.pi))))


def richardson_lucy(image: torch.Tensor, psf: torch.Tensor, iterations: int = 15) -> torch.Tensor:
    """Richardson–Lucy deconvolution of (N, 1, H, W) images ≥ 0 with a (1, 1, K, K) PSF."""
    pad = psf.shape[-1] // 2
    flipped = torch.flip(psf, dims=(-2, -1))
    estimate = image.clone()
    for _ in range(iterations):
        blurred = F.conv2d(F.pad(estimate, (pad,) * 4, mode="replicate"), psf)
        ratio = image / blurred.clamp_min(1e-4)
        ratio = 1 + 0.8 * (ratio - 1)  # damping keeps noise in check
        estimate = estimate * F.conv2d(F.pad(ratio, (pad,) * 4, mode="replicate"), flipped)
    return estimate.clamp(0, 1)


def sharpen(
    encoded: torch.Tensor, *, sigma: float | None = None, iterations: int = 15
) -> tuple[torch.Tensor, float]:
    """Deblur an sRGB-encoded (3, H, W) image by deconvolving its luma.

    Returns:
        (sharpened image, the PSF σ in px used; 0 means the photo was left as it was).
    """
    luma = torch.einsum("c,chw->hw", _LUMA.to(encoded), encoded)
    s = estimate_blur_sigma(luma) if sigma is None else sigma
    if s < 0.5:
        return encoded, s
    restored = richardson_lucy(luma[None, None], gaussian_kernel(s).to(encoded), iterations)[0, 0]
    ratio = restored / luma.clamp_min(1e-4)
    # Apply the luma change to each channel additively in dark areas, multiplicatively in light.
    out = torch.where(luma > 0.05, encoded * ratio, encoded + (restored - luma))
    return out.clamp(0, 1), s
