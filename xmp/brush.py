"""Raster masks → Lightroom ``Mask/Paint`` brush strokes, and a reference dab renderer.

Lightroom keeps AI mask pixels in its catalogue, never in XMP, so an arbitrary raster
mask reaches it as brush dabs.  `fit_strokes` covers the mask's ``≥ threshold`` region
with round dabs chosen greedily (lazy greedy set cover: each dab is the one that adds
the most still-uncovered pixels) inside a dab budget.  Dabs stay inside the region (a dab
is never larger than the distance to the nearest outside pixel), so holes and concave
parts are respected without erasing; ``holes="erase"`` instead paints over enclosed
holes and erases them afterwards with ``value = 0`` strokes, which needs fewer dabs for
many small holes.  Frame edges are not region edges: dabs may hang over them.

`render_strokes` is the reference renderer (same model as
``engine.develop.masks.brush``): a stroke covers ``s = 1 − Π (1 − flow · footprint)``
over its dabs and moves the mask towards its ``value`` by ``s``; a dab's footprint is 1
inside ``center_weight · radius`` and falls smoothly to 0 at ``radius``.  `iou` measures
how well the rendered dabs match the raster.

Units: dab centres are normalised to the frame (x by its width, y by its height, 0..1,
may slightly exceed it at edges); ``radius`` is a fraction of the frame's long side.
"""

from __future__ import annotations

import heapq
import io
import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from PIL import Image
from scipy import ndimage

from atelier.v1 import engine_pb2 as pb

__all__ = [
    "DEFAULT_BUDGET",
    "BrushError",
    "BrushFit",
    "dab_count",
    "decode_png_mask",
    "fit_raster",
    "fit_strokes",
    "iou",
    "render_strokes",
    "soft_iou",
]

#: Default most dabs for one mask (the xmp issue's fidelity target is met within 400).
DEFAULT_BUDGET = 400
#: Fitting grid long side, px: finer costs time, coarser loses thin parts.
DEFAULT_FIT_SIZE = 384
#: Largest raster accepted, px per side (the proto's limit).
MAX_SIDE = 65535

Holes = Literal["avoid", "erase"]
FloatArray = NDArray[np.float32]
BoolArray = NDArray[np.bool_]


class BrushError(ValueError):
    """A raster that cannot be turned into dabs (undecodable, wrong size, bad options)."""


@dataclass(frozen=True)
class BrushFit:
    """Strokes fitted to a raster and their measured fidelity.

    Attributes:
        strokes: Lightroom brush strokes, painted in order (``value`` 0 strokes erase).
        dabs: number of dabs over all strokes.
        iou: intersection over union of ``mask ≥ 0.5`` and ``rendered ≥ 0.5`` on the
            fitting grid, 0..1.
    """

    strokes: list[pb.BrushStroke]
    dabs: int
    iou: float


# -- decoding -----------------------------------------------------------------------------


def decode_png_mask(png: bytes) -> FloatArray:
    """An 8-bit greyscale PNG (255 = full effect) → (height, width) float32 in 0..1.

    Raises:
        BrushError: not a decodable image, or larger than `MAX_SIDE` per side.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(png))
            if max(img.size) > MAX_SIDE:
                raise BrushError(f"raster mask is {img.size[0]}×{img.size[1]} px, over {MAX_SIDE}")
            img.load()
    except BrushError:
        raise
    except Exception as exc:  # Pillow raises many types for bad data
        raise BrushError(f"raster mask: cannot decode PNG ({exc})") from None
    return np.asarray(img.convert("L"), dtype=np.float32) / np.float32(255.0)


# -- rendering ----------------------------------------------------------------------------


def _smoothstep(t: NDArray[np.float64]) -> NDArray[np.float64]:
    t = np.clip(t, 0.0, 1.0)
    return t * t * (3 - 2 * t)


def render_strokes(strokes: Iterable[pb.BrushStroke], height: int, width: int) -> FloatArray:
    """Strokes rendered on a ``height`` × ``width`` frame → (height, width) float32 0..1.

    Raises:
        BrushError: a radius outside 0..1 (fraction of the long side).
    """
    long = max(height, width)
    mask = np.zeros((height, width), dtype=np.float64)
    xs = (np.arange(width, dtype=np.float64) + 0.5) / long  # pixel centres, long-side units
    ys = (np.arange(height, dtype=np.float64) + 0.5) / long
    sx, sy = width / long, height / long
    for stroke in strokes:
        r = stroke.radius
        if not 0 < r <= 1:
            raise BrushError(f"brush radius {r!r} is outside 0..1 (fraction of the long side)")
        core = min(max(stroke.center_weight, 0.0), 1.0) * r
        flow = min(max(stroke.flow, 0.0), 1.0)
        keep = np.ones((height, width), dtype=np.float64)
        reach = r * long + 1
        for dab in stroke.dabs:
            px, py = dab.x * sx * long, dab.y * sy * long
            c0, c1 = max(int(px - reach), 0), min(int(px + reach) + 2, width)
            r0, r1 = max(int(py - reach), 0), min(int(py + reach) + 2, height)
            if c0 >= c1 or r0 >= r1:
                continue
            d = np.hypot(xs[None, c0:c1] - dab.x * sx, ys[r0:r1, None] - dab.y * sy)
            foot = 1 - _smoothstep((d - core) / max(r - core, 1e-9))
            keep[r0:r1, c0:c1] *= 1 - flow * foot
        mask += (1 - keep) * (min(max(stroke.value, 0.0), 1.0) - mask)
    return mask.astype(np.float32)


def iou(a: NDArray[np.floating], b: NDArray[np.floating], threshold: float = 0.5) -> float:
    """Intersection over union of ``a ≥ threshold`` and ``b ≥ threshold`` (1 if both empty)."""
    ma, mb = a >= threshold, b >= threshold
    union = int(np.count_nonzero(ma | mb))
    return 1.0 if union == 0 else int(np.count_nonzero(ma & mb)) / union


def soft_iou(a: NDArray[np.floating], b: NDArray[np.floating]) -> float:
    """Σ min(a, b) / Σ max(a, b) of two soft masks in 0..1 (1 if both empty)."""
    den = float(np.maximum(a, b).sum())
    return 1.0 if den == 0 else float(np.minimum(a, b).sum()) / den


def dab_count(strokes: Iterable[pb.BrushStroke]) -> int:
    """Dabs over all strokes."""
    return sum(len(s.dabs) for s in strokes)


# -- fitting ------------------------------------------------------------------------------


def _resize(mask: FloatArray, fit_size: int) -> FloatArray:
    h, w = mask.shape
    scale = fit_size / max(h, w)
    if scale >= 1:
        return mask
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    img = Image.fromarray(mask.astype(np.float32), mode="F")
    return np.asarray(img.resize(size, Image.Resampling.BOX), dtype=np.float32)


class _DiscCache:
    """Boolean discs ``d < rho`` on pixel centres, by radius level."""

    def __init__(self) -> None:
        self._discs: dict[float, BoolArray] = {}

    def get(self, rho: float) -> BoolArray:
        disc = self._discs.get(rho)
        if disc is None:
            n = math.ceil(rho)
            yy, xx = np.mgrid[-n : n + 1, -n : n + 1]
            disc = np.hypot(yy, xx) < rho
            self._discs[rho] = disc
        return disc


def _window(
    shape: tuple[int, int], cy: int, cx: int, disc: BoolArray
) -> tuple[slice, slice, BoolArray]:
    n = disc.shape[0] // 2
    h, w = shape
    r0, r1 = max(cy - n, 0), min(cy + n + 1, h)
    c0, c1 = max(cx - n, 0), min(cx + n + 1, w)
    sub = disc[r0 - (cy - n) : r1 - (cy - n), c0 - (cx - n) : c1 - (cx - n)]
    return slice(r0, r1), slice(c0, c1), sub


def _levels(max_rho: float, step: float) -> NDArray[np.float64]:
    """Allowed disc radii, px: 1, step, step², … up to ``max_rho``."""
    n = max(1, math.floor(math.log(max(max_rho, 1.0)) / math.log(step)) + 1)
    return np.asarray([step**k for k in range(n)], dtype=np.float64)


def _greedy_discs(
    region: BoolArray, budget: int, levels_step: float, min_gain: int
) -> list[tuple[int, int, float]]:
    """Discs ``(row, col, rho)`` inside ``region`` covering most of it, at most ``budget``.

    ``rho`` is a disc's radius in px on ``region``'s grid; every pixel centre closer than
    ``rho`` to the centre lies in ``region`` (the frame edge does not count as outside).
    """
    h, w = region.shape
    if budget <= 0 or not region.any():
        return []
    if region.all():
        return [(h // 2, w // 2, math.hypot(h, w) / 2 + 1)]
    pad = max(h, w)  # the region continues past the frame: dabs may hang over edges
    dist = ndimage.distance_transform_edt(np.pad(region, pad, mode="edge"))
    dist = np.asarray(dist, dtype=np.float64)[pad : pad + h, pad : pad + w]
    levels = _levels(float(dist.max()), levels_step)
    # Largest allowed level strictly inside: pixel centres at distance < rho are in.
    level_index = np.searchsorted(levels, dist, side="left") - 1
    rows, cols = np.nonzero(region & (level_index >= 0))
    rhos = levels[level_index[rows, cols]]
    # Big discs barely differ from their neighbours': thin their candidates to a lattice
    # whose pitch grows with the radius (a quarter of it), which keeps the greedy fast.
    pitch = np.maximum(1, (rhos / 4).astype(np.int64))
    keep = (rows % pitch == 0) & (cols % pitch == 0)
    rows, cols, rhos = rows[keep], cols[keep], rhos[keep]
    uncovered = region.copy()
    cache = _DiscCache()
    # Lazy greedy: gains only shrink, so a stale bound that still tops the heap is exact.
    heap = [(-math.pi * (rho + 1) ** 2, i) for i, rho in enumerate(rhos)]
    heapq.heapify(heap)
    chosen: list[tuple[int, int, float]] = []
    while heap and len(chosen) < budget:
        bound, i = heapq.heappop(heap)
        if -bound < min_gain:
            break
        cy, cx, rho = int(rows[i]), int(cols[i]), float(rhos[i])
        rs, cs, disc = _window((h, w), cy, cx, cache.get(rho))
        gain = int(np.count_nonzero(uncovered[rs, cs] & disc))
        if heap and gain < -heap[0][0]:
            if gain >= min_gain:
                heapq.heappush(heap, (-gain, i))
            continue
        if gain < min_gain:
            continue
        chosen.append((cy, cx, rho))
        uncovered[rs, cs] &= ~disc
    return chosen


def _strokes_from_discs(
    discs: Sequence[tuple[int, int, float]], shape: tuple[int, int], edge: float, value: float
) -> list[pb.BrushStroke]:
    """One stroke per radius level, dabs in the order they were chosen.

    ``edge`` is the soft edge width in px: a dab's footprint is 0.5 half way across it, so
    that point goes on the disc's rim; a fixed width (not a fraction of the radius) keeps
    big overlapping dabs from spreading past the region.
    """
    h, w = shape
    long = max(h, w)
    by_level: dict[float, pb.BrushStroke] = {}
    for cy, cx, rho in discs:
        stroke = by_level.get(rho)
        if stroke is None:
            radius = rho + edge / 2
            stroke = pb.BrushStroke(
                radius=min(radius / long, 1.0), flow=1.0,
                center_weight=max(0.0, 1.0 - edge / radius), value=value,
            )
            by_level[rho] = stroke
        stroke.dabs.append(pb.Point(x=(cx + 0.5) / w, y=(cy + 0.5) / h))
    return [by_level[k] for k in sorted(by_level, reverse=True)]


def _edge_width(mask: FloatArray, target: BoolArray, scale: float) -> float:
    """Mean width, px of the fitting grid, of the mask's soft edge (0.05..0.95 band)."""
    band = np.count_nonzero((mask > 0.05) & (mask < 0.95))
    rim = np.count_nonzero(target & ~ndimage.binary_erosion(target, border_value=1))
    return 0.0 if rim == 0 else band / rim * scale


def fit_strokes(
    mask: NDArray[np.floating],
    *,
    budget: int = DEFAULT_BUDGET,
    edge: float | None = None,
    holes: Holes = "avoid",
    threshold: float = 0.5,
    fit_size: int = DEFAULT_FIT_SIZE,
    radius_step: float = 1.15,
    min_gain: int = 2,
) -> BrushFit:
    """Cover a soft mask with brush dabs.

    Args:
        mask: (height, width) 0..1, 1 = full effect, displayed frame.
        budget: most dabs, paint and erase together (≥ 1).
        edge: width of each dab's soft edge, fraction of the long side; None = the
            mask's own edge width, at least 1.5 px of the fitting grid.
        holes: ``"avoid"`` paints around holes (additive strokes only, the form every
            Lightroom version renders); ``"erase"`` paints over enclosed holes and erases
            them with ``value = 0`` strokes (fewer dabs; erase strokes inside
            ``MaskGroupBasedCorrections`` are unverified, see `xmp.lightroom_masks`).
        threshold: mask level that counts as inside, 0..1.
        fit_size: long side, px, of the grid dabs are fitted on (the mask is box-downsampled).
        radius_step: ratio between allowed dab radii (> 1); fewer levels = fewer strokes.
        min_gain: a dab must add at least this many fitting-grid pixels.

    Returns:
        strokes, their dab count and IoU on the fitting grid.

    Raises:
        BrushError: bad arguments.
    """
    if budget < 1:
        raise BrushError(f"dab budget {budget!r} must be at least 1")
    if edge is not None and not 0 <= edge <= 1:
        raise BrushError(f"edge {edge!r} is outside 0..1 (fraction of the long side)")
    if radius_step <= 1:
        raise BrushError(f"radius_step {radius_step!r} must be > 1")
    if holes not in ("avoid", "erase"):
        raise BrushError(f"holes={holes!r}: use 'avoid' or 'erase'")
    m = np.asarray(mask, dtype=np.float32)
    if m.ndim != 2 or 0 in m.shape:
        raise BrushError(f"mask must be a non-empty 2-D array, got shape {m.shape}")
    small = _resize(m, fit_size)
    target = small >= threshold
    shape = (int(target.shape[0]), int(target.shape[1]))
    scale = max(shape) / max(m.shape)  # fitting-grid px per mask px
    soft = _edge_width(m, m >= threshold, scale) if edge is None else edge * max(shape)
    soft = max(soft, 1.5)
    if holes == "erase":
        filled = ndimage.binary_fill_holes(target)
        hole = filled & ~target
        # Hole pixels are a cost only once painted over: give erasing its share of the budget.
        share = int(np.count_nonzero(hole)) / max(int(np.count_nonzero(filled)), 1)
        erase_budget = min(budget - 1, max(1, round(budget * min(0.5, 4 * share)))) \
            if hole.any() else 0
        erase = _greedy_discs(hole, erase_budget, radius_step, min_gain)
        paint = _greedy_discs(filled, budget - len(erase), radius_step, min_gain)
        strokes = _strokes_from_discs(paint, shape, soft, 1.0)
        strokes += _strokes_from_discs(erase, shape, soft, 0.0)
    else:
        paint = _greedy_discs(target, budget, radius_step, min_gain)
        strokes = _strokes_from_discs(paint, shape, soft, 1.0)
    rendered = render_strokes(strokes, *shape)
    return BrushFit(strokes, dab_count(strokes), iou(small, rendered, threshold))


def fit_raster(raster: pb.RasterMask, **options: object) -> BrushFit:
    """`fit_strokes` on a proto raster mask (PNG decoded); ``options`` as `fit_strokes`.

    Raises:
        BrushError: undecodable PNG, or its size disagrees with ``width``/``height``.
    """
    mask = decode_png_mask(raster.png)
    h, w = mask.shape
    if (raster.width or w, raster.height or h) != (w, h):
        raise BrushError(
            f"raster mask says {raster.width}×{raster.height} px but its PNG is {w}×{h}"
        )
    return fit_strokes(mask, **options)  # type: ignore[arg-type]
