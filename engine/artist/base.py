"""What every Artist backend shares: the job, the result, progress, cancellation, strips.

An Artist turns a decoded photo into new pixels.  It first develops the photo with the
job's settings (`develop`, the develop model), so the derived file looks finished, then
applies its operations.  Progress goes to a callback ``progress(stage, fraction,
message)`` with ``fraction`` the overall progress 0..1; ``cancelled()`` is asked between
stages and strips, and a True answer raises `GenerationCancelled`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import Tensor

from engine.artist.plan import Plan
from engine.decode.types import DecodedPhoto

__all__ = [
    "Cancelled",
    "Generated",
    "GenerationCancelled",
    "Job",
    "Progress",
    "develop",
    "map_strips",
    "srgb_decode",
    "srgb_encode",
]

#: ``progress(stage, fraction 0..1 overall, message)``.
Progress = Callable[[str, float, str], None]
#: ``cancelled() -> True`` once the caller no longer wants the result.
Cancelled = Callable[[], bool]

#: Images above this many pixels are processed in horizontal strips (bounded memory).
STRIP_PIXELS = 4_000_000
#: Rows per strip (before the context margins).
STRIP_ROWS = 512
#: Strips of the develop render, rows.
DEVELOP_TILE_ROWS = 512


class GenerationCancelled(Exception):
    """The caller cancelled while the Artist was working."""


@dataclass(frozen=True)
class Job:
    """What to generate.

    Attributes:
        photo: the decoded photo (linear sRGB, EXIF-oriented; full resolution or the
            requested long side).
        settings: develop settings applied first (Lightroom names, slider units).
        plan: the operations to apply (see `engine.artist.plan`).
        seed: seed of stochastic backends.
    """

    photo: DecodedPhoto
    settings: Mapping[str, float]
    plan: Plan
    seed: int = 0


@dataclass
class Generated:
    """The Artist's answer.

    Attributes:
        linear: (3, H, W) developed linear sRGB (D65), ready for `engine.develop.encode_image`.
        operations: what was done, in order (``denoise``, ``sharpen``, ``lowlight``…).
        description: one paragraph with the numbers.
        backend: ``name/version``.
    """

    linear: Tensor
    operations: list[str] = field(default_factory=list)
    description: str = ""
    backend: str = ""


def srgb_encode(linear: Tensor) -> Tensor:
    """Linear → sRGB-encoded, clipped to 0..1."""
    v = linear.clamp(0, 1)
    return torch.where(
        v <= 0.0031308, v * 12.92, 1.055 * v.clamp_min(0.0031308) ** (1 / 2.4) - 0.055
    )


def srgb_decode(encoded: Tensor) -> Tensor:
    """sRGB-encoded 0..1 → linear."""
    e = encoded.clamp(0, 1)
    return torch.where(e <= 0.04045, e / 12.92, ((e.clamp_min(0.04045) + 0.055) / 1.055) ** 2.4)


def develop(photo: DecodedPhoto, settings: Mapping[str, float]) -> Tensor:
    """``photo`` developed with ``settings`` by the develop model: (3, H, W) linear sRGB.

    Raises:
        xmp.vocabulary.SliderRangeError: a setting out of range.
    """
    from engine.develop import render

    image = torch.from_numpy(np.ascontiguousarray(photo.linear)).permute(2, 0, 1)
    as_shot = photo.raw.as_shot_xy if photo.raw is not None else None
    big = max(image.shape[1:]) > 2048
    with torch.no_grad():
        out = render(image, dict(settings), as_shot_xy=as_shot,
                     tile_rows=DEVELOP_TILE_ROWS if big else None)
    return out.clamp_min(0)


def map_strips(
    image: Tensor,
    fn: Callable[[Tensor], Tensor],
    *,
    margin: int,
    cancelled: Cancelled,
    on_strip: Callable[[float], None] | None = None,
    rows: int | None = None,
    max_pixels: int | None = None,
) -> Tensor:
    """Apply a local filter ``fn`` (3, h, W) → (3, h, W) in horizontal strips.

    Each strip is filtered with ``margin`` extra rows of context on either side, of
    which only the centre is kept, so a filter whose support is within ``margin`` px
    gives the same result as on the whole image.  Images of at most ``max_pixels``
    (default `STRIP_PIXELS`) go through in one piece; strips have ``rows`` rows
    (default `STRIP_ROWS`).

    Args:
        on_strip: told the fraction 0..1 of strips done after each one.

    Raises:
        GenerationCancelled: ``cancelled()`` turned True between strips.
    """
    rows = rows or STRIP_ROWS
    max_pixels = STRIP_PIXELS if max_pixels is None else max_pixels
    _, h, w = image.shape
    if h * w <= max_pixels:
        if cancelled():
            raise GenerationCancelled
        out = fn(image)
        if on_strip is not None:
            on_strip(1.0)
        return out
    out = torch.empty_like(image)
    n = math.ceil(h / rows)
    for i in range(n):
        if cancelled():
            raise GenerationCancelled
        y0, y1 = i * rows, min(h, (i + 1) * rows)
        a, b = max(0, y0 - margin), min(h, y1 + margin)
        out[:, y0:y1] = fn(image[:, a:b])[:, y0 - a: y0 - a + (y1 - y0)]
        if on_strip is not None:
            on_strip((i + 1) / n)
    return out
