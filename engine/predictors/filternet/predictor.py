"""`FilterNetPredictor`: the ``filternet`` predictor (one forward pass per photo, batched)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import torch

from engine.decode.types import DecodedPhoto
from engine.predictors.base import Prediction
from engine.predictors.filternet.model import FilterNet
from engine.predictors.filternet.preprocess import thumbnail, to_model_input
from engine.predictors.filternet.sliders import outputs_to_settings, to_raw_white_balance
from engine.predictors.monochrome import keep_monochrome_colour
from engine.typography import signed

__all__ = ["DEFAULT_MODEL_NAME", "FilterNetPredictor", "default_model_dir"]

#: Directory name of the bundled default model (under ``models/`` or ``$ATELIER_MODELS``).
DEFAULT_MODEL_NAME = "filternet-small"

_REPO_MODELS = Path(__file__).resolve().parents[3] / "models"

_UNITS = {"Exposure2012": "EV"}


def default_model_dir() -> Path:
    """``$ATELIER_MODELS/filternet-small`` when set, else the repository's ``models/``."""
    root = os.environ.get("ATELIER_MODELS")
    return (Path(root) if root else _REPO_MODELS) / DEFAULT_MODEL_NAME


class FilterNetPredictor:
    """Predict global sliders with a trained FilterNet.

    Args:
        model: a model directory (`FilterNet.save_pretrained`), a loaded `FilterNet`, or
            None for `default_model_dir`.
        batch_size: photos per forward pass in `predict_batch`.
        device: torch device for inference.

    Raises:
        FileNotFoundError: the model directory or its files are missing.
    """

    name = "filternet"

    def __init__(
        self,
        model: str | Path | FilterNet | None = None,
        *,
        batch_size: int = 16,
        device: str = "cpu",
    ) -> None:
        if isinstance(model, FilterNet):
            self.model, label = model, "in-memory"
        else:
            path = Path(model) if model else default_model_dir()
            self.model, label = FilterNet.from_pretrained(path, map_location=device), path.name
        self.model.eval().to(device)
        self.device = device
        self.batch_size = max(1, int(batch_size))
        self.version = label
        self.sliders = self.model.sliders

    def predict(self, photo: DecodedPhoto) -> Prediction:
        """Settings for one photo (see `predict_batch`)."""
        return self.predict_batch([photo])[0]

    def predict_batch(self, photos: Sequence[DecodedPhoto]) -> list[Prediction]:
        """Settings for each photo, ``batch_size`` thumbnails per forward pass."""
        size = self.model.config.image_size
        results: list[Prediction] = []
        for start in range(0, len(photos), self.batch_size):
            chunk = photos[start : start + self.batch_size]
            batch = torch.stack([thumbnail(p.linear, size) for p in chunk]).to(self.device)
            with torch.inference_mode():
                outputs = self.model(to_model_input(batch)).cpu().numpy()
            results.extend(self._prediction(p, y) for p, y in zip(chunk, outputs, strict=True))
        return results

    def _prediction(self, photo: DecodedPhoto, outputs: object) -> Prediction:
        settings = outputs_to_settings(outputs, self.sliders)  # type: ignore[arg-type]
        info = photo.info
        if info.is_raw:
            settings = to_raw_white_balance(
                settings,
                info.as_shot_temperature or 6504.0,  # unknown as-shot white: assume D65
                info.as_shot_tint if info.as_shot_tint is not None else 10.0,
            )
        settings = {k: round(v, 2 if k == "Exposure2012" else 0) for k, v in settings.items()}
        reasons = {
            k: f"FilterNet ({self.version}) predicts "
               f"{signed(v, ' ' + _UNITS[k] if k in _UNITS else '', None)}"
            for k, v in settings.items()
        }
        return keep_monochrome_colour(photo, Prediction(
            settings=settings, reasons=reasons, backend=f"filternet/{self.version}"))
