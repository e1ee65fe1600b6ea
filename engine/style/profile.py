"""A style profile: the user's edited examples, saved as ``PROFILE/style.json``.

The profile stores what was measured (features of each unedited photo, the analytic
predictor's settings for it, the photographer's own settings as targets); the model is
refitted from them on load, which takes milliseconds and keeps the file readable.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from engine.decode.types import DecodedPhoto
from engine.predictors.base import Predictor
from engine.style.features import FEATURE_NAMES, FEATURE_SCALES, camera_of, photo_features
from engine.style.model import StyleModel
from engine.style.targets import (
    RAW_WB_TARGETS,
    RENDERED_WB_TARGETS,
    TARGET_SCALES,
    TONE_TARGETS,
    targets_from_settings,
)

__all__ = ["PROFILE_NAME", "TARGET_NAMES", "StyleExample", "StyleProfile", "make_example"]

PROFILE_NAME = "style.json"
FORMAT_VERSION = 1
TARGET_NAMES: tuple[str, ...] = (*TONE_TARGETS, *RENDERED_WB_TARGETS, *RAW_WB_TARGETS)


@dataclass
class StyleExample:
    """One edited photo.

    Attributes:
        name: the photo's file name (used in reasons).
        features: `engine.style.features.photo_features` of the unedited photo.
        camera: camera make and model ("" = unknown).
        is_raw: raw or rendered (white balance flavour).
        targets: the photographer's values per target (`engine.style.targets`).
        analytic: the analytic predictor's values for the same targets.
    """

    name: str
    features: list[float]
    camera: str
    is_raw: bool
    targets: dict[str, float]
    analytic: dict[str, float]


def make_example(
    name: str, photo: DecodedPhoto, settings: Mapping[str, float], base: Predictor
) -> StyleExample:
    """Measure one edited photo: its unedited pixels, its settings, the base prediction."""
    analytic = targets_from_settings(base.predict(photo).settings, photo.info)
    return StyleExample(
        name=name,
        features=[float(v) for v in photo_features(photo)],
        camera=camera_of(photo),
        is_raw=photo.info.is_raw,
        targets=targets_from_settings(settings, photo.info),
        analytic=analytic,
    )


@dataclass
class StyleProfile:
    """A list of `StyleExample` and the model fitted on them."""

    examples: list[StyleExample] = field(default_factory=list)

    def model(self, exclude: Sequence[int] = ()) -> StyleModel:
        """The style model fitted on every example except the indices in ``exclude``."""
        skip = set(exclude)
        keep = [e for i, e in enumerate(self.examples) if i not in skip]

        def table(key: str) -> np.ndarray:
            return np.array([[getattr(e, key).get(t, np.nan) for t in TARGET_NAMES]
                             for e in keep], dtype=np.float64).reshape(len(keep), -1)

        analytic = np.nan_to_num(table("analytic"))
        return StyleModel(
            np.array([e.features for e in keep], dtype=np.float64).reshape(len(keep), -1),
            analytic, table("targets"), TARGET_NAMES,
            [e.camera for e in keep], [e.name for e in keep],
            np.array([FEATURE_SCALES[f] for f in FEATURE_NAMES]),
            np.array([TARGET_SCALES[t] for t in TARGET_NAMES]),
        )

    def save(self, directory: str | Path) -> Path:
        """Write ``directory/style.json`` (created); returns its path."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        payload: dict[str, Any] = {
            "format": FORMAT_VERSION,
            "feature_names": list(FEATURE_NAMES),
            "examples": [asdict(e) for e in self.examples],
        }
        path = out / PROFILE_NAME
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(payload, indent=1, allow_nan=True))
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, directory: str | Path) -> StyleProfile:
        """Read a profile written by `save`.

        Raises:
            FileNotFoundError: no ``style.json`` in ``directory``.
            ValueError: another format version or feature set.
        """
        path = Path(directory) / PROFILE_NAME
        if not path.is_file():
            raise FileNotFoundError(f"no {PROFILE_NAME} in {directory} (not a style profile)")
        data = json.loads(path.read_text())
        if data.get("format") != FORMAT_VERSION or data.get("feature_names") != list(FEATURE_NAMES):
            raise ValueError(
                f"{path} is style profile format {data.get('format')!r}; this Atelier reads "
                f"format {FORMAT_VERSION} — run learn-style again"
            )
        return cls([StyleExample(**e) for e in data["examples"]])
