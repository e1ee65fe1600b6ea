"""A style profile: the user's edited examples, saved as ``PROFILE/style.json``.

The profile stores what was measured (features of each unedited photo, the base
predictor's settings for it, the photographer's own settings as targets); the model is
refitted from them on load, which takes milliseconds and keeps the file readable and
diffable.  Unknown feature values are stored as JSON ``null``.  A profile learned from
many photos may also hold a fine-tuned FilterNet head (`engine.style.finetune`) in
``PROFILE/head/`` (``config.json`` + ``model.safetensors``).
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from engine.decode.types import DecodedPhoto
from engine.predictors.base import Predictor
from engine.style.features import (
    FEATURE_NAMES,
    FEATURE_SCALES,
    camera_of,
    feature_weights,
    photo_features,
)
from engine.style.model import StyleModel
from engine.style.targets import (
    RAW_WB_TARGETS,
    RENDERED_WB_TARGETS,
    TARGET_SCALES,
    TONE_TARGETS,
    targets_from_settings,
)

if TYPE_CHECKING:
    from engine.style.finetune import StyleHead

__all__ = [
    "FORMAT_VERSION",
    "HEAD_DIR",
    "PROFILE_NAME",
    "TARGET_NAMES",
    "StyleExample",
    "StyleProfile",
    "TargetQuality",
    "make_example",
]

PROFILE_NAME = "style.json"
#: Sub-directory of a profile holding its fine-tuned FilterNet head, when it has one.
HEAD_DIR = "head"
FORMAT_VERSION = 1
TARGET_NAMES: tuple[str, ...] = (*TONE_TARGETS, *RENDERED_WB_TARGETS, *RAW_WB_TARGETS)
_MAX_REPORT = 100  # examples held out, at most, by `StyleProfile.quality`


@dataclass
class StyleExample:
    """One edited photo.

    Attributes:
        name: the photo's file name (used in reasons).
        features: `engine.style.features.photo_features` of the unedited photo.
        camera: camera make and model ("" = unknown).
        is_raw: raw or rendered (white balance flavour).
        targets: the photographer's values per target (`engine.style.targets`).
        analytic: the base predictor's values for the same targets.
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


@dataclass(frozen=True)
class TargetQuality:
    """Leave-one-out error of one target: the style model vs your average setting.

    Attributes:
        target: target name (`TARGET_NAMES`).
        examples: examples that have it (raw white balance only counts raw photos).
        style_mae: mean absolute error of the style model, target units.
        average_mae: … of predicting the average of the other examples.
    """

    target: str
    examples: int
    style_mae: float
    average_mae: float


@dataclass
class StyleProfile:
    """A list of `StyleExample`, the base predictor they were measured with, and the model.

    Attributes:
        examples: the edited photos.
        base: name of the predictor whose settings are in ``StyleExample.analytic``
            (the style is learned relative to it).
        head: the fine-tuned FilterNet head (`engine.style.finetune.StyleHead`) for the
            targets where it beat the few-shot model, or None.
        head_held_out: when a head was fine-tuned (kept or not), its held-out MAE per
            target next to the few-shot model's and the average's (`HeadReport.held_out`).
    """

    examples: list[StyleExample] = field(default_factory=list)
    base: str = "analytic"
    head: StyleHead | None = field(default=None, repr=False)
    head_held_out: dict[str, dict[str, float]] = field(default_factory=dict, repr=False)

    def model(self, exclude: Sequence[int] = ()) -> StyleModel:
        """The style model fitted on every example except the indices in ``exclude``.

        Raises:
            ValueError: fewer than three examples remain.
        """
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
            np.array([FEATURE_SCALES[f] for f in FEATURE_NAMES]) / feature_weights(),
            np.array([TARGET_SCALES[t] for t in TARGET_NAMES]),
        )

    def quality(self, seed: int = 0) -> list[TargetQuality]:
        """Leave-one-out errors per target the examples vary in (up to 100 held out).

        Each held-out example is predicted by a model refitted without it, so the
        figures are honest estimates of the error on a new photo of the same kind.
        """
        n = len(self.examples)
        order = np.random.default_rng(seed).permutation(n)[:_MAX_REPORT]
        errors: dict[str, tuple[list[float], list[float]]] = {}
        for i in (int(i) for i in order):
            ex = self.examples[i]
            values, _ = self.model(exclude=[i]).predict(
                np.asarray(ex.features, dtype=np.float64),
                np.array([ex.analytic.get(t, 0.0) for t in TARGET_NAMES]), ex.camera)
            for t, truth in ex.targets.items():
                others = [e.targets[t] for j, e in enumerate(self.examples)
                          if j != i and t in e.targets]
                if t in values and others:
                    style, average = errors.setdefault(t, ([], []))
                    style.append(abs(values[t] - truth))
                    average.append(abs(float(np.mean(others)) - truth))
        return [TargetQuality(t, sum(t in e.targets for e in self.examples),
                              float(np.mean(s)), float(np.mean(a)))
                for t, (s, a) in errors.items() if max(a) > 0 or max(s) > 0]

    def save(self, directory: str | Path) -> Path:
        """Write ``directory/style.json`` (directory created; atomic) and ``directory/head/``
        when there is a head (an older head there is removed); returns the json's path."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        examples = []
        for e in self.examples:
            record = asdict(e)
            record["features"] = [v if math.isfinite(v) else None for v in e.features]
            examples.append(record)
        payload: dict[str, Any] = {
            "format": FORMAT_VERSION,
            "base": self.base,
            "feature_names": list(FEATURE_NAMES),
            "examples": examples,
        }
        path = out / PROFILE_NAME
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(payload, indent=1, allow_nan=False, ensure_ascii=False))
        tmp.replace(path)
        if self.head is not None:
            self.head.save_pretrained(out / HEAD_DIR)
        elif (out / HEAD_DIR).is_dir():
            shutil.rmtree(out / HEAD_DIR)  # learned again from fewer photos: no stale head
        return path

    @classmethod
    def load(cls, directory: str | Path) -> StyleProfile:
        """Read a profile written by `save` (with its head, if it has one).

        Raises:
            FileNotFoundError: no ``style.json`` in ``directory``.
            ValueError: unreadable, or another format version or feature set.
        """
        path = Path(directory) / PROFILE_NAME
        if not path.is_file():
            raise FileNotFoundError(f"no {PROFILE_NAME} in {directory} (not a style profile; "
                                    "make one with `atelier learn-style`)")
        try:
            data = json.loads(path.read_text())
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"{path} is not a readable style profile: {exc}") from None
        if data.get("format") != FORMAT_VERSION or data.get("feature_names") != list(FEATURE_NAMES):
            raise ValueError(
                f"{path} is style profile format {data.get('format')!r} with other features; "
                f"this Atelier reads format {FORMAT_VERSION} — run learn-style again"
            )
        examples = []
        for e in data["examples"]:
            e["features"] = [math.nan if v is None else float(v) for v in e["features"]]
            examples.append(StyleExample(**e))
        head = None
        if (Path(directory) / HEAD_DIR / "config.json").is_file():
            from engine.style.finetune import StyleHead

            head = StyleHead.from_pretrained(Path(directory) / HEAD_DIR)
        return cls(examples, str(data.get("base", "analytic")), head,
                   head.config.held_out if head is not None else {})
