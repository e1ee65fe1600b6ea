"""COCO-format data for CocoGold: instance masks, and the thesis's training sampler.

A COCO directory holds ``annotations/instances_<split>.json`` (COCO's instances format:
``images``, ``annotations`` with polygon or RLE ``segmentation``, ``categories``) and
the images under ``<split>/`` (COCO's own layout), ``images/<split>/`` or ``images/``.

The sampler (thesis ch. 4, after Cuenca's ``cocogold`` dataset): for a random image, a
random square crop of side ``min(width, height)``; the instances of the trained classes
that are not "heavily cut" by it (`is_partially_contained`: at least 75 % of the
instance's box inside the crop, or the part inside covering at least 15 % of the crop)
and not crowd regions are candidates; after five crops without one, the crop is placed
around an instance.  One candidate is drawn with weight ``1 + log2(area / smallest
area)`` (larger objects more often), and the target mask is every candidate of its
class.  The prompt is the class name.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from engine.masks.cocogold.train import TrainingSample

__all__ = [
    "MIN_IMAGE_SIDE",
    "THESIS_CLASSES",
    "CocoDataset",
    "CocoImage",
    "decode_rle",
    "is_partially_contained",
    "polygon_mask",
    "training_samples",
]

#: The 14 COCO classes the thesis trained on: the most frequent after ``person``
#: (left out: it dominates COCO and the model over-fitted to it).
THESIS_CLASSES = (
    "car", "dining table", "chair", "train", "airplane", "giraffe", "clock", "toilet",
    "bed", "bird", "truck", "cat", "horse", "dog",
)
#: Images with a side below this are skipped for training (upscaled crops are blurry), px.
MIN_IMAGE_SIDE = 300
_CROP_TRIES = 5

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in image pixels


@dataclass(frozen=True)
class CocoImage:
    """One image of the dataset and its annotations (COCO dicts, as read)."""

    id: int
    path: Path
    width: int
    height: int
    annotations: tuple[Mapping[str, Any], ...]


class CocoDataset:
    """A COCO instances file and its images (read once; images opened on demand).

    Attributes:
        root: the COCO directory.
        split: e.g. ``"train2017"``.
        categories: category id → class name.
        images: the images with at least one annotation, in file order.
    """

    def __init__(self, root: str | Path, split: str) -> None:
        self.root, self.split = Path(root).expanduser(), split
        path = self.root / "annotations" / f"instances_{split}.json"
        if not path.is_file():
            raise FileNotFoundError(f"no COCO instances file {path} (a COCO directory holds "
                                    f"annotations/instances_<split>.json and the images)")
        data = json.loads(path.read_text())
        self.categories: dict[int, str] = {int(c["id"]): str(c["name"])
                                           for c in data.get("categories", [])}
        by_image: dict[int, list[Mapping[str, Any]]] = {}
        for ann in data.get("annotations", []):
            by_image.setdefault(int(ann["image_id"]), []).append(ann)
        self.images = [
            CocoImage(int(im["id"]), self._image_path(str(im["file_name"])), int(im["width"]),
                      int(im["height"]), tuple(by_image[int(im["id"])]))
            for im in data.get("images", []) if int(im["id"]) in by_image
        ]

    def _image_path(self, name: str) -> Path:
        for folder in (self.root / self.split, self.root / "images" / self.split,
                       self.root / "images"):
            if (folder / name).is_file():
                return folder / name
        return self.root / self.split / name  # reported as missing when opened

    def class_of(self, annotation: Mapping[str, Any]) -> str:
        return self.categories.get(int(annotation["category_id"]), "")

    def class_mask(self, image: CocoImage, name: str) -> NDArray[np.bool_]:
        """Every instance of class ``name`` in ``image`` (crowd regions included), at
        the image's size — the ground truth of the evaluation."""
        mask = np.zeros((image.height, image.width), bool)
        for ann in image.annotations:
            if self.class_of(ann) != name:
                continue
            seg = ann["segmentation"]  # RLE (crowd regions) or polygons
            mask |= decode_rle(seg) if isinstance(seg, Mapping) else polygon_mask(
                seg, image.width, image.height)
        return mask


def load_rgb(path: Path) -> NDArray[np.float32]:
    """An image file as (H, W, 3) sRGB 0..1."""
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"), dtype=np.float32) / 255.0


# -- segmentations -----------------------------------------------------------------------


def _rle_counts(counts: str | Sequence[int]) -> list[int]:
    """COCO RLE counts; a string is COCO's compressed form (6-bit groups, deltas)."""
    if not isinstance(counts, str):
        return [int(c) for c in counts]
    out: list[int] = []
    p = 0
    while p < len(counts):
        x, k, more = 0, 0, True
        while more:
            c = ord(counts[p]) - 48
            x |= (c & 0x1F) << (5 * k)
            more = bool(c & 0x20)
            p, k = p + 1, k + 1
            if not more and c & 0x10:
                x |= -1 << (5 * k)  # sign extension
        if len(out) > 2:
            x += out[-2]
        out.append(x)
    return out


def decode_rle(rle: Mapping[str, Any]) -> NDArray[np.bool_]:
    """A COCO RLE (``size`` = [height, width], ``counts`` list or compressed string):
    runs alternate background/foreground, starting with background, column-major."""
    height, width = (int(v) for v in rle["size"])
    flat = np.zeros(height * width, bool)
    at = 0
    for i, run in enumerate(_rle_counts(rle["counts"])):
        if i % 2:
            flat[at : at + run] = True
        at += run
    return flat.reshape((width, height)).T


def polygon_mask(
    polygons: Sequence[Sequence[float]], width: int, height: int, *,
    box: Box | None = None, size: int | None = None,
) -> NDArray[np.bool_]:
    """Polygon ``segmentation`` (flat [x, y, …] lists) as a mask.

    Args:
        polygons: the annotation's polygons, image pixels.
        width, height: the image's size, px.
        box: a square crop of the image (x0, y0, x1, y1); None = the whole image.
        size: side of the crop's output mask, px (needed with ``box``).

    Returns:
        (height, width) for the whole image, (size, size) for a crop.
    """
    x0, y0, scale, out_w, out_h = 0.0, 0.0, 1.0, width, height
    if box is not None:
        if not size:
            raise ValueError("a cropped polygon mask needs its output size")
        x0, y0, scale, out_w, out_h = box[0], box[1], size / (box[2] - box[0]), size, size
    canvas = np.zeros((out_h, out_w), bool)
    for polygon in polygons:
        xs = (np.asarray(polygon[0::2], np.float64) - x0) * scale
        ys = (np.asarray(polygon[1::2], np.float64) - y0) * scale
        if min(len(xs), len(ys)) >= 3:
            _fill_polygon(canvas, xs[: len(ys)], ys[: len(xs)])
    return canvas


def _fill_polygon(canvas: NDArray[np.bool_], xs: NDArray[np.float64],
                  ys: NDArray[np.float64]) -> None:
    """Set the pixels whose centre lies inside the polygon (even-odd rule), in place.

    COCO coordinates are continuous — pixel (i, j) spans i..i+1, j..j+1 — so a pixel
    belongs to the instance when its centre is inside (an 80 px wide box covers 80 px).
    """
    h = canvas.shape[0]
    first = max(0, math.floor(ys.min() - 0.5))
    last = min(h - 1, math.ceil(ys.max()))
    if first > last:
        return
    centre = np.arange(first, last + 1, dtype=np.float64)[:, None] + 0.5
    xa, ya, xb, yb = xs, ys, np.roll(xs, -1), np.roll(ys, -1)
    crosses = (ya <= centre) != (yb <= centre)  # the edge spans this row's centre line
    with np.errstate(divide="ignore", invalid="ignore"):
        at = xa + (centre - ya) * (xb - xa) / (yb - ya)
    for row, hits, where in zip(range(first, last + 1), crosses, at, strict=True):
        xs_row = np.sort(where[hits])
        for left, right in zip(xs_row[0::2], xs_row[1::2], strict=False):
            canvas[row, max(0, math.ceil(left - 0.5)) : max(0, math.ceil(right - 0.5))] = True


# -- the sampler ---------------------------------------------------------------------------


def _bbox(annotation: Mapping[str, Any]) -> Box:
    x, y, w, h = (float(v) for v in annotation["bbox"])
    return x, y, x + w, y + h


def is_partially_contained(annotation: Mapping[str, Any], crop: Box) -> bool:
    """Not heavily cut by ``crop``: ≥ 75 % of the instance's box is inside, or the part
    inside covers ≥ 15 % of the crop (the thesis's heuristic)."""
    x0, y0, x1, y1 = _bbox(annotation)
    area = (x1 - x0) * (y1 - y0)
    crop_area = (crop[2] - crop[0]) * (crop[3] - crop[1])
    if area <= 0 or crop_area <= 0:
        return False
    dx = min(crop[2], x1) - max(crop[0], x0)
    dy = min(crop[3], y1) - max(crop[1], y0)
    if dx < 0 or dy < 0:
        return False
    return dx * dy / area >= 0.75 or dx * dy / crop_area >= 0.15


def _is_crowd(annotation: Mapping[str, Any]) -> bool:
    return bool(annotation.get("iscrowd")) or isinstance(annotation["segmentation"], Mapping)


def _random_crop(image: CocoImage, rng: random.Random) -> Box:
    side = min(image.width, image.height)
    x0 = rng.randint(0, image.width - side)
    y0 = rng.randint(0, image.height - side)
    return float(x0), float(y0), float(x0 + side), float(y0 + side)


def _crop_around(image: CocoImage, annotation: Mapping[str, Any], rng: random.Random) -> Box:
    """A square crop (side = the short side) containing the instance's box if it fits."""
    side = min(image.width, image.height)
    bx0, by0, bx1, by1 = _bbox(annotation)

    def start(lo: float, hi: float, length: int) -> int:
        first = max(0, math.ceil(hi) - side)
        last = min(length - side, math.floor(lo))
        return rng.randint(first, last) if first <= last else max(0, min(length - side,
                                                                          math.floor(lo)))

    x0, y0 = start(bx0, bx1, image.width), start(by0, by1, image.height)
    return float(x0), float(y0), float(x0 + side), float(y0 + side)


def _area_weighted(candidates: list[Mapping[str, Any]], rng: random.Random) -> Mapping[str, Any]:
    areas = [max(float(a.get("area", 0.0)), 1.0) for a in candidates]
    smallest = min(areas)
    weights = [round(1 + math.log2(a / smallest)) for a in areas]
    return rng.choices(candidates, weights=weights)[0]


def _sample(dataset: CocoDataset, image: CocoImage, classes: frozenset[str], resolution: int,
            rng: random.Random) -> TrainingSample | None:
    usable = [a for a in image.annotations
              if dataset.class_of(a) in classes and not _is_crowd(a)]
    if not usable:
        return None
    candidates: list[Mapping[str, Any]] = []
    for _ in range(_CROP_TRIES):
        crop = _random_crop(image, rng)
        candidates = [a for a in usable if is_partially_contained(a, crop)]
        if candidates:
            break
    else:
        for ann in rng.sample(usable, len(usable)):
            crop = _crop_around(image, ann, rng)
            if is_partially_contained(ann, crop):
                candidates = [ann]
                break
    if not candidates:
        return None
    chosen = dataset.class_of(_area_weighted(candidates, rng))
    mask = np.zeros((resolution, resolution), bool)
    for ann in candidates:
        if dataset.class_of(ann) == chosen:
            mask |= polygon_mask(ann["segmentation"], image.width, image.height,
                                 box=crop, size=resolution)  # crowd RLEs are not candidates
    with Image.open(image.path) as im:
        square = im.convert("RGB").crop(crop).resize(
            (resolution, resolution), Image.Resampling.LANCZOS)
    rgb = np.asarray(square, dtype=np.float32) / 255.0
    return TrainingSample(rgb, chosen, mask)


def training_samples(
    dataset: CocoDataset, *, classes: Sequence[str] = THESIS_CLASSES, resolution: int = 512,
    seed: int = 0, min_side: int = MIN_IMAGE_SIDE,
) -> Iterator[TrainingSample]:
    """An endless stream of the thesis's training triples (a new crop each time).

    Args:
        dataset: the COCO split.
        classes: the class names to train on (prompts are these names).
        resolution: side of the square samples, px (the model's input).
        seed: the stream's random seed (same seed, same stream).
        min_side: images with a shorter side are skipped, px.

    Raises:
        ValueError: no image has an instance of ``classes`` (at least ``min_side`` px),
            or a whole pass over them found no instance a crop can hold.
    """
    wanted = frozenset(classes)
    pool = [im for im in dataset.images if min(im.width, im.height) >= min_side
            and any(dataset.class_of(a) in wanted and not _is_crowd(a) for a in im.annotations)]
    if not pool:
        raise ValueError(f"no image of {dataset.root} ({dataset.split}) at least {min_side} px "
                         f"has an instance of {', '.join(sorted(wanted))}")
    rng = random.Random(seed)
    while True:
        found = False
        for image in rng.sample(pool, len(pool)):
            sample = _sample(dataset, image, wanted, resolution, rng)
            if sample is not None:
                found = True
                yield sample
        if not found:  # e.g. only empty boxes: never loop forever
            raise ValueError(f"no instance of {', '.join(sorted(wanted))} in {dataset.root} "
                             f"({dataset.split}) fits a square crop")
