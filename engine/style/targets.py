"""What the style model learns: absolute slider values, white balance kept per flavour.

Tone and colour sliders are learned as the absolute values the photographer set.  White
balance is learned as a *shift* in incremental units, separately for each flavour,
because the two are different quantities:

- rendered photos: ``IncrementalTemperature`` / ``IncrementalTint`` as set;
- raw photos: the shift of ``Temperature`` / ``Tint`` from the camera's as-shot white,
  ``(10⁶/as-shot K − 10⁶/Temperature) / MIRED_PER_UNIT`` and ``Tint − as-shot tint``,
  turned back into absolute Kelvin for a new raw with its own as-shot white.

A rendered example never teaches raw white balance and vice versa.
"""

from __future__ import annotations

from collections.abc import Mapping

from engine.color.white_balance import MIRED_PER_UNIT
from engine.decode.types import PhotoInfo
from xmp.vocabulary import global_slider

__all__ = [
    "RAW_WB_TARGETS",
    "RENDERED_WB_TARGETS",
    "TARGET_SCALES",
    "TONE_TARGETS",
    "settings_from_targets",
    "targets_from_settings",
]

#: Sliders learned as absolute values for every photo.
TONE_TARGETS: tuple[str, ...] = (
    "Exposure2012", "Contrast2012", "Highlights2012", "Shadows2012", "Whites2012",
    "Blacks2012", "Texture", "Clarity2012", "Dehaze", "Vibrance", "Saturation",
)
RENDERED_WB_TARGETS = ("rendered.temperature_shift", "rendered.tint_shift")
RAW_WB_TARGETS = ("raw.temperature_shift", "raw.tint_shift")

#: Typical spread of each target across photos, in its units (EV, slider units,
#: incremental white-balance units).
TARGET_SCALES: dict[str, float] = {
    **{name: 20.0 for name in TONE_TARGETS}, "Exposure2012": 1.0,
    **{name: 15.0 for name in (*RENDERED_WB_TARGETS, *RAW_WB_TARGETS)},
}

_D65 = (6504.0, 10.0)  # as-shot white assumed when a raw file does not say


def _as_shot(info: PhotoInfo) -> tuple[float, float]:
    return (info.as_shot_temperature or _D65[0],
            info.as_shot_tint if info.as_shot_tint is not None else _D65[1])


def targets_from_settings(settings: Mapping[str, float], info: PhotoInfo) -> dict[str, float]:
    """An edited photo's Lightroom settings → learning targets.

    Tone sliders missing from ``settings`` are 0 (Lightroom's default); white balance
    missing means "as shot" (shift 0).
    """
    out = {name: float(settings.get(name, 0.0)) for name in TONE_TARGETS}
    if info.is_raw:
        k0, t0 = _as_shot(info)
        kelvin = float(settings.get("Temperature", k0))
        out[RAW_WB_TARGETS[0]] = (1e6 / k0 - 1e6 / kelvin) / MIRED_PER_UNIT
        out[RAW_WB_TARGETS[1]] = float(settings.get("Tint", t0)) - t0
    else:
        out[RENDERED_WB_TARGETS[0]] = float(settings.get("IncrementalTemperature", 0.0))
        out[RENDERED_WB_TARGETS[1]] = float(settings.get("IncrementalTint", 0.0))
    return out


def settings_from_targets(targets: Mapping[str, float], info: PhotoInfo) -> dict[str, float]:
    """Predicted targets → Lightroom settings for a photo, clamped into slider ranges."""
    out = {k: global_slider(k).clamp(v) for k, v in targets.items() if k in TONE_TARGETS}
    if info.is_raw and RAW_WB_TARGETS[0] in targets:
        k0, t0 = _as_shot(info)
        mired = 1e6 / k0 - MIRED_PER_UNIT * targets[RAW_WB_TARGETS[0]]
        out["Temperature"] = global_slider("Temperature").clamp(1e6 / max(mired, 20.0))
        out["Tint"] = global_slider("Tint").clamp(t0 + targets.get(RAW_WB_TARGETS[1], 0.0))
    elif not info.is_raw and RENDERED_WB_TARGETS[0] in targets:
        out["IncrementalTemperature"] = global_slider("IncrementalTemperature").clamp(
            targets[RENDERED_WB_TARGETS[0]])
        out["IncrementalTint"] = global_slider("IncrementalTint").clamp(
            targets.get(RENDERED_WB_TARGETS[1], 0.0))
    return out
