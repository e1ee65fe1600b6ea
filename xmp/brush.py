"""Raster masks → Lightroom ``Mask/Paint`` brush strokes, and a reference dab renderer.

Lightroom keeps AI mask pixels in its catalogue, never in XMP, so an arbitrary raster
mask reaches it as brush dabs.  `fit_strokes` covers the mask's ``≥ threshold`` region
with round dabs chosen greedily (lazy greedy set cover: each dab is the one that adds
the most still-uncovered pixels) inside a dab budget.  Dabs first stay inside the region
(a dab is never larger than the distance to the nearest outside pixel), so holes and
concave parts are respected without erasing.  When that runs out of budget before the
region is covered (thin parts, fine texture), small dabs may also grow past the region
at a cost per outside pixel, and the better of the two renderings is kept.
``holes="erase"`` instead paints over enclosed holes and erases them afterwards with
``value = 0`` strokes.  Each dab's soft edge has the mask's own edge width (at least
1.5 px of the fitting grid), so big overlapping dabs do not spread.  Frame edges are not
region edges: dabs may hang over them.

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
from types import ModuleType
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from PIL import Image

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
#: IoU above which the slower spilling strategy is not tried.
_GOOD_ENOUGH = 0.9
#: Only discs that fit inside with at most this radius, px, may grow past the region.
_GROW_BELOW = 6.0
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


def _ndimage() -> ModuleType:
    """``scipy.ndimage``, imported when first needed: every command that imports the
    XMP writers would otherwise pay ~0.5 s for it."""
    from scipy import ndimage

    return ndimage


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
    region: BoolArray, budget: int, levels_step: float, min_gain: int, *,
    spill: float = 0.0, grow: int = 0,
) -> list[tuple[int, int, float]]:
    """Discs ``(row, col, rho)`` covering most of ``region``, at most ``budget``.

    ``rho`` is a disc's radius in px on ``region``'s grid.  With ``grow = 0`` every pixel
    centre closer than ``rho`` to a disc's centre lies in ``region``; ``grow`` allows
    discs up to ``grow`` radius levels larger, which pays off on thin parts, at a cost of
    ``spill`` per outside pixel covered (0..1: a dab is worth it when it adds more than
    ``spill`` inside pixels per outside pixel — for IoU, ``spill`` ≈ the IoU reached).
    The frame edge does not count as outside: dabs may hang over it.
    """
    h, w = region.shape
    if budget <= 0 or not region.any():
        return []
    if region.all():
        return [(h // 2, w // 2, math.hypot(h, w) / 2 + 1)]
    pad = max(h, w)  # the region continues past the frame
    dist = _ndimage().distance_transform_edt(np.pad(region, pad, mode="edge"))
    dist = np.asarray(dist, dtype=np.float64)[pad : pad + h, pad : pad + w]
    levels = _levels(float(dist.max()), levels_step)
    levels = np.concatenate([levels, levels[-1] * levels_step ** np.arange(1, grow + 1)])
    # Largest level strictly inside: pixel centres at distance < rho are in the region.
    inside = np.searchsorted(levels, dist, side="left") - 1
    rows, cols = np.nonzero(region & (inside >= (0 if grow == 0 else -1)))
    base = np.maximum(inside[rows, cols], 0)
    # Growing pays off on thin parts only (a big disc grown spills far more than it adds).
    extra = np.where(levels[base] <= _GROW_BELOW, grow, 0)
    rows = np.repeat(rows, extra + 1)
    cols = np.repeat(cols, extra + 1)
    starts = np.cumsum(extra + 1) - (extra + 1)
    step = np.arange(len(rows)) - np.repeat(starts, extra + 1)
    index = np.minimum(np.repeat(base, extra + 1) + step, len(levels) - 1)
    rhos = levels[index]
    # Big discs barely differ from their neighbours': thin their candidates to a lattice
    # whose pitch grows with the radius (a quarter of it), which keeps the greedy fast.
    pitch = np.maximum(1, (rhos / 4).astype(np.int64))
    keep = (rows % pitch == 0) & (cols % pitch == 0)
    rows, cols, rhos = rows[keep], cols[keep], rhos[keep]
    uncovered = region.copy()
    clean = ~region  # outside pixels no dab covers yet (each costs ``spill`` once)
    cache = _DiscCache()
    # Lazy greedy: a re-evaluated gain that still tops the heap is taken.  Without spill
    # gains only shrink, so this is the exact greedy choice.
    heap = [(-math.pi * (rho + 1) ** 2, i) for i, rho in enumerate(rhos)]
    heapq.heapify(heap)
    chosen: list[tuple[int, int, float]] = []
    while heap and len(chosen) < budget:
        bound, i = heapq.heappop(heap)
        if -bound < min_gain:
            break
        cy, cx, rho = int(rows[i]), int(cols[i]), float(rhos[i])
        rs, cs, disc = _window((h, w), cy, cx, cache.get(rho))
        gain = float(np.count_nonzero(uncovered[rs, cs] & disc))
        if spill and gain >= min_gain:
            gain -= spill * np.count_nonzero(clean[rs, cs] & disc)
        if heap and gain < -heap[0][0]:
            if gain >= min_gain:
                heapq.heappush(heap, (-gain, i))
            continue
        if gain < min_gain:
            continue
        chosen.append((cy, cx, rho))
        uncovered[rs, cs] &= ~disc
        clean[rs, cs] &= ~disc
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
    rim = np.count_nonzero(target & ~_ndimage().binary_erosion(target, border_value=1))
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
    grow: int = 2,
    spill: float = 0.8,
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
        grow: radius levels a paint dab may exceed the largest disc that fits inside
            (0 = never spill; more covers thin parts with fewer dabs).
        spill: cost of painting one outside pixel, in inside pixels gained, 0..1.

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
    if grow < 0 or not 0 <= spill <= 1:
        raise BrushError(f"grow={grow!r} must be ≥ 0 and spill={spill!r} within 0..1")
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
    # Dabs inside the region first; only when that runs out of budget (thin parts, fine
    # texture) can bigger dabs that spill over do better: keep whichever renders closer.
    best: BrushFit | None = None
    for g in (0, grow) if grow else (0,):
        strokes = _cover(target, budget, holes, soft, radius_step, min_gain, g, spill)
        fit = BrushFit(strokes, dab_count(strokes),
                       iou(small, render_strokes(strokes, *shape), threshold))
        if best is None or fit.iou > best.iou:
            best = fit
        if best.dabs < budget or best.iou >= _GOOD_ENOUGH:
            break  # all that fits inside is covered, or close enough: spare the time
    assert best is not None
    return best


def _cover(
    target: BoolArray, budget: int, holes: Holes, edge: float, radius_step: float,
    min_gain: int, grow: int, spill: float,
) -> list[pb.BrushStroke]:
    """Strokes covering ``target`` (see `fit_strokes`)."""
    shape = (int(target.shape[0]), int(target.shape[1]))
    if holes == "avoid":
        paint = _greedy_discs(target, budget, radius_step, min_gain, spill=spill, grow=grow)
        return _strokes_from_discs(paint, shape, edge, 1.0)
    filled = _ndimage().binary_fill_holes(target)
    hole = filled & ~target
    # Paint the filled shape (it needs few dabs), then erase the holes with what is left;
    # at most half the budget paints when there are holes to erase.
    paint_budget = budget if not hole.any() else max(1, budget // 2)
    paint = _greedy_discs(filled, paint_budget, radius_step, min_gain, spill=spill, grow=grow)
    erase = _greedy_discs(hole, budget - len(paint), radius_step, min_gain)
    return _strokes_from_discs(paint, shape, edge, 1.0) + \
        _strokes_from_discs(erase, shape, edge, 0.0)


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
