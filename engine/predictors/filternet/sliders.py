"""FilterNet outputs ↔ Lightroom develop sliders.

FilterNet predicts one value in (−1, 1) per output; each maps linearly onto a *training
range* of a Lightroom PV2012 slider (a documented sub-range of the slider's full range in
`xmp.vocabulary`, so the network's resolution is spent where photos need it).

White balance is predicted as a *relative* shift in both cases — the network sees only
pixels, never the camera's Kelvin:

- rendered photos: the two WB outputs are ``IncrementalTemperature`` / ``IncrementalTint``
  directly (−100..100);
- raw photos: the same relative shift is applied to the photo's as-shot white
  (`engine.color.white_balance.incremental_from_shift` with the as-shot CCT/Duv as
  reference) and written as absolute ``Temperature`` (K) / ``Tint``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from xmp.vocabulary import global_slider

__all__ = [
    "OUTPUT_SLIDERS",
    "TRAINING_RANGES",
    "OutputSlider",
    "outputs_to_settings",
    "settings_to_outputs",
    "to_raw_white_balance",
]


@dataclass(frozen=True)
class OutputSlider:
    """One FilterNet output: a Lightroom slider and the range (−1, 1) maps onto.

    Attributes:
        name: Lightroom ``crs:`` name (rendered flavour for white balance).
        low: slider value at output −1, in the slider's unit.
        high: slider value at output +1.
    """

    name: str
    low: float
    high: float

    def __post_init__(self) -> None:
        slider = global_slider(self.name)
        slider.check(self.low)
        slider.check(self.high)

    def to_slider(self, y: float) -> float:
        """Network output in (−1, 1) → slider value."""
        return self.low + (float(y) + 1.0) * 0.5 * (self.high - self.low)

    def to_output(self, value: float) -> float:
        """Slider value → network output, clipped to [−1, 1]."""
        y = 2.0 * (float(value) - self.low) / (self.high - self.low) - 1.0
        return min(max(y, -1.0), 1.0)


#: Output order of every FilterNet head.  Exposure is trained on ±3 EV of the ±5 EV slider
#: (degradations beyond that are not recoverable from an 8-bit thumbnail anyway).
OUTPUT_SLIDERS: tuple[OutputSlider, ...] = (
    OutputSlider("Exposure2012", -3.0, 3.0),
    OutputSlider("Contrast2012", -100.0, 100.0),
    OutputSlider("Highlights2012", -100.0, 100.0),
    OutputSlider("Shadows2012", -100.0, 100.0),
    OutputSlider("Whites2012", -100.0, 100.0),
    OutputSlider("Blacks2012", -100.0, 100.0),
    OutputSlider("IncrementalTemperature", -100.0, 100.0),
    OutputSlider("IncrementalTint", -100.0, 100.0),
    OutputSlider("Vibrance", -100.0, 100.0),
)

#: ``{name: (low, high)}`` view of `OUTPUT_SLIDERS`.
TRAINING_RANGES: dict[str, tuple[float, float]] = {s.name: (s.low, s.high) for s in OUTPUT_SLIDERS}


def outputs_to_settings(
    y: Sequence[float] | NDArray[np.floating], sliders: Sequence[OutputSlider] = OUTPUT_SLIDERS
) -> dict[str, float]:
    """One photo's outputs (N,) in (−1, 1) → ``{crs name: value}`` (rendered WB keys)."""
    values = np.asarray(y, dtype=np.float64).reshape(-1)
    if values.shape[0] != len(sliders):
        raise ValueError(f"expected {len(sliders)} outputs, got {values.shape[0]}")
    return {s.name: s.to_slider(v) for s, v in zip(sliders, values, strict=True)}


def settings_to_outputs(
    settings: Mapping[str, float], sliders: Sequence[OutputSlider] = OUTPUT_SLIDERS
) -> NDArray[np.float32]:
    """``{crs name: value}`` → outputs (N,) in [−1, 1]; missing sliders map to 0 (no edit)."""
    return np.asarray([s.to_output(settings.get(s.name, 0.0)) for s in sliders], np.float32)


def to_raw_white_balance(
    settings: Mapping[str, float], as_shot_temperature: float, as_shot_tint: float
) -> dict[str, float]:
    """Replace the incremental WB of ``settings`` by absolute raw ``Temperature``/``Tint``.

    Args:
        settings: Lightroom-keyed values with ``IncrementalTemperature``/``IncrementalTint``.
        as_shot_temperature: the raw file's as-shot white, K.
        as_shot_tint: its as-shot tint, Lightroom tint units.

    Returns:
        A new dict with ``Temperature`` (K, clamped 2000..50000) and ``Tint`` (−150..150).
    """
    from engine.color.white_balance import duv_to_tint, incremental_from_shift, tint_to_duv

    out = dict(settings)
    inc_t = out.pop("IncrementalTemperature", 0.0)
    inc_tint = out.pop("IncrementalTint", 0.0)
    cct, duv = incremental_from_shift(
        inc_t, inc_tint, reference=(as_shot_temperature, tint_to_duv(as_shot_tint))
    )
    out["Temperature"] = global_slider("Temperature").clamp(cct)
    out["Tint"] = global_slider("Tint").clamp(duv_to_tint(duv))
    return out
