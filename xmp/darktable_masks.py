"""darktable drawn masks: Atelier mask components as darktable forms.

A darktable module instance is limited to a drawn mask through its blend params
(``mask_id`` = the id of a *group* form).  The group lists member forms with a state
(use/show, union/intersection/difference, inverse) and an opacity; the forms themselves
are ``darktable:masks_history`` entries (``mask_type``: circle 1, group 4, gradient 16,
ellipse 32, brush 64) whose ``mask_points`` blob is an array of darktable 4.2's point
structs (``src/develop/masks.h``, masks version 6):

* circle ``{float center[2], radius, border}``;
* ellipse ``{float center[2], radius[2], rotation, border; int flags}``;
* gradient ``{float anchor[2], rotation, compression, steepness, curvature; int state}``;
* brush point ``{float corner[2], ctrl1[2], ctrl2[2], border[2], density, hardness;
  int state}``;
* group member ``{int formid, parentid, state; float opacity}``.

Geometry: positions are fractions of the width/height of the image as stored (before
darktable's ``flip``); radii and borders are fractions of ``min(width, height)``;
gradient ``compression`` is a fraction of the image diagonal.  Atelier's proto gives
positions in the displayed frame (converted with `xmp.lightroom_masks.mask_to_stored`)
and brush radii as fractions of the long side.

Mapping (each component of the chosen `pb.MaskForm`):

* radial gradient → ellipse, full effect inside ``1 − feather/100`` of the box radius,
  fading to 0 at the box (proportional border; checked by rendering at feather 20, 50,
  90); ``flipped`` false → inverse (effect outside); ``angle`` counter-clockwise as seen;
  ``roundness`` is not representable (ellipse only);
* linear gradient → linear gradient, 0 at the ``zero`` line, 1 at the ``full`` line;
* brush → per stroke, runs of overlapping dabs become brush forms (radius, hardness =
  ``center_weight``, density = ``flow``); an isolated dab becomes a circle;
  erase strokes (``value`` 0) are subtracted;
* raster → brush dabs fitted by `xmp.brush.fit_raster`, then as brush;
* semantic and luminance-range components have no darktable drawn form: a form holding
  one is skipped and the next form of the adjustment is tried.
"""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from atelier.v1 import engine_pb2 as pb
from xmp.brush import BrushError, fit_raster
from xmp.darktable_params import encode_blob
from xmp.lightroom_masks import MaskWriteError, mask_to_stored

__all__ = [
    "MASKS_VERSION",
    "STATE_DIFFERENCE",
    "STATE_INTERSECTION",
    "STATE_INVERSE",
    "STATE_SHOW",
    "STATE_UNION",
    "STATE_USE",
    "TYPE_BRUSH",
    "TYPE_CIRCLE",
    "TYPE_ELLIPSE",
    "TYPE_GRADIENT",
    "TYPE_GROUP",
    "Form",
    "MaskWriteError",
    "darktable_form",
    "forms_for_mask",
    "group_form",
    "unpack_points",
]

#: ``DEVELOP_MASKS_VERSION`` of darktable 4.2.
MASKS_VERSION = 6

TYPE_CIRCLE = 1
TYPE_GROUP = 4
TYPE_GRADIENT = 16
TYPE_ELLIPSE = 32
TYPE_BRUSH = 64

# dt_masks_state_t bits of a group member.
STATE_USE = 1
STATE_SHOW = 2
STATE_INVERSE = 4
STATE_UNION = 8
STATE_INTERSECTION = 16
STATE_DIFFERENCE = 32

_POINT_FMT = {
    TYPE_CIRCLE: "<4f",
    TYPE_ELLIPSE: "<6fi",
    TYPE_GRADIENT: "<6fi",
    TYPE_BRUSH: "<10fi",
    TYPE_GROUP: "<3if",
}
_ELLIPSE_PROPORTIONAL = 1
_GRADIENT_LINEAR = 1
_BRUSH_POINT_NORMAL = 1  # darktable computes smooth control points itself
#: Smallest inner (full-effect) radius, as a fraction of the box: feather 100 would
#: need an infinite proportional border.
MIN_ELLIPSE_INNER = 0.01


@dataclass(frozen=True)
class Form:
    """One darktable form: type, id, name and its packed point structs.

    Attributes:
        type: ``TYPE_*``.
        formid: darktable form id (unique within the image, > 0).
        name: shown in darktable's mask manager.
        points: the point structs, packed (``nb`` × struct size bytes).
        nb: number of points.
        source: clone source position (unused here, 0, 0).
    """

    type: int
    formid: int
    name: str
    points: bytes
    nb: int
    source: tuple[float, float] = (0.0, 0.0)

    @property
    def source_bytes(self) -> bytes:
        return struct.pack("<2f", *self.source)


@dataclass
class _Member:
    form: Form
    state: int
    opacity: float = 1.0


@dataclass
class _Builder:
    """Collects member forms of one mask group with darktable-unique ids."""

    seed: str
    taken: set[int]
    members: list[_Member] = field(default_factory=list)

    def new_id(self, label: str) -> int:
        # Ids from the content: the same masks written twice get the same ids.
        n = zlib.crc32(f"{self.seed}/{label}".encode()) & 0x3FFFFFFF
        n = max(n, 1)
        while n in self.taken:
            n = (n + 1) & 0x3FFFFFFF or 1
        self.taken.add(n)
        return n

    def add(self, type_: int, name: str, points: list[bytes], state: int, opacity: float) -> None:
        label = f"{len(self.members)}/{name}"
        form = Form(type_, self.new_id(label), name, b"".join(points), len(points))
        if self.members and not state & (STATE_DIFFERENCE | STATE_INTERSECTION):
            state |= STATE_UNION
        self.members.append(_Member(form, state | STATE_USE | STATE_SHOW, opacity))


def unpack_points(form_type: int, data: bytes) -> list[tuple[float | int, ...]]:
    """A ``mask_points`` blob → list of point tuples (for tests and inspection)."""
    fmt = _POINT_FMT[form_type]
    size = struct.calcsize(fmt)
    if len(data) % size:
        raise MaskWriteError(f"mask points of {len(data)} bytes are not a multiple of {size}")
    return [struct.unpack_from(fmt, data, i) for i in range(0, len(data), size)]


# -- components -----------------------------------------------------------------------


def _ellipse(b: _Builder, g: pb.RadialGradient, state: int, size: tuple[int, int]) -> None:
    w, h = size
    short = min(w, h)
    rx, ry = (g.right - g.left) / 2 * w / short, (g.bottom - g.top) / 2 * h / short
    if rx <= 0 or ry <= 0:
        raise MaskWriteError("a radial gradient's box is empty")
    soft = min(max(g.feather, 0.0), 100.0) / 100
    inner = max(1.0 - soft, MIN_ELLIPSE_INNER)
    border = 1.0 / inner - 1.0
    # darktable's radii are those of the inner (full-effect) ellipse.
    point = struct.pack(
        _POINT_FMT[TYPE_ELLIPSE], (g.left + g.right) / 2, (g.top + g.bottom) / 2,
        rx * inner, ry * inner, -g.angle, max(border, 1e-4), _ELLIPSE_PROPORTIONAL,
    )
    if not g.flipped:
        state |= STATE_INVERSE
    b.add(TYPE_ELLIPSE, "atelier ellipse", [point], state, 1.0)


def _gradient(b: _Builder, g: pb.LinearGradient, state: int, size: tuple[int, int]) -> None:
    w, h = size
    dx, dy = (g.full.x - g.zero.x) * w, (g.full.y - g.zero.y) * h
    dist = math.hypot(dx, dy)
    if dist < 1e-9:
        raise MaskWriteError("a linear gradient's zero and full points coincide")
    # darktable's linear gradient: 0.5 + 0.5·d/compression, d in diagonals along the
    # direction the rotation points to; 0 → 1 over 2·compression.
    compression = dist / (2 * math.hypot(w, h))
    rotation = math.degrees(math.atan2(-dx, -dy))
    point = struct.pack(
        _POINT_FMT[TYPE_GRADIENT], (g.zero.x + g.full.x) / 2, (g.zero.y + g.full.y) / 2,
        rotation, compression, 0.0, 0.0, _GRADIENT_LINEAR,
    )
    b.add(TYPE_GRADIENT, "atelier gradient", [point], state, 1.0)


def _runs(stroke: pb.BrushStroke) -> Iterable[list[pb.Point]]:
    """Consecutive dabs that overlap (gap ≤ radius, long-side units) as runs."""
    run: list[pb.Point] = []
    for dab in stroke.dabs:
        if run and math.hypot(dab.x - run[-1].x, dab.y - run[-1].y) > stroke.radius:
            yield run
            run = []
        run.append(dab)
    if run:
        yield run


def _brush(b: _Builder, brush: pb.BrushMask, state: int, size: tuple[int, int]) -> None:
    w, h = size
    long, short = max(w, h), min(w, h)
    for stroke in brush.strokes:
        if not 0 < stroke.radius <= 1:
            raise MaskWriteError(f"brush radius {stroke.radius!r} is outside 0..1")
        radius = stroke.radius * long / short
        hard = min(max(stroke.center_weight, 0.0), 1.0)
        flow = min(max(stroke.flow, 0.0), 1.0) or 1.0
        stroke_state = state
        if stroke.value == 0:
            stroke_state = (state & ~STATE_INTERSECTION) | STATE_DIFFERENCE
        for run in _runs(stroke):
            if len(run) == 1:
                point = struct.pack(_POINT_FMT[TYPE_CIRCLE], run[0].x, run[0].y,
                                    radius * hard, max(radius * (1 - hard), 1e-4))
                b.add(TYPE_CIRCLE, "atelier dab", [point], stroke_state, flow)
                continue
            points = [
                struct.pack(_POINT_FMT[TYPE_BRUSH], p.x, p.y, p.x, p.y, p.x, p.y,
                            radius, radius, 1.0, hard, _BRUSH_POINT_NORMAL)
                for p in run
            ]
            b.add(TYPE_BRUSH, "atelier brush", points, stroke_state, flow)


def _component_state(comp: pb.Mask, first: bool) -> int:
    state = 0
    if not first and comp.blend == pb.MASK_BLEND_SUBTRACT:
        state |= STATE_DIFFERENCE
    elif not first and comp.blend == pb.MASK_BLEND_INTERSECT:
        state |= STATE_INTERSECTION
    if comp.inverted:
        state |= STATE_INVERSE
    return state


def _why_not(form: pb.MaskForm) -> str | None:
    if not form.components:
        return "it has no components"
    for comp in form.components:
        kind = comp.WhichOneof("kind")
        if kind in ("semantic", "luminance_range") or kind is None:
            return f"darktable has no drawn form for a {kind or 'missing'} component"
    return None


def forms_for_mask(
    masked: pb.MaskedAdjustment,
    size: tuple[int, int],
    *,
    orientation: int = 1,
    taken: set[int] | None = None,
    seed: str = "",
) -> list[tuple[Form, int, float]]:
    """The member forms of ``masked``'s first darktable-drawable form.

    Args:
        masked: the local adjustment; geometry normalised to the displayed frame.
        size: (width, height) px of the image as stored (darktable's input frame).
        orientation: EXIF orientation 1..8 (stored → displayed).
        taken: form ids already used in the sidecar; new ids are added to it.
        seed: distinguishes the ids of otherwise identical masks.

    Returns:
        ``(form, group state, opacity)`` per member, in combination order.

    Raises:
        MaskWriteError: no drawable form, bad geometry or orientation.
    """
    reasons = []
    chosen = None
    for n, form in enumerate(masked.forms, 1):
        why = _why_not(form)
        if why is None:
            chosen = form
            break
        reasons.append(f"form {n}: {why}")
    if chosen is None:
        detail = "; ".join(reasons) or "it has no forms"
        raise MaskWriteError(f"mask {masked.name!r} has no form darktable draws ({detail})")
    b = _Builder(seed + masked.SerializeToString(deterministic=True).hex()[:64],
                 taken if taken is not None else set())
    for i, comp in enumerate(chosen.components):
        state = _component_state(comp, first=i == 0)
        kind = comp.WhichOneof("kind")
        if kind == "raster":
            try:
                fit = fit_raster(comp.raster)
            except BrushError as exc:
                raise MaskWriteError(f"raster mask: {exc}") from None
            comp = pb.Mask(brush=pb.BrushMask(strokes=fit.strokes), blend=comp.blend,
                           inverted=comp.inverted)
            kind = "brush"
        stored = mask_to_stored(comp, orientation)
        if kind == "radial_gradient":
            _ellipse(b, stored.radial_gradient, state, size)
        elif kind == "linear_gradient":
            _gradient(b, stored.linear_gradient, state, size)
        elif kind == "brush":
            _brush(b, stored.brush, state, size)
    if not b.members:
        raise MaskWriteError(f"mask {masked.name!r} produced no darktable forms")
    return [(m.form, m.state, m.opacity) for m in b.members]


def group_form(
    formid: int, name: str, members: Sequence[tuple[Form, int, float]]
) -> Form:
    """A group form (``mask_type`` 4) referencing ``members`` with their states."""
    points = [
        struct.pack(_POINT_FMT[TYPE_GROUP], form.formid, formid, state, opacity)
        for form, state, opacity in members
    ]
    return Form(TYPE_GROUP, formid, name, b"".join(points), len(points))


def darktable_form(form: Form) -> dict[str, str]:
    """A form as the attributes of its ``darktable:masks_history`` entry (without
    ``mask_num``)."""
    return {
        "mask_id": str(form.formid),
        "mask_type": str(form.type),
        "mask_name": form.name,
        "mask_version": str(MASKS_VERSION),
        "mask_points": encode_blob(form.points),
        "mask_nb": str(form.nb),
        "mask_src": encode_blob(form.source_bytes),
    }
