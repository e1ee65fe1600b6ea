"""The classical Artist: develop, then restore with weight-free operations, at full size.

Stages (each reports progress, each checks for cancellation):

1. **develop** the photo with the job's settings (`engine.artist.base.develop`);
2. the planned operations, in `engine.artist.plan.ORDER`:

   - ``lowlight``: brighten in linear light toward a key (whole frame: the gain comes
     from the frame's median), then denoise what the gain revealed;
   - ``dehaze``: the dark-channel prior with a near-neutral airlight (`engine.artist.haze`);
   - ``denoise``: à trous BayesShrink on sRGB-encoded YCbCr, σ estimated once on the
     whole frame, applied in strips with 64 px of context (the transform's support);
   - ``sharpen``: Richardson–Lucy with a Gaussian PSF whose σ is estimated once on a
     central crop, applied in strips with context beyond the iterations' reach.

Plan strengths (0..1, 0.5 = as calibrated) map onto each operation's own units:
`threshold_multiplier` (from the noise σ measured here, at the working size),
`rl_iterations`, the lowlight key, `engine.artist.haze.dehaze_amount` (ω).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import Tensor

from engine.artist.base import (
    Cancelled,
    Generated,
    GenerationCancelled,
    Job,
    Progress,
    develop,
    map_strips,
    srgb_decode,
    srgb_encode,
)
from engine.artist.classical.denoise import denoise, estimate_noise_sigma
from engine.artist.classical.sharpen import estimate_blur_sigma, gaussian_kernel, sharpen
from engine.artist.haze import dehaze, dehaze_amount
from engine.artist.plan import Operation
from engine.typography import signed

__all__ = ["VERSION", "ClassicalArtist", "apply_operation", "rl_iterations",
           "threshold_multiplier"]

VERSION = "1"
#: Context rows the à trous transform (5 scales, 2·(1+2+4+8+16) px) and the 7×7
#: BayesShrink window need around a strip.
_DENOISE_MARGIN = 72
#: Central crop the blur σ is estimated on, px (the spectrum slope needs no more).
_BLUR_CROP = 1024
_LUMA_601 = (0.299, 0.587, 0.114)


def _luma(encoded: Tensor) -> Tensor:
    w = torch.tensor(_LUMA_601, dtype=encoded.dtype, device=encoded.device)
    return torch.einsum("c,chw->hw", w, encoded)


def threshold_multiplier(sigma_levels: float, strength: float = 0.5) -> float:
    """BayesShrink threshold multiplier for noise σ (8-bit levels) at plan strength 0..1.

    Calibrated on 6 shared Kodak photos at 384 px with Gaussian noise of σ 5 / 10 / 18
    levels: the PSNR-best multipliers were 1.0 / 1.45 / 1.7, fitted by 0.55 + 0.085 σ
    (clipped to 0.8..1.8); strength scales it by 0.5 + s (×1 at the default 0.5).
    """
    base = min(1.8, max(0.8, 0.55 + 0.085 * sigma_levels))
    return min(3.0, base * (0.5 + min(1.0, max(0.0, strength))))


def rl_iterations(strength: float) -> int:
    """Richardson–Lucy iterations 10 + 20 s (20 at the default 0.5: on the same photos
    blurred by σ 1 / 1.5 / 2.5 px, PSNR still rose from 15 to 20 iterations)."""
    return round(10 + 20 * min(1.0, max(0.0, strength)))


def _denoise(encoded: Tensor, strength: float, cancelled: Cancelled,
             on_strip: Callable[[float], None]) -> tuple[Tensor, str]:
    sigma = estimate_noise_sigma(_luma(encoded)[None, None])
    multiplier = threshold_multiplier(sigma * 255, strength)
    out = map_strips(
        encoded, lambda s: denoise(s, strength=multiplier, sigma=sigma)[0],
        margin=_DENOISE_MARGIN, cancelled=cancelled, on_strip=on_strip)
    return out, (f"denoised: noise σ {sigma * 255:.1f}/255 (luma) measured at full size, "
                 f"wavelet thresholds ×{multiplier:.2f}")


def _sharpen(encoded: Tensor, iterations: int, cancelled: Cancelled,
             on_strip: Callable[[float], None]) -> tuple[Tensor, str]:
    _, h, w = encoded.shape
    ch, cw = min(h, _BLUR_CROP), min(w, _BLUR_CROP)
    y0, x0 = (h - ch) // 2, (w - cw) // 2
    sigma = estimate_blur_sigma(_luma(encoded[:, y0:y0 + ch, x0:x0 + cw]))
    if sigma < 0.5:
        on_strip(1.0)
        return encoded, f"sharpen: blur σ {sigma:.2f} px measured — already sharp, left as it was"
    radius = gaussian_kernel(sigma).shape[-1] // 2
    # Each RL iteration reaches 2 radii further; the damping makes far ripples negligible.
    margin = min(2 * radius * iterations, 8 * radius + 32)
    out = map_strips(
        encoded, lambda s: sharpen(s, sigma=sigma, iterations=iterations)[0],
        margin=margin, cancelled=cancelled, on_strip=on_strip)
    return out, (f"sharpened: blur σ {sigma:.2f} px measured, Richardson–Lucy deconvolution "
                 f"({iterations} iterations)")


def _lowlight(encoded: Tensor, s: float, cancelled: Cancelled,
              on_strip: Callable[[float], None]) -> tuple[Tensor, str]:
    from engine.artist.classical import lowlight

    # Median linear luminance toward 0.10..0.16 (0.13 at s 0.5: the analytic predictor's
    # normal key), at most 1..4 EV of gain (2.5 at s 0.5).
    bright, ev = lowlight(encoded, key=0.10 + 0.06 * s, max_ev=1.0 + 3.0 * s)
    if ev < 0.05:
        # Bright enough already: no gain, so no revealed noise, and `lowlight`'s highlight
        # shoulder alone would only change the tones.
        on_strip(1.0)
        return encoded, "low light: the mid-tones already sit at the key, left as they were"
    if cancelled():
        raise GenerationCancelled
    out, detail = _denoise(bright, s, cancelled, on_strip)
    return out, f"brightened {signed(ev, ' EV', 2)} in linear light, then {detail}"


def apply_operation(
    encoded: Tensor, op: Operation, *, cancelled: Cancelled = lambda: False,
    on_strip: Callable[[float], None] = lambda f: None,
) -> tuple[Tensor, str]:
    """Apply one planned operation to an sRGB-encoded (3, H, W) image.

    Returns:
        (the result, sRGB-encoded 0..1; a sentence saying what was done with numbers).

    Raises:
        ValueError: an unknown operation.
        GenerationCancelled: ``cancelled()`` turned True.
    """
    with torch.no_grad():
        if op.name == "denoise":
            return _denoise(encoded, op.strength, cancelled, on_strip)
        if op.name == "sharpen":
            return _sharpen(encoded, rl_iterations(op.strength), cancelled, on_strip)
        if op.name == "lowlight":
            return _lowlight(encoded, op.strength, cancelled, on_strip)
        if op.name != "dehaze":
            raise ValueError(f"unknown operation {op.name!r}")
        # dehaze works in linear light, on the whole frame (its context is global)
        omega = dehaze_amount(op.strength)
        out = srgb_encode(dehaze(srgb_decode(encoded), omega))
        on_strip(1.0)
        return out, f"dehazed: dark-channel prior removing {omega:.0%} of the veil"


class ClassicalArtist:
    """Weight-free restoration: ``generate(job, progress, cancelled) -> Generated``."""

    name = "classical"
    version = VERSION
    #: Operations this backend can do.
    operations = ("lowlight", "dehaze", "denoise", "sharpen")

    def generate(
        self, job: Job, progress: Progress = lambda s, f, m: None,
        cancelled: Cancelled = lambda: False,
    ) -> Generated:
        """Develop ``job.photo`` and apply ``job.plan``.

        Progress fractions: develop 0..0.2, the operations share 0.2..1.

        Raises:
            GenerationCancelled: ``cancelled()`` turned True between stages or strips.
            ValueError: an operation this backend does not know.
        """
        unknown = [n for n in job.plan.names if n not in self.operations]
        if unknown:
            raise ValueError(f"the classical Artist cannot {', '.join(unknown)}; it knows "
                             f"{', '.join(self.operations)}")
        h, w = job.photo.linear.shape[:2]
        progress("develop", 0.0, f"developing {w}×{h} px with {len(job.settings)} settings")
        if cancelled():
            raise GenerationCancelled
        encoded = srgb_encode(develop(job.photo, job.settings))
        details = []
        n = max(1, len(job.plan.operations))
        for i, op in enumerate(job.plan.operations):
            if cancelled():
                raise GenerationCancelled
            start, span = 0.2 + 0.8 * i / n, 0.8 / n
            progress(op.name, start, f"{op.name} (strength {op.strength:.2f}): {op.reason}")

            def tick(f: float, name: str = op.name, start: float = start,
                     span: float = span) -> None:
                progress(name, start + span * f, f"{name}: {math.floor(100 * f)} %")

            encoded, detail = apply_operation(encoded, op, cancelled=cancelled, on_strip=tick)
            details.append(detail)
        return Generated(
            linear=srgb_decode(encoded), operations=job.plan.names,
            description="; ".join(details) + "." if details else "",
            backend=f"{self.name}/{self.version}",
        )
