"""The Segment request: the region a text prompt names, and optionally its local edit.

* With a CocoGold model directory (``SegmentRequest.model``, else ``$ATELIER_COCOGOLD``,
  else ``$ATELIER_MODELS/cocogold``): the CocoGold pipeline on the photo decoded at
  `GUIDE_LONG_SIDE`, its mask upsampled along the photo's edges.
* Without one: prompts naming what the weight-free masks find (sky, subject / person /
  the main subject, background, shadows, highlights — `engine.masks.cocogold.words`)
  are served by them; any other prompt is refused with a message saying a CocoGold
  model directory is needed and how to get one.

The mask comes back at the photo's full displayed resolution.  With ``enhance`` the
analytic predictor is run on the region (COCONET: ``"bbox"`` = the padded bounding box,
``"full"`` = the region's own pixels) and what it needs beyond the global settings
becomes a `pb.MaskedAdjustment` whose forms are: the Lightroom semantic class when the
prompt names exactly one Lightroom knows, a luminance range for shadows/highlights, then
the raster.
"""

from __future__ import annotations

import os
import threading
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import grpc
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from atelier.v1 import engine_pb2 as pb
from engine.color.transfer import linear_to_srgb
from engine.decode import photo_info_to_proto
from engine.decode.types import DecodedPhoto
from engine.errors import PhotoError
from engine.masks.cocogold import processing as proc
from engine.masks.cocogold.words import PromptMeaning, read_prompt
from engine.server.analysis import PhotoAccess, load_photo

if TYPE_CHECKING:
    from engine.masks.cocogold.pipeline import CocoGoldPipeline

__all__ = [
    "ANALYSIS_LONG_SIDE",
    "GUIDE_LONG_SIDE",
    "MAX_PROMPT_CHARS",
    "ModelNeeded",
    "configured_model_dir",
    "segment",
]

MAX_PROMPT_CHARS = 200
#: Long side of the decode that guides the mask's upsampling, px; beyond it (larger
#: photos) the mask is resized bilinearly to full resolution.
GUIDE_LONG_SIDE = 2048
#: Long side of the thumbnail the weight-free masks and the predictor see, px.
ANALYSIS_LONG_SIDE = 512
#: Long side of the raster inside ``masked`` (what brush fitting reads), px.
MASKED_RASTER_LONG_SIDE = 1024
DEFAULT_STEPS = 4

_HOW_TO = ("text masks need a CocoGold model directory: pass --model DIR (or set "
           "$ATELIER_COCOGOLD); make one by fine-tuning a local Stable Diffusion 2 directory "
           "on COCO: atelier train cocogold --coco COCO_DIR --base SD2_DIR --out DIR (see "
           "docs/cocogold.md). Without one, Atelier finds only: sky, subject (person, the "
           "main subject), background, shadows, highlights")


class ModelNeeded(PhotoError):
    """The prompt needs a CocoGold model and none is usable."""

    code = grpc.StatusCode.FAILED_PRECONDITION


def configured_model_dir() -> Path | None:
    """The engine's CocoGold directory: ``$ATELIER_COCOGOLD``, else
    ``$ATELIER_MODELS/cocogold`` when it exists, else None."""
    if explicit := os.environ.get("ATELIER_COCOGOLD"):
        return Path(explicit)
    if (models := os.environ.get("ATELIER_MODELS")) and (Path(models) / "cocogold").is_dir():
        return Path(models) / "cocogold"
    return None


_load_lock = threading.Lock()
_run_lock = threading.Lock()  # one diffusion at a time: it already uses every core


@lru_cache(maxsize=1)
def _cached_pipeline(path: str, stamp: float) -> CocoGoldPipeline:
    from engine.masks.cocogold.pipeline import CocoGoldPipeline

    return CocoGoldPipeline.from_pretrained(path)


def _pipeline(directory: Path) -> CocoGoldPipeline:
    from engine.masks.cocogold.pipeline import CocoGoldError

    root = directory.expanduser().resolve()
    if not root.is_dir():
        raise ModelNeeded(f"no CocoGold model directory at {directory}; {_HOW_TO}")
    stamps = [p.stat().st_mtime for p in (root / "cocogold.json", root / "unet") if p.exists()]
    with _load_lock:
        try:
            return _cached_pipeline(str(root), max(stamps, default=0.0))
        except CocoGoldError as exc:
            raise ModelNeeded(str(exc)) from None


def _check(request: pb.SegmentRequest) -> tuple[str, int, int, str]:
    prompt = " ".join(request.prompt.split())
    if not prompt:
        raise PhotoError('SegmentRequest.prompt is empty: say what to find, e.g. "the sky"')
    if len(prompt) > MAX_PROMPT_CHARS:
        raise PhotoError(f"the prompt has {len(prompt)} characters; at most "
                         f"{MAX_PROMPT_CHARS} are allowed")
    steps = request.steps or DEFAULT_STEPS
    if not 1 <= steps <= 50:
        raise PhotoError(f"steps={steps} is outside 1..50")
    ensemble = request.ensemble or 1
    if not 1 <= ensemble <= 16:
        raise PhotoError(f"ensemble={ensemble} is outside 1..16")
    mode = request.coconet_mode or "bbox"
    if mode not in ("bbox", "full"):
        raise PhotoError(f'coconet_mode={request.coconet_mode!r}: use "full" or "bbox"')
    if request.photo.WhichOneof("source") is None:
        raise PhotoError("SegmentRequest.photo names no photo")
    return prompt, steps, ensemble, mode


def _resized_linear(linear: NDArray[np.float32], long_side: int) -> NDArray[np.float32]:
    h, w = linear.shape[:2]
    scale = long_side / max(h, w)
    if scale >= 1:
        return linear
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    planes = [np.asarray(Image.fromarray(np.ascontiguousarray(linear[..., c]))
                         .resize(size, Image.Resampling.BOX)) for c in range(3)]
    return np.stack(planes, axis=2).astype(np.float32)


def _weight_free(
    kind: str, thumb: DecodedPhoto
) -> tuple[NDArray[np.float32], float, pb.MaskForm | None]:
    """(mask at the thumbnail's size, confidence, an extra form) of a weight-free class."""
    from engine.masks import detect_sky, detect_subject, luminance_zones

    h, w = thumb.linear.shape[:2]
    empty = np.zeros((h, w), np.float32)
    if kind == "sky":
        sky = detect_sky(thumb.linear)
        return (sky.mask, sky.confidence, None) if sky else (empty, 0.0, None)
    if kind in ("subject", "background"):
        subject = detect_subject(thumb.linear)
        if subject is None:
            return empty, 0.0, None
        mask = subject.mask if kind == "subject" else 1.0 - subject.mask
        return np.asarray(mask, np.float32), subject.confidence, None
    zone = next(z for z in luminance_zones(thumb.linear) if z.name == kind)
    form = pb.MaskForm(components=[pb.Mask(luminance_range=pb.LuminanceRange(
        min=zone.low, max=zone.high, smoothness=zone.smoothness))])
    return zone.mask, 1.0, form


def _bbox(mask: NDArray[np.float32]) -> pb.BoundingBox:
    rows, cols = np.nonzero(mask > 0.5)
    if len(rows) == 0:
        return pb.BoundingBox()
    h, w = mask.shape
    return pb.BoundingBox(left=cols.min() / w, top=rows.min() / h,
                          right=(cols.max() + 1) / w, bottom=(rows.max() + 1) / h)


def _inside_point(mask: NDArray[np.float32]) -> pb.Point:
    """A point inside the mask near its centroid, normalised."""
    rows, cols = np.nonzero(mask > 0.5)
    cy, cx = rows.mean(), cols.mean()
    i = int(np.argmin((rows - cy) ** 2 + (cols - cx) ** 2))
    h, w = mask.shape
    return pb.Point(x=(cols[i] + 0.5) / w, y=(rows[i] + 0.5) / h)


def _forms(
    meaning: PromptMeaning, mask: NDArray[np.float32], extra: pb.MaskForm | None,
) -> list[pb.MaskForm]:
    from engine.masks.local import raster_mask
    from xmp.lightroom_masks import SEMANTIC_CODES

    forms = []
    if meaning.semantic_class in SEMANTIC_CODES:
        forms.append(pb.MaskForm(components=[pb.Mask(semantic=pb.SemanticMask(
            semantic_class=meaning.semantic_class, prompt=meaning.prompt,  # type: ignore[arg-type]
            reference_point=_inside_point(mask)))]))
    if extra is not None:
        forms.append(extra)
    h, w = mask.shape
    scale = min(1.0, MASKED_RASTER_LONG_SIDE / max(h, w))
    small = proc.resize_mask(mask, max(1, round(w * scale)), max(1, round(h * scale)))
    forms.append(pb.MaskForm(components=[pb.Mask(raster=raster_mask(small))]))
    return forms


def _enhance(
    meaning: PromptMeaning, mask: NDArray[np.float32], thumb: DecodedPhoto, mode: str,
    confidence: float, extra: pb.MaskForm | None, backend: str,
) -> pb.MaskedAdjustment:
    from engine.masks.local import _bbox as padded_bbox
    from engine.masks.local import _local_settings, _masked, _region_photo
    from engine.predictors import get_predictor

    predictor = get_predictor("analytic")
    h, w = thumb.linear.shape[:2]
    small = proc.resize_mask(mask, w, h)
    global_ = predictor.predict(thumb)
    box = padded_bbox(small)
    region = predictor.predict(_region_photo(thumb, small, box, mode))  # type: ignore[arg-type]
    settings, reasons = _local_settings(region, global_)
    masked = _masked(meaning.prompt, _forms(meaning, mask, extra), settings, reasons,
                     confidence, box, f"{backend}+{region.backend}")
    if not settings:
        masked.reason = "the region needs nothing beyond the global settings"
    return masked


def segment(request: pb.SegmentRequest, access: PhotoAccess) -> pb.SegmentResponse:
    """Find what ``request.prompt`` names in the photo (see the module docstring).

    Raises:
        PhotoError: bad request values, an unreadable photo, or (`ModelNeeded`) a prompt
            that needs a CocoGold model when none is configured or loadable.
    """
    prompt, steps, ensemble, mode = _check(request)
    meaning = read_prompt(prompt)
    model_dir = Path(request.model) if request.model else configured_model_dir()
    if model_dir is None and meaning.weight_free is None:
        raise ModelNeeded(f'"{prompt}": {_HOW_TO}')
    pipeline = _pipeline(model_dir) if model_dir is not None else None
    photo = load_photo(request.photo, access, GUIDE_LONG_SIDE)
    thumb = replace(photo, linear=_resized_linear(photo.linear, ANALYSIS_LONG_SIDE))
    guide = np.clip(linear_to_srgb(np.clip(photo.linear, 0, 1)), 0, 1).astype(np.float32)
    extra: pb.MaskForm | None = None
    if pipeline is not None:
        try:
            with _run_lock:
                result = pipeline(guide, prompt, steps=steps, ensemble=ensemble,
                                  seed=request.seed)
        except ValueError as exc:
            raise PhotoError(str(exc)) from None
        mask, confidence = result.mask, result.confidence
        backend = f"{pipeline.version} ({steps} step{'s' * (steps > 1)}, ensemble {ensemble})"
    else:
        assert meaning.weight_free is not None
        small_mask, confidence, extra = _weight_free(meaning.weight_free, thumb)
        mask = proc.guided_upsample(small_mask, guide) if small_mask.any() else \
            np.zeros(guide.shape[:2], np.float32)
        backend = f"{meaning.weight_free}/weight-free"
    info = photo.info
    full = proc.resize_mask(mask, info.width, info.height)
    from engine.masks.local import raster_mask

    response = pb.SegmentResponse(
        info=photo_info_to_proto(info), mask=raster_mask(full),
        confidence=confidence if (full > 0.5).any() else 0.0, bbox=_bbox(full),
        backend=backend)
    if request.enhance and (full > 0.5).any():
        response.masked.CopyFrom(_enhance(meaning, mask, thumb, mode, response.confidence,
                                          extra, backend))
    return response
