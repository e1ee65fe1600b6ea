"""The classical (weight-free) Artist backend: restoration that sliders cannot do.

Operations, each a pure function on sRGB-encoded tensors (3, H, W) in 0..1:

- ``denoise``: à trous wavelet soft-thresholding, σ estimated from the photo;
- ``sharpen``: Richardson–Lucy deconvolution with a spectrum-estimated Gaussian PSF;
- ``lowlight``: brighten in linear light (exposure to a key), then denoise the noise the
  gain revealed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

from engine.artist.classical.denoise import denoise
from engine.artist.classical.sharpen import sharpen
from engine.typography import signed

__all__ = ["OPERATIONS", "Restoration", "lowlight", "restore"]


@dataclass(frozen=True)
class Restoration:
    """What one operation did: its name and a sentence with the measured numbers."""

    operation: str
    detail: str


def _srgb_to_linear(x: torch.Tensor) -> torch.Tensor:
    return torch.where(x <= 0.04045, x / 12.92, ((x.clamp_min(0.04045) + 0.055) / 1.055) ** 2.4)


def _linear_to_srgb(x: torch.Tensor) -> torch.Tensor:
    return torch.where(
        x <= 0.0031308, x * 12.92, 1.055 * x.clamp_min(0.0031308) ** (1 / 2.4) - 0.055
    )


def lowlight(encoded: torch.Tensor, *, key: float = 0.16, max_ev: float = 3.0) -> tuple[
    torch.Tensor, float
]:
    """Brighten a dark sRGB-encoded (3, H, W) image toward a median luminance ``key``.

    Returns:
        (brightened image, the gain in EV applied, 0..``max_ev``).
    """
    lin = _srgb_to_linear(encoded)
    luma = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    median = float(luma.median().clamp_min(1e-5))
    ev = min(max_ev, max(0.0, math.log2(key / median)))
    gain = 2.0**ev
    # Reinhard-style shoulder so brightened highlights roll off instead of clipping.
    boosted = lin * gain
    shoulder = boosted / (1 + boosted / 4.0) * 1.25
    return _linear_to_srgb(shoulder.clamp(0, 1)), ev


def _denoise(x: torch.Tensor, strength: float) -> tuple[torch.Tensor, str]:
    out, sigma = denoise(x, strength=strength)
    return out, f"noise σ {sigma * 255:.1f}/255 estimated; wavelet thresholds ×{strength:g}"


def _sharpen(x: torch.Tensor, strength: float) -> tuple[torch.Tensor, str]:
    out, sigma = sharpen(x, iterations=max(1, round(15 * strength)))
    if sigma < 0.5:
        return out, f"blur σ {sigma:.2f} px estimated: already sharp, left as it was"
    return out, f"blur σ {sigma:.2f} px estimated; Richardson–Lucy deconvolution"


def _lowlight(x: torch.Tensor, strength: float) -> tuple[torch.Tensor, str]:
    bright, ev = lowlight(x)
    out, sigma = denoise(bright, strength=strength)
    return out, f"brightened {signed(ev, ' EV', 2)}, then denoised (σ {sigma * 255:.1f}/255)"


#: name → fn(encoded (3, H, W), strength 0..3) → (image, detail).
OPERATIONS: dict[str, Callable[[torch.Tensor, float], tuple[torch.Tensor, str]]] = {
    "denoise": _denoise,
    "sharpen": _sharpen,
    "lowlight": _lowlight,
}


def restore(
    encoded: torch.Tensor, operations: Sequence[str], *, strength: float = 1.0
) -> tuple[torch.Tensor, list[Restoration]]:
    """Apply ``operations`` in order to an sRGB-encoded (3, H, W) image.

    Raises:
        ValueError: an unknown operation (the message lists the known ones).
    """
    unknown = [op for op in operations if op not in OPERATIONS]
    if unknown:
        raise ValueError(f"unknown operations {unknown}; known: {', '.join(OPERATIONS)}")
    done = []
    with torch.no_grad():
        for op in operations:
            encoded, detail = OPERATIONS[op](encoded, strength)
            done.append(Restoration(op, detail))
    return encoded, done
