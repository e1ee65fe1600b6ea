"""Self-supervised degradations: the thesis's *moderate* regime in Lightroom sliders.

A good photo is degraded by rendering it with random develop settings; the model learns
the settings that restore it.  Moderate regime (thesis ch. 3): each slider gets a uniform
random value in ±`MODERATE_AMPLITUDES` times one per-photo strength ~ N(0.7, 0.3²)
(clipped at 0; values clamped into the slider's range), and white balance is shifted as
if the photo had been balanced for a light between 4000 and 10000 K (uniform in mired) —
for a D65 (6504 K) rendered file that is ``IncrementalTemperature`` −27..+48.
"""

from __future__ import annotations

import torch
from torch import Tensor

from engine.color.white_balance import MIRED_PER_UNIT, d65_cct_duv
from xmp.vocabulary import global_slider

__all__ = ["MODERATE_AMPLITUDES", "TEMPERATURE_RANGE_K", "sample_moderate"]

#: Half-width of the uniform draw per slider, before the strength factor (slider units).
MODERATE_AMPLITUDES: dict[str, float] = {
    "Exposure2012": 1.5,
    "Contrast2012": 60.0,
    "Highlights2012": 60.0,
    "Shadows2012": 60.0,
    "Whites2012": 50.0,
    "Blacks2012": 50.0,
    "IncrementalTint": 25.0,
    "Vibrance": 60.0,
}
#: Lights the degraded white balance corresponds to, K.
TEMPERATURE_RANGE_K = (4000.0, 10000.0)
STRENGTH_MEAN, STRENGTH_STD = 0.7, 0.3


def sample_moderate(batch: int, generator: torch.Generator | None = None) -> dict[str, Tensor]:
    """Random degradation settings for ``batch`` photos.

    Returns:
        ``{crs name: (batch,) float32}`` with every key of `MODERATE_AMPLITUDES` plus
        ``IncrementalTemperature``; all values inside their slider ranges.
    """
    g = generator
    strength = (STRENGTH_MEAN + STRENGTH_STD * torch.randn(batch, generator=g)).clamp_min(0.0)
    out = {
        name: (2 * torch.rand(batch, generator=g) - 1) * amp * strength
        for name, amp in MODERATE_AMPLITUDES.items()
    }
    lo, hi = (1e6 / k for k in reversed(TEMPERATURE_RANGE_K))  # mired, cold → warm light
    mired = lo + (hi - lo) * torch.rand(batch, generator=g)
    # A picture balanced for a warm light looks cold: the degraded setting is the shift
    # that re-balances D65 content for that light.
    out["IncrementalTemperature"] = (mired - 1e6 / d65_cct_duv()[0]) / MIRED_PER_UNIT
    ranges = {k: global_slider(k) for k in out}
    return {k: v.clamp(ranges[k].minimum, ranges[k].maximum).float() for k, v in out.items()}
