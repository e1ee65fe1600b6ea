"""Render the contract's masks (``atelier.v1.Mask``) at any resolution.

Geometry is normalised to the displayed frame (x right, y down, 0..1); distances are
measured in pixels scaled by the long side, so a circle stays a circle on a 3:2 frame
and a mask renders the same at preview and full size.  Every renderer evaluates a
*window* of a full-resolution grid (`Grid`), which is what tiled rendering needs.

Soft masks are floats in [0, 1].  Components combine in order: ``ADD`` = max,
``SUBTRACT`` = ``m · (1 − c)``, ``INTERSECT`` = ``m · c``; ``inverted`` flips a component
before it is combined.  Semantic components need a mask finder (a model) and cannot be
rendered here: `renderable_form` picks the first form without them.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812 (the PyTorch convention)
from PIL import Image
from torch import Tensor

from atelier.v1 import engine_pb2 as pb
from engine.develop.filters import guided_filter_coefficients, resample_window

__all__ = [
    "Grid",
    "MaskError",
    "PreparedMask",
    "brush",
    "combine",
    "linear_gradient",
    "luminance_range",
    "prepare_form",
    "radial_gradient",
    "render_brush",
    "renderable_form",
]

#: Raster masks follow edges of the photo within this fraction of the long side.
RASTER_RADIUS = 0.02
#: Guided-filter regularisation for raster masks (guide is sRGB-encoded luminance).
RASTER_EPS = 1e-3


class MaskError(ValueError):
    """A mask that cannot be rendered (bad geometry, undecodable raster, semantic only)."""


@dataclass(frozen=True)
class Grid:
    """A window of a pixel grid over the displayed frame.

    Attributes:
        height: rows of the whole grid.
        width: columns of the whole grid.
        top: first row of the window.
        left: first column of the window.
        rows: rows in the window.
        cols: columns in the window.
    """

    height: int
    width: int
    top: int = 0
    left: int = 0
    rows: int = -1
    cols: int = -1

    def __post_init__(self) -> None:
        if self.rows < 0:
            object.__setattr__(self, "rows", self.height - self.top)
        if self.cols < 0:
            object.__setattr__(self, "cols", self.width - self.left)

    @property
    def window(self) -> tuple[int, int, int, int]:
        """(top, left, rows, cols)."""
        return self.top, self.left, self.rows, self.cols

    def coords(self, dtype: torch.dtype = torch.float32) -> tuple[Tensor, Tensor]:
        """Pixel centres of the window in long-side units: x (1, cols), y (rows, 1)."""
        long = max(self.height, self.width)
        x = (torch.arange(self.left, self.left + self.cols, dtype=torch.float64) + 0.5) / long
        y = (torch.arange(self.top, self.top + self.rows, dtype=torch.float64) + 0.5) / long
        return x.to(dtype)[None, :], y.to(dtype)[:, None]

    def scale(self) -> tuple[float, float]:
        """(sx, sy): normalised x / y → long-side units."""
        long = max(self.height, self.width)
        return self.width / long, self.height / long


def _smoothstep(t: Tensor) -> Tensor:
    """``3t² − 2t³`` on t clamped to 0..1."""
    t = t.clamp(0, 1)
    t2 = t * t
    return torch.addcmul(t2 * 3, t2, t, value=-2)


def linear_gradient(g: pb.LinearGradient, grid: Grid) -> Tensor:
    """Lightroom ``Mask/Gradient``: 0 at the ``zero`` line, 1 at ``full``, smooth between.

    Returns:
        (rows, cols) mask (a broadcast view when the gradient runs along an axis).
    """
    return _linear_gradient(g, grid).expand(grid.rows, grid.cols)


def _linear_gradient(g: pb.LinearGradient, grid: Grid) -> Tensor:
    """`linear_gradient`, (rows, 1) or (1, cols) when it runs along an axis (the usual
    sky gradient), so the maps built from it stay one value per row or column."""
    sx, sy = grid.scale()
    x, y = grid.coords()
    zx, zy = g.zero.x * sx, g.zero.y * sy
    dx, dy = g.full.x * sx - zx, g.full.y * sy - zy
    n2 = dx * dx + dy * dy
    if n2 < 1e-12:
        raise MaskError("linear gradient: zero and full points coincide")
    if dx == 0:  # the x term is exactly 0: the same values, one per row
        return _smoothstep((y - zy) * (dy / n2))
    if dy == 0:
        return _smoothstep((x - zx) * (dx / n2))
    return _smoothstep((x - zx) * (dx / n2) + (y - zy) * (dy / n2))


def radial_gradient(g: pb.RadialGradient, grid: Grid) -> Tensor:
    """Lightroom ``Mask/CircularGradient``: a feathered (super)ellipse in its box.

    The ellipse fills the box ``left..right × top..bottom`` before rotation by ``angle``
    degrees counter-clockwise (as seen, y down).  ``roundness`` −100..+100 sets the
    superellipse exponent ``p = 2^(1 + roundness/100)`` (1 diamond, 2 ellipse, 4 squarish);
    ``feather`` 0..100 is the soft fraction of the radius.  With ``flipped`` the effect
    is inside, otherwise outside.

    Returns:
        (rows, cols) mask (a broadcast view when the window misses the ellipse).
    """
    return _radial_gradient(g, grid).expand(grid.rows, grid.cols)


def _radial_gradient(g: pb.RadialGradient, grid: Grid) -> Tensor:
    """`radial_gradient` computed only over the ellipse's bounding box: (rows, cols), or
    (1, 1) when the window misses it (outside, ``r ≥ 1``, the mask is exactly constant)."""
    sx, sy = grid.scale()
    ax, ay = (g.right - g.left) / 2 * sx, (g.bottom - g.top) / 2 * sy
    if ax <= 0 or ay <= 0:
        box = f"{g.left:g},{g.top:g}..{g.right:g},{g.bottom:g}"
        raise MaskError(f"radial gradient: empty box {box}")
    cx, cy = (g.left + g.right) / 2 * sx, (g.top + g.bottom) / 2 * sy
    th = math.radians(g.angle)
    c, s = math.cos(th), math.sin(th)
    p = 2.0 ** (1 + max(-100.0, min(100.0, g.roundness)) / 100)
    # half extents of r < 1: the rotated ellipse's, or its rotated box's for other p
    if p == 2.0:
        hx, hy = math.hypot(ax * c, ay * s), math.hypot(ax * s, ay * c)
    else:
        hx, hy = ax * abs(c) + ay * abs(s), ax * abs(s) + ay * abs(c)
    long = max(grid.height, grid.width)  # pixel i's centre is at (i + 0.5) / long
    c0 = max(grid.left, math.floor((cx - hx) * long - 0.5) - 1)
    c1 = min(grid.left + grid.cols, math.ceil((cx + hx) * long - 0.5) + 2)
    r0 = max(grid.top, math.floor((cy - hy) * long - 0.5) - 1)
    r1 = min(grid.top + grid.rows, math.ceil((cy + hy) * long - 0.5) + 2)
    outside = 0.0 if g.flipped else 1.0
    if c0 >= c1 or r0 >= r1:
        return torch.full((1, 1), outside)
    x, y = Grid(grid.height, grid.width, r0, c0, r1 - r0, c1 - c0).coords()
    # counter-clockwise on screen (y down) is clockwise in maths axes; u/ax, v/ay are
    # sums of a row and a column vector (one full-size operation each)
    u = (x - cx) * (c / ax) - (y - cy) * (s / ax)
    v = (x - cx) * (s / ay) + (y - cy) * (c / ay)
    # an ellipse (p = 2, the usual case) needs no general powers (5× faster)
    r = (u * u + v * v).sqrt() if p == 2.0 else (u.abs() ** p + v.abs() ** p) ** (1 / p)
    soft = max(min(g.feather, 100.0), 0.0) / 100
    inner = 1 - soft
    k = 1 / max(soft, 1e-6)
    inside = 1 - _smoothstep(r * k - inner * k)
    m = inside if g.flipped else 1 - inside
    pad = (c0 - grid.left, grid.left + grid.cols - c1, r0 - grid.top, grid.top + grid.rows - r1)
    return F.pad(m, pad, value=outside) if any(pad) else m


def luminance_range(g: pb.LuminanceRange, lum: Tensor) -> Tensor:
    """Pixels whose sRGB-encoded luminance lies in ``min..max``, soft edges ``smoothness`` wide.

    Args:
        lum: (..., rows, cols) sRGB-encoded relative luminance 0..1.
    """
    if not 0 <= g.min <= g.max <= 1:
        raise MaskError(f"luminance range {g.min:g}..{g.max:g} is not within 0..1")
    s = max(g.smoothness, 1e-6)
    return _smoothstep((lum - g.min + s) / s) * _smoothstep((g.max + s - lum) / s)


def _dab_footprint(d: Tensor, radius: float, center_weight: float) -> Tensor:
    """1 inside ``center_weight · radius``, smooth fall-off to 0 at ``radius``."""
    core = max(0.0, min(center_weight, 1.0)) * radius
    return 1 - _smoothstep((d - core) / max(radius - core, 1e-9))


def brush(strokes: Iterable[pb.BrushStroke], grid: Grid) -> Tensor:
    """Lightroom ``Mask/Paint``: strokes of dabs, painted in order.

    A stroke covers ``s = 1 − Π (1 − flow · footprint)`` over its dabs and moves the mask
    towards its ``value`` by ``s`` (``value`` 0 erases).  ``radius`` is a fraction of the
    long side; ``center_weight`` is the hard core fraction of each dab.

    Returns:
        (rows, cols) mask.
    """
    long = max(grid.height, grid.width)
    mask = torch.zeros(grid.rows, grid.cols)
    x, y = grid.coords()
    sx, sy = grid.scale()
    for stroke in strokes:
        r = stroke.radius
        if not 0 < r <= 1:
            raise MaskError(f"brush radius {r!r} is outside 0..1 (fraction of the long side)")
        keep = torch.ones(grid.rows, grid.cols)
        reach = r * long + 1
        for dab in stroke.dabs:
            px, py = dab.x * sx * long, dab.y * sy * long  # dab centre in full-grid pixels
            c0 = max(int(px - reach) - grid.left, 0)
            c1 = min(int(px + reach) + 2 - grid.left, grid.cols)
            r0 = max(int(py - reach) - grid.top, 0)
            r1 = min(int(py + reach) + 2 - grid.top, grid.rows)
            if c0 >= c1 or r0 >= r1:
                continue
            d = ((x[:, c0:c1] - dab.x * sx) ** 2 + (y[r0:r1] - dab.y * sy) ** 2).sqrt()
            foot = _dab_footprint(d, r, stroke.center_weight)
            keep[r0:r1, c0:c1] *= 1 - max(0.0, min(stroke.flow, 1.0)) * foot
        mask = mask + (1 - keep) * (max(0.0, min(stroke.value, 1.0)) - mask)
    return mask


def render_brush(strokes: Iterable[pb.BrushStroke], height: int, width: int) -> Tensor:
    """Brush strokes rendered on a whole ``height`` × ``width`` frame, (height, width) float32.

    This is the reference renderer a raster → dabs fitter measures its fidelity with.
    """
    return brush(strokes, Grid(height, width))


def _decode_raster(r: pb.RasterMask) -> Tensor:
    try:
        img = Image.open(io.BytesIO(r.png))
        img.load()
    except Exception as exc:  # Pillow raises many types for bad data
        raise MaskError(f"raster mask: cannot decode PNG ({exc})") from None
    a = np.asarray(img.convert("L"), dtype=np.float32) / 255.0
    return torch.from_numpy(a)[None, None]


@dataclass
class PreparedMask:
    """A mask form ready to render windows: raster components carry their guided coefficients.

    Attributes:
        components: the form's components, in order.
        raster: per component index, (a, b) guided coefficients (B, 1, h, w) on the context
            grid; the mask is ``a · lum + b`` on any grid.
    """

    components: Sequence[pb.Mask]
    raster: dict[int, tuple[Tensor, Tensor]] = field(default_factory=dict)

    @property
    def needs_luminance(self) -> bool:
        """Whether `render` reads the photo's luminance (raster or luminance-range parts)."""
        return any(c.WhichOneof("kind") in ("raster", "luminance_range") for c in self.components)

    def render(self, grid: Grid, lum: Tensor | None) -> Tensor:
        """The combined mask on ``grid``: (B, 1, rows, cols), or for pure geometry (rows, cols)
        or a shape that broadcasts to it ((rows, 1), (1, cols), (1, 1)).

        Args:
            grid: the window to render.
            lum: (B, 1, rows, cols) sRGB-encoded luminance of the photo on that window;
                needed when `needs_luminance` (geometry alone renders without it).
        """
        out: Tensor | None = None
        for i, comp in enumerate(self.components):
            kind = comp.WhichOneof("kind")
            if kind in ("raster", "luminance_range") and lum is None:
                raise MaskError(f"internal: a {kind} mask needs the photo's luminance")
            if kind == "raster":
                assert lum is not None
                a, b = self.raster[i]
                full = (grid.height, grid.width)
                m = resample_window(a, full, grid.window) * lum
                m = (m + resample_window(b, full, grid.window)).clamp(0, 1)
            elif kind == "luminance_range":
                assert lum is not None
                m = luminance_range(comp.luminance_range, lum)
            else:
                # (rows, cols) or broadcastable to it: broadcasting against
                # (B, 1, rows, cols) maps is free
                m = _GEOMETRY[str(kind)](getattr(comp, str(kind)), grid)
                if lum is not None:
                    m = m.to(lum.dtype).expand_as(lum)
            if comp.inverted:
                m = 1 - m
            out = m if out is None else combine(out, m, comp.blend)
        if out is None:
            raise MaskError("mask form has no components")
        return out


_GEOMETRY: dict[str, Callable[[object, Grid], Tensor]] = {
    "linear_gradient": _linear_gradient,  # type: ignore[dict-item]
    "radial_gradient": _radial_gradient,  # type: ignore[dict-item]
    "brush": lambda m, g: brush(m.strokes, g),  # type: ignore[attr-defined]
}


def combine(mask: Tensor, component: Tensor, blend: int) -> Tensor:
    """Combine a component into the mask so far (``pb.MaskBlend``)."""
    if blend == pb.MASK_BLEND_ADD:
        return torch.maximum(mask, component)
    if blend == pb.MASK_BLEND_SUBTRACT:
        return mask * (1 - component)
    if blend == pb.MASK_BLEND_INTERSECT:
        return mask * component
    raise MaskError(f"unknown mask blend {blend!r}")


def renderable_form(masked: pb.MaskedAdjustment) -> pb.MaskForm:
    """The first form of ``masked`` whose components can all be rendered without a model."""
    for form in masked.forms:
        kinds = [c.WhichOneof("kind") for c in form.components]
        if kinds and None not in kinds and "semantic" not in kinds:
            return form
    raise MaskError(
        f"mask {masked.name!r} has no renderable form (semantic masks need their raster form)"
    )


def prepare_form(form: pb.MaskForm, lum_context: Tensor) -> PreparedMask:
    """Decode raster components and fit their edge-aware upsampling on the context grid.

    Args:
        form: the mask form.
        lum_context: (B, 1, h, w) sRGB-encoded luminance of the photo on the context grid.
    """
    prepared = PreparedMask(list(form.components))
    h, w = lum_context.shape[-2:]
    radius = max(1, round(RASTER_RADIUS * max(h, w)))
    for i, comp in enumerate(form.components):
        if comp.WhichOneof("kind") != "raster":
            continue
        raster = _decode_raster(comp.raster).to(lum_context.dtype)
        raster = F.interpolate(raster, size=(h, w), mode="bilinear", antialias=True,
                               align_corners=False).expand_as(lum_context)
        prepared.raster[i] = guided_filter_coefficients(lum_context, raster, radius, RASTER_EPS)
    return prepared
