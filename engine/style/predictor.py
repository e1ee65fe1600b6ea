"""`StylePredictor`: develop settings in the user's style (``--style PROFILE``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.decode.types import DecodedPhoto
from engine.predictors.base import Prediction, Predictor
from engine.style.features import camera_of, photo_features
from engine.style.profile import TARGET_NAMES, StyleProfile
from engine.style.targets import settings_from_targets, targets_from_settings

__all__ = ["StylePredictor"]

_WB = {"IncrementalTemperature": "rendered.temperature_shift",
       "IncrementalTint": "rendered.tint_shift",
       "Temperature": "raw.temperature_shift", "Tint": "raw.tint_shift"}


def _describe(name: str, value: float) -> str:
    if name == "Exposure2012":
        verb = "brightened" if value >= 0 else "darkened"
        return f"which you {verb} by {abs(value):.2g} EV"
    if name in ("rendered.temperature_shift", "raw.temperature_shift"):
        return f"which you made {'warmer' if value >= 0 else 'cooler'} by {abs(value):.0f}"
    if name in ("rendered.tint_shift", "raw.tint_shift"):
        return f"which you moved {abs(value):.0f} towards {'magenta' if value >= 0 else 'green'}"
    return f"where you set {name} {value:+.0f}"


class StylePredictor:
    """Predict settings the way the profile's photographer edits (Predictor protocol).

    Args:
        profile: a profile directory (``learn-style --out``) or a loaded `StyleProfile`.
        base: the predictor whose settings the style is learned relative to
            (default: ``analytic``); sliders the profile never learned come from it.

    Raises:
        FileNotFoundError / ValueError: the profile is missing or unreadable, or has
            fewer than five examples.
    """

    name = "style"

    def __init__(self, profile: str | Path | StyleProfile, base: Predictor | None = None) -> None:
        if not isinstance(profile, StyleProfile):
            self.version = Path(profile).name
            profile = StyleProfile.load(profile)
        else:
            self.version = "in-memory"
        if base is None:
            from engine.predictors import get_predictor

            base = get_predictor("analytic")
        self.base = base
        self.profile = profile
        self.model = profile.model()

    def predict(self, photo: DecodedPhoto) -> Prediction:
        base = self.base.predict(photo)
        analytic = targets_from_settings(base.settings, photo.info)
        values, nearest = self.model.predict(
            photo_features(photo),
            np.array([analytic.get(t, 0.0) for t in TARGET_NAMES]),
            camera_of(photo),
        )
        settings = dict(base.settings)
        settings.update(settings_from_targets(values, photo.info))
        settings = {k: round(v, 2) if k == "Exposure2012" else float(round(v)) for k, v in
                    settings.items()}
        reasons = dict(base.reasons)
        for key in settings:
            target = _WB.get(key, key)
            if target in nearest:
                example, value = nearest[target]
                reasons[key] = f"your style: like your photo {example}, {_describe(target, value)}"
        n = len(self.profile.examples)
        return Prediction(settings, reasons, backend=f"style/{self.version} ({n} examples)")
