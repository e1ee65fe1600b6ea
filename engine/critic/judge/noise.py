"""Noise: grain in luminance and colour, and whether the shadows carry more of it.

Judged from `engine.critic.noise`'s per-channel sigma; answered in words only, with
the host's noise-reduction values: the develop vocabulary has no noise reduction.
"""

from __future__ import annotations

import math

from atelier.v1 import engine_pb2 as pb
from engine.critic import scoring
from engine.critic.judge.finding import Finding
from engine.critic.noise import NoiseMeasurement

__all__ = ["judge_noise"]


def judge_noise(m: NoiseMeasurement) -> tuple[str, list[Finding]]:
    """The noise paragraph and finding (a words-only suggestion)."""
    luma = scoring.ramp(m.sigma_luma, 2.5, 6.0, 50.0)
    chroma = scoring.ramp(m.sigma_chroma, 1.5, 6.0, 40.0)
    r, g, b = m.sigma_rgb
    facts = (f"σ {m.sigma_luma:.1f} levels in luminance and {m.sigma_chroma:.1f} in colour "
             f"(R {r:.1f}, G {g:.1f}, B {b:.1f}, of 255)")
    shadows = ""
    if not math.isnan(m.sigma_shadows) and m.sigma_shadows > 1.3 * m.sigma_luma:
        shadows = f", worst in the shadows ({m.sigma_shadows:.1f})"
    penalty = luma + chroma
    if penalty <= 0:
        return f"Noise: clean — {facts}.", []
    if scoring.severity_of(penalty) == 0:
        return f"Noise: a fine grain, not distracting — {facts}{shadows}.", []
    kind = "colour (blotchy)" if chroma > luma else "luminance (grainy)"
    desc = f"visible {kind} noise: {facts}{shadows}"
    # No slider of the develop vocabulary removes noise: negative Texture flattens real
    # detail faster than grain (PSNR −1.3 dB at −40 on the corpus), so the answer is
    # the host's noise reduction, named in words only.
    luminance_nr = round(min(60.0, 10.0 + 5.0 * m.sigma_luma))
    colour_nr = round(min(60.0, 15.0 + 5.0 * m.sigma_chroma))
    text = (f"Reduce the noise in the host: Luminance noise reduction ≈ {luminance_nr:.0f}, "
            f"Color ≈ {colour_nr:.0f} (Atelier's develop settings have no noise reduction)")
    return (f"Noise: {kind} noise is visible — {facts}{shadows}.",
            [Finding("noise", penalty, desc, pb.Suggestion(text=text, attribute="noise"))])
