"""`StylePredictor`: develop settings in the user's style (``--style PROFILE``).

It wraps a base predictor (the one the profile was learned relative to, ``analytic`` by
default): the base measures what the photo needs, the style model turns that and the
photo's features into the photographer's settings (`engine.style.model`).  Reasons name
the most similar edited photo — "like your photo X, which you brightened by 0.7 EV" —
or, for a photo unlike any example, say that the style's usual bias was applied.  A
profile with a fine-tuned FilterNet head (`engine.style.finetune`) answers with the head
for the sliders where it beat the few-shot model, and the reasons say which model did.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from engine.decode.types import DecodedPhoto
from engine.predictors.base import Prediction, Predictor
from engine.style.features import camera_of, photo_features
from engine.style.model import FAR
from engine.style.profile import TARGET_NAMES, StyleProfile
from engine.style.targets import settings_from_targets, targets_from_settings
from engine.typography import signed
from xmp.vocabulary import global_slider

if TYPE_CHECKING:
    from engine.style.finetune import Backbone

__all__ = ["StylePredictor"]

_TARGET_OF = {"IncrementalTemperature": "rendered.temperature_shift",
              "IncrementalTint": "rendered.tint_shift",
              "Temperature": "raw.temperature_shift", "Tint": "raw.tint_shift"}


def _describe(target: str, value: float) -> str:
    """What the photographer did to an example, in words."""
    if target == "Exposure2012":
        if abs(value) < 0.05:
            return "which you left at its exposure"
        verb = "brightened" if value > 0 else "darkened"
        return f"which you {verb} by {abs(value):.1f} EV"
    if target.endswith("temperature_shift"):
        return f"which you made {'warmer' if value >= 0 else 'cooler'} by {abs(value):.0f}"
    if target.endswith("tint_shift"):
        return f"which you moved {abs(value):.0f} towards {'magenta' if value >= 0 else 'green'}"
    return f"where you set {target.removesuffix('2012')} {signed(value)}"


def _round(name: str, value: float) -> float:
    slider = global_slider(name)
    value = slider.clamp(value)
    return round(value, slider.decimals) if slider.decimals else float(round(value))


def _head_backbone(profile: StyleProfile) -> Backbone | None:
    """The backbone the profile's head was fine-tuned on, or None (no head, or the
    shipped model changed since: the head would read features it never saw)."""
    if profile.head is None:
        return None
    from engine.style.finetune import Backbone

    try:
        backbone = Backbone()
    except (FileNotFoundError, ValueError) as exc:
        warnings.warn(f"style profile's FilterNet head needs its backbone: {exc}; using the "
                      "few-shot model only", stacklevel=3)
        return None
    if backbone.digest != profile.head.config.backbone_digest:
        warnings.warn(f"style profile's FilterNet head was fine-tuned on another "
                      f"{backbone.name} backbone: using the few-shot model only "
                      "(run learn-style again)", stacklevel=3)
        return None
    return backbone


class StylePredictor:
    """Predict settings the way the profile's photographer edits (Predictor protocol).

    Args:
        profile: a profile directory (``learn-style --out``) or a loaded `StyleProfile`.
        base: the base predictor; used when it is the one the profile was learned with,
            otherwise that one is loaded instead (with a warning), because the style
            model's inputs are that predictor's values.

    Raises:
        FileNotFoundError / ValueError: the profile is missing or unreadable, or has too
            few examples.
    """

    name = "style"

    def __init__(self, profile: str | Path | StyleProfile, base: Predictor | None = None) -> None:
        if isinstance(profile, StyleProfile):
            self.version = "in-memory"
        else:
            self.version = Path(profile).name
            profile = StyleProfile.load(profile)
        if base is None or base.name != profile.base:
            from engine.predictors import get_predictor

            if base is not None:
                warnings.warn(f"style profile was learned relative to {profile.base!r}, not "
                              f"{base.name!r}: using {profile.base!r}", stacklevel=2)
            base = get_predictor(profile.base)
        self.base = base
        self.profile = profile
        self.model = profile.model()
        self.backbone = _head_backbone(profile)

    def predict(self, photo: DecodedPhoto) -> Prediction:
        """Settings for ``photo`` in the profile's style, with reasons."""
        base = self.base.predict(photo)
        analytic = targets_from_settings(base.settings, photo.info)
        features, camera = photo_features(photo), camera_of(photo)
        values, nearest = self.model.predict(
            features, np.array([analytic.get(t, 0.0) for t in TARGET_NAMES]), camera)
        head: dict[str, float] = {}
        if self.backbone is not None and self.profile.head is not None:
            other = "rendered." if photo.info.is_raw else "raw."  # the other WB flavour
            head = {t: v for t, v in self.profile.head.predict(
                self.backbone.features([photo.linear]))[0].items() if not t.startswith(other)}
            from engine.style.finetune import merge

            values = merge(values, head, self.model)
        settings = dict(base.settings)
        settings.update(settings_from_targets(values, photo.info))
        settings = {k: _round(k, v) for k, v in settings.items()}
        far = self.model.distance_ratio(features, camera) > FAR
        reasons = dict(base.reasons)
        n = len(self.profile.examples)
        for key in settings:
            target = _TARGET_OF.get(key, key)
            if target in head:
                reasons[key] = (f"your style: the FilterNet head fine-tuned on your {n} "
                                "edited photos (it beat the few-shot model on this slider)")
            elif target not in nearest:
                continue
            elif far:
                reasons[key] = ("your style, kept close to the auto-adjust plus your usual "
                                "bias: none of your edited photos is much like this one")
            else:
                example, value = nearest[target]
                reasons[key] = f"your style: like your photo {example}, {_describe(target, value)}"
        which = f", FilterNet head for {len(head)} sliders" if head else ""
        return Prediction(settings, reasons, backend=f"style/{self.version} ({n} examples, "
                                                     f"{self.base.name}{which})")
