"""What every predictor takes and returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from engine.decode.types import DecodedPhoto

__all__ = ["Prediction", "Predictor"]


@dataclass
class Prediction:
    """Predicted global develop settings.

    Attributes:
        settings: Lightroom ``crs:`` name → absolute value in slider units, within range,
            with the white-balance flavour of the photo (raw: ``Temperature``/``Tint``;
            rendered: ``IncrementalTemperature``/``IncrementalTint``).
        reasons: Lightroom name → one sentence with the measurement behind the value.
        backend: ``name/version`` of the predictor that answered.
    """

    settings: dict[str, float] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    backend: str = ""


@runtime_checkable
class Predictor(Protocol):
    """A develop-settings predictor: ``predict(photo) -> Prediction``."""

    name: str
    version: str

    def predict(self, photo: DecodedPhoto) -> Prediction:
        """Settings for ``photo`` (its analysis thumbnail in linear light)."""
        ...
