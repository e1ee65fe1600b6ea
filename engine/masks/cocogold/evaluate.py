"""Evaluating CocoGold on a COCO split: the thesis's protocol.

Every (image, class present in it) pair is one query: the prompt is the class name, the
ground truth every instance of that class (crowd regions included), the prediction the
model's mask at the image's size (> 0.5).  Pixel counts are accumulated over all queries
of a group — not averaged per image — and the group's IoU is TP / (TP + FP + FN), its
pixel accuracy (TP + TN) / all pixels.  Groups: the classes the model was trained on
(its ``cocogold.json`` ``classes``, else the thesis's 14) and all other classes, which
measure how far the text conditioning generalises.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from engine.masks.cocogold.coco import THESIS_CLASSES, CocoDataset, load_rgb
from engine.masks.cocogold.pipeline import CocoGoldPipeline, Schedule

__all__ = ["Counts", "EvalReport", "confusion", "evaluate_cocogold"]


@dataclass
class Counts:
    """Accumulated pixel counts of a group of queries.

    Attributes:
        tp, fp, fn, tn: true/false positive/negative pixels.
        queries: how many (image, class) queries were added.
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    queries: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.tn += other.tn
        self.queries += other.queries

    @property
    def iou(self) -> float:
        """TP / (TP + FP + FN), 0..1; 1 when neither side has a pixel; NaN if empty."""
        if not self.queries:
            return float("nan")
        union = self.tp + self.fp + self.fn
        return self.tp / union if union else 1.0

    @property
    def pixel_accuracy(self) -> float:
        """(TP + TN) / all pixels, 0..1; NaN if empty."""
        total = self.tp + self.fp + self.fn + self.tn
        return (self.tp + self.tn) / total if total else float("nan")

    def as_dict(self) -> dict[str, float | int | None]:
        """Counts and metrics (None instead of NaN for an empty group: valid JSON)."""
        empty = not self.queries
        return {"queries": self.queries, "iou": None if empty else round(self.iou, 4),
                "pixel_accuracy": None if empty else round(self.pixel_accuracy, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn}


def confusion(prediction: NDArray[np.generic], truth: NDArray[np.generic]) -> Counts:
    """One query's counts: ``prediction`` (bool, or 0..1 with > 0.5 inside) against the
    bool ``truth`` of the same shape."""
    if prediction.shape != truth.shape:
        raise ValueError(f"prediction {prediction.shape} and truth {truth.shape} differ")
    p = np.asarray(prediction) > 0.5
    t = truth.astype(bool)
    tp = int(np.count_nonzero(p & t))
    fp = int(np.count_nonzero(p & ~t))
    fn = int(np.count_nonzero(~p & t))
    return Counts(tp, fp, fn, int(p.size) - tp - fp - fn, 1)


@dataclass
class EvalReport:
    """The evaluation's result.

    Attributes:
        trained: the trained classes' accumulated counts.
        other: the other classes' accumulated counts.
        per_class: class name → its counts.
        trained_classes: the classes counted as trained.
        seconds: wall time of the model calls, s.
    """

    trained: Counts = field(default_factory=Counts)
    other: Counts = field(default_factory=Counts)
    per_class: dict[str, Counts] = field(default_factory=dict)
    trained_classes: tuple[str, ...] = ()
    seconds: float = 0.0


def evaluate_cocogold(
    pipeline: CocoGoldPipeline, dataset: CocoDataset, *, steps: int = 4, ensemble: int = 1,
    seed: int = 0, schedule: Schedule = "trailing", limit: int = 0,
    classes: Sequence[str] = (), on_query: Callable[[str, str, Counts], None] | None = None,
) -> EvalReport:
    """Run the protocol of the module docstring.

    Args:
        pipeline: the model.
        dataset: the COCO split to evaluate on.
        steps, ensemble, seed, schedule: passed to the pipeline (per query).
        limit: evaluate only the first N images (0 = all).
        classes: only these class names (empty = every class in the split).
        on_query: called with (image file name, class, that query's counts).
    """
    trained = tuple(pipeline.config.classes) or THESIS_CLASSES
    report = EvalReport(trained_classes=trained)
    wanted = set(classes)
    images = dataset.images[:limit] if limit > 0 else dataset.images
    for image in images:
        present = sorted({dataset.class_of(a) for a in image.annotations} - {""})
        present = [c for c in present if not wanted or c in wanted]
        if not present:
            continue
        rgb = load_rgb(image.path)
        for name in present:
            start = time.perf_counter()
            result = pipeline(rgb, name, steps=steps, ensemble=ensemble, seed=seed,
                              schedule=schedule)
            report.seconds += time.perf_counter() - start
            counts = confusion(result.mask, dataset.class_mask(image, name))
            (report.trained if name in trained else report.other).add(counts)
            report.per_class.setdefault(name, Counts()).add(counts)
            if on_query is not None:
                on_query(image.path.name, name, counts)
    return report
