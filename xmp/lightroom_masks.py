"""Lightroom ``crs:MaskGroupBasedCorrections``: Atelier masks as Lightroom corrections.

Each `pb.MaskedAdjustment` becomes one correction, written in the element and attribute
forms of real Lightroom Classic 14/15 files (``data/xmp/lightroom``): an ``rdf:li`` holding
an ``rdf:Description`` with ``What="Correction"``, ``CorrectionAmount``,
``CorrectionActive``, ``CorrectionName``, ``CorrectionSyncID``, every ``Local*`` attribute
(zeros included, exposure stored as EV/4, the others /100) and ``crs:CorrectionMasks``.
The masks are the components of the first of the adjustment's forms Lightroom can render:

* semantic → ``Mask/Image`` (AI subject, sky, background, people parts, landscape
  classes; Lightroom recomputes the pixels, so no digests are written);
* linear gradient → ``Mask/Gradient``; radial gradient → ``Mask/CircularGradient``;
* brush → one ``Mask/Paint`` component per stroke (``Radius``, ``Flow``,
  ``CenterWeight``, ``crs:Dabs`` of ``"d x y"``), the element form of real LR files;
* raster → brush dabs fitted by `xmp.brush.fit_strokes` (additive strokes only).

Geometry in the proto is normalised to the displayed (EXIF-oriented) whole photo, as
the analysis sees it; Lightroom stores it in the frame of the image as stored, un-cropped
(`xmp.crop`), so every point is converted with the EXIF orientation (`to_stored`) and an
existing crop changes nothing.  Geometry measured on Lightroom's cropped view instead is
converted with that crop too (``crop=``, ``CropAngle`` included).  Sync IDs are
name-based UUIDs of the content, so writing the same masks twice gives identical bytes.

Unverified forms, written only with ``experimental_forms=True`` (no real Lightroom file
with them was available): ``Mask/RangeMask`` for luminance ranges, the subtract and
intersect blend codes (``MaskBlendMode="1"``; subtract is written as intersect with the
component inverted), and erase strokes (``Mask/Paint`` with ``MaskValue="0"`` as in
Lightroom 6 ``PaintBasedCorrections``).  Brush ``Radius`` is written as the proto's
fraction of the long side; Lightroom's reference length is also unverified.
"""

from __future__ import annotations

import functools
import io
import math
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence

import numpy as np
from PIL import Image

from atelier.settings import local_settings_from_adjustments
from atelier.v1 import engine_pb2 as pb
from xmp.brush import DEFAULT_BUDGET, BrushError, decode_png_mask, fit_raster
from xmp.crop import Crop
from xmp.packet import XmpError, qname
from xmp.vocabulary import local_slider

__all__ = [
    "SEMANTIC_CODES",
    "MaskWriteError",
    "correction_element",
    "mask_group_element",
    "mask_to_stored",
    "to_stored",
    "writable_form",
]


class MaskWriteError(ValueError):
    """A mask Lightroom cannot be given (no renderable form, bad orientation or geometry)."""


#: Semantic class → (``MaskSubType``, ``MaskSubCategoryID`` or None), from real LrC files.
SEMANTIC_CODES: dict[int, tuple[int, int | None]] = {
    pb.SEMANTIC_CLASS_SUBJECT: (1, None),
    pb.SEMANTIC_CLASS_SKY: (2, None),
    pb.SEMANTIC_CLASS_BACKGROUND: (0, 22),
    pb.SEMANTIC_CLASS_ARCHITECTURE: (0, 50001),
    pb.SEMANTIC_CLASS_NATURAL_GROUND: (0, 50004),
    pb.SEMANTIC_CLASS_VEGETATION: (0, 50005),
    pb.SEMANTIC_CLASS_WATER: (0, 50007),
    pb.SEMANTIC_CLASS_FACE_SKIN: (3, 2),
    pb.SEMANTIC_CLASS_IRIS_PUPIL: (3, 3),
    pb.SEMANTIC_CLASS_BODY_SKIN: (3, 4),
    pb.SEMANTIC_CLASS_HAIR: (3, 5),
    pb.SEMANTIC_CLASS_LIPS: (3, 6),
    pb.SEMANTIC_CLASS_EYE_WHITES: (3, 8),
    pb.SEMANTIC_CLASS_EYEBROWS: (3, 9),
    pb.SEMANTIC_CLASS_CLOTHES: (3, 11),
    pb.SEMANTIC_CLASS_TEETH: (3, 12),
    # PERSON (whole person) and MOUNTAINS: no real-file evidence of their codes.
}

_SEMANTIC_NAMES = {
    pb.SEMANTIC_CLASS_SUBJECT: "Subject",
    pb.SEMANTIC_CLASS_SKY: "Sky",
    pb.SEMANTIC_CLASS_BACKGROUND: "Background",
    pb.SEMANTIC_CLASS_ARCHITECTURE: "Architecture",
    pb.SEMANTIC_CLASS_NATURAL_GROUND: "Natural Ground",
    pb.SEMANTIC_CLASS_VEGETATION: "Vegetation",
    pb.SEMANTIC_CLASS_WATER: "Water",
    pb.SEMANTIC_CLASS_FACE_SKIN: "Face Skin",
    pb.SEMANTIC_CLASS_IRIS_PUPIL: "Iris and Pupil",
    pb.SEMANTIC_CLASS_BODY_SKIN: "Body Skin",
    pb.SEMANTIC_CLASS_HAIR: "Hair",
    pb.SEMANTIC_CLASS_LIPS: "Lips",
    pb.SEMANTIC_CLASS_EYE_WHITES: "Eye Sclera",
    pb.SEMANTIC_CLASS_EYEBROWS: "Eyebrows",
    pb.SEMANTIC_CLASS_CLOTHES: "Clothes",
    pb.SEMANTIC_CLASS_TEETH: "Teeth",
}

# Every Local* attribute real LrC 14/15 corrections carry, in their order; ours come from
# LOCAL_SLIDERS, the legacy (pre-2012) and unsupported ones are written as Lightroom
# writes them when unused.
_LOCAL_ORDER: tuple[tuple[str, str], ...] = (
    ("LocalExposure", "0"),
    ("LocalHue", "0"),
    ("LocalSaturation", "0"),
    ("LocalContrast", "0"),
    ("LocalClarity", "0"),
    ("LocalSharpness", "0"),
    ("LocalBrightness", "0"),
    ("LocalToningHue", "0"),
    ("LocalToningSaturation", "0"),
    ("LocalExposure2012", "0"),
    ("LocalContrast2012", "0"),
    ("LocalHighlights2012", "0"),
    ("LocalShadows2012", "0"),
    ("LocalWhites2012", "0"),
    ("LocalBlacks2012", "0"),
    ("LocalClarity2012", "0"),
    ("LocalDehaze", "0"),
    ("LocalLuminanceNoise", "0"),
    ("LocalMoire", "0"),
    ("LocalDefringe", "0"),
    ("LocalTemperature", "0"),
    ("LocalTint", "0"),
    ("LocalTexture", "0"),
    ("LocalGrain", "0"),
    ("LocalCurveRefineSaturation", "100"),
)

# Name-based UUIDs (RFC 4122 v5) under Atelier's own namespace: stable across runs.
_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "http://atelier.local/ns/1.0/MaskSyncID")

_MASK_BLEND_ADD, _MASK_BLEND_INTERSECT = 0, 1  # MaskBlendMode codes (1 unverified)


def _num(value: float) -> str:
    """A number as Lightroom writes it: up to 6 decimals, no trailing zeros (``0.25``)."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _sync_id(*parts: bytes | str) -> str:
    """32 upper-case hex digits, a name-based UUID of ``parts``."""
    name = "\x1f".join(p.hex() if isinstance(p, bytes) else p for p in parts)
    return uuid.uuid5(_ID_NAMESPACE, name).hex.upper()


# -- orientation --------------------------------------------------------------------------

# EXIF orientation → (swap, flip_x, flip_y): stored x = (y if swap else x), then flipped.
_ORIENT: dict[int, tuple[bool, bool, bool]] = {
    1: (False, False, False),
    2: (False, True, False),
    3: (False, True, True),
    4: (False, False, True),
    5: (True, False, False),
    6: (True, False, True),
    7: (True, True, True),
    8: (True, True, False),
}
# The Pillow transpose that turns the displayed image into the stored one.
_TO_STORED_PIXELS: dict[int, Image.Transpose | None] = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def _check_orientation(orientation: int) -> None:
    if orientation not in _ORIENT:
        raise MaskWriteError(f"EXIF orientation {orientation!r} is not one of 1..8")


def to_stored(x: float, y: float, orientation: int) -> tuple[float, float]:
    """A point normalised to the displayed frame → normalised to the stored frame.

    ``orientation`` is EXIF/``tiff:Orientation`` 1..8 (how the stored image is turned for
    display, e.g. 6 = rotate 90° clockwise).

    Raises:
        MaskWriteError: ``orientation`` not in 1..8.
    """
    _check_orientation(orientation)
    swap, flip_x, flip_y = _ORIENT[orientation]
    sx, sy = (y, x) if swap else (x, y)
    return (1 - sx if flip_x else sx), (1 - sy if flip_y else sy)


def _angle(angle: float) -> float:
    """Degrees into -180 < a ≤ 180."""
    a = math.fmod(angle, 360.0)
    if a > 180:
        a -= 360
    elif a <= -180:
        a += 360
    return a


class _Frame:
    """Displayed view → stored frame: the EXIF orientation, then (with a crop) the crop
    rectangle's place, turn and size in the stored image of ``size`` px."""

    def __init__(self, orientation: int, crop: Crop | None, size: tuple[int, int] | None):
        _check_orientation(orientation)
        if crop is not None and (size is None or min(size) <= 0):
            raise MaskWriteError("a crop needs the photo's size in pixels")
        self.orientation = orientation
        self.crop = crop
        # size is displayed (as the analysis reports it); the crop works on stored pixels
        self.stored = (size[1], size[0]) if size and orientation >= 5 else size
        self.crop_px: tuple[float, float] | None = None  # the crop's sides, stored px
        if crop is not None and self.stored is not None:
            try:
                self.crop_px = crop.size_px(self.stored)
            except XmpError as exc:
                raise MaskWriteError(str(exc)) from None

    def point(self, p: pb.Point) -> pb.Point:
        x, y = to_stored(p.x, p.y, self.orientation)
        if self.crop is not None and self.stored is not None:
            x, y = self.crop.to_stored(x, y, self.stored)
        return pb.Point(x=x, y=y)

    def radial(self, g: pb.RadialGradient) -> pb.RadialGradient:
        """The box maps with its corners, the angle changes sign under a mirror and turns
        with the crop; the ellipse keeps its size in pixels."""
        (x0, y0), (x1, y1) = (to_stored(g.left, g.top, self.orientation),
                              to_stored(g.right, g.bottom, self.orientation))
        out = pb.RadialGradient()
        out.CopyFrom(g)
        out.left, out.right = min(x0, x1), max(x0, x1)
        out.top, out.bottom = min(y0, y1), max(y0, y1)
        mirrored = self.orientation in (2, 4, 5, 7)
        out.angle = _angle(-g.angle if mirrored else g.angle)
        if self.crop is None or self.stored is None or self.crop_px is None:
            return out
        width, height = self.crop_px
        half_x = (out.right - out.left) / 2 * width / self.stored[0]
        half_y = (out.bottom - out.top) / 2 * height / self.stored[1]
        centre = self.crop.to_stored((out.left + out.right) / 2, (out.top + out.bottom) / 2,
                                     self.stored)
        out.left, out.right = centre[0] - half_x, centre[0] + half_x
        out.top, out.bottom = centre[1] - half_y, centre[1] + half_y
        # the crop's top edge is turned by −CropAngle counter-clockwise (as seen, y down)
        out.angle = _angle(out.angle - self.crop.angle)
        return out

    def radius(self, r: float) -> float:
        """A brush radius, fraction of the view's long side → of the stored long side."""
        if self.stored is None or self.crop_px is None:
            return r
        return r * max(self.crop_px) / max(self.stored)


def mask_to_stored(
    mask: pb.Mask, orientation: int, *, crop: Crop | None = None,
    size: tuple[int, int] | None = None,
) -> pb.Mask:
    """A copy of ``mask`` with its geometry in the stored, un-cropped frame.

    Without ``crop`` the geometry is normalised to the whole displayed photo (what
    Atelier's analysis sees): points map with `to_stored`; a radial gradient's box maps
    with its corners and its angle changes sign under a mirror (orientations 2, 4, 5, 7);
    brush radii (fractions of the long side) are unchanged; raster pixels are transposed.
    With ``crop`` (`xmp.crop.Crop`, e.g. ``Crop.from_packet``) the geometry is normalised
    to what Lightroom shows — the crop, straightened by ``CropAngle`` and oriented — and
    also moves, turns and scales with the crop rectangle (``size`` = the whole photo's
    displayed width, height in px; the angle needs the aspect ratio).

    Raises:
        MaskWriteError: bad orientation, a crop without ``size``, an empty crop, an
            undecodable raster, or a raster in a cropped view (fit it to dabs first).
    """
    frame = _Frame(orientation, crop, size)
    out = pb.Mask()
    out.CopyFrom(mask)
    if orientation == 1 and crop is None:
        return out
    kind = mask.WhichOneof("kind")
    if kind == "semantic" and mask.semantic.HasField("reference_point"):
        out.semantic.reference_point.CopyFrom(frame.point(mask.semantic.reference_point))
    elif kind == "linear_gradient":
        out.linear_gradient.zero.CopyFrom(frame.point(mask.linear_gradient.zero))
        out.linear_gradient.full.CopyFrom(frame.point(mask.linear_gradient.full))
    elif kind == "radial_gradient":
        out.radial_gradient.CopyFrom(frame.radial(mask.radial_gradient))
    elif kind == "brush":
        for stroke in out.brush.strokes:
            stroke.radius = frame.radius(stroke.radius)
            for dab in stroke.dabs:
                dab.CopyFrom(frame.point(dab))
    elif kind == "raster":
        if crop is not None:
            raise MaskWriteError("a raster in a cropped view has no stored form: fit dabs first")
        out.raster.CopyFrom(_raster_to_stored(mask.raster, orientation))
    return out


def _raster_to_stored(raster: pb.RasterMask, orientation: int) -> pb.RasterMask:
    try:
        a = decode_png_mask(raster.png)
    except BrushError as exc:
        raise MaskWriteError(str(exc)) from None
    img = Image.fromarray(np.round(a * 255).astype(np.uint8), mode="L")
    method = _TO_STORED_PIXELS[orientation]
    if method is not None:
        img = img.transpose(method)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return pb.RasterMask(png=buf.getvalue(), width=img.width, height=img.height)


# -- which form ---------------------------------------------------------------------------


def _why_not(form: pb.MaskForm, experimental: bool) -> str | None:
    """Why Lightroom cannot be given ``form`` (None if it can)."""
    if not form.components:
        return "it has no components"
    for i, comp in enumerate(form.components):
        kind = comp.WhichOneof("kind")
        blend = comp.blend if i else pb.MASK_BLEND_ADD  # the first component starts the mask
        if kind is None:
            return "a component has no kind"
        if blend != pb.MASK_BLEND_ADD and not experimental:
            return "subtract/intersect codes are unverified (experimental_forms=True)"
        if kind == "semantic" and comp.semantic.semantic_class not in SEMANTIC_CODES:
            name = pb.SemanticClass.Name(comp.semantic.semantic_class)
            return f"Lightroom has no known code for {name}"
        if kind == "luminance_range" and not experimental:
            return "Mask/RangeMask is unverified (experimental_forms=True)"
        if kind == "linear_gradient":
            g = comp.linear_gradient
            if (g.zero.x, g.zero.y) == (g.full.x, g.full.y):
                return "a linear gradient's zero and full points coincide"
        if kind == "radial_gradient":
            box = comp.radial_gradient
            if not (box.right > box.left and box.bottom > box.top):
                return "a radial gradient's box is empty"
        if kind == "brush":
            strokes = comp.brush.strokes
            if not any(s.dabs for s in strokes):
                return "a brush has no dabs"
            if any(s.value == 0 for s in strokes) and not experimental:
                return "erase strokes are unverified (experimental_forms=True)"
            if len(strokes) > 1 and (comp.inverted or blend == pb.MASK_BLEND_INTERSECT):
                return "an inverted or intersecting brush of several strokes has no flat form"
        if kind == "raster" and (comp.inverted or blend == pb.MASK_BLEND_INTERSECT):
            return "an inverted or intersecting raster has no flat brush form"
    return None


def writable_form(masked: pb.MaskedAdjustment, *, experimental_forms: bool = False) -> pb.MaskForm:
    """The first form of ``masked`` Lightroom can render.

    Raises:
        MaskWriteError: no form qualifies (the message gives each form's reason).
    """
    reasons = []
    for n, form in enumerate(masked.forms, 1):
        why = _why_not(form, experimental_forms)
        if why is None:
            return form
        reasons.append(f"form {n}: {why}")
    detail = "; ".join(reasons) or "it has no forms"
    raise MaskWriteError(f"mask {masked.name!r} has no form Lightroom renders ({detail})")


# -- elements -----------------------------------------------------------------------------


def _crs(element: ET.Element, name: str, value: str) -> None:
    element.set(qname("crs", name), value)


def _li(parent: ET.Element) -> ET.Element:
    return ET.SubElement(parent, qname("rdf", "li"))


def _seq(parent: ET.Element, prop: str) -> ET.Element:
    return ET.SubElement(ET.SubElement(parent, qname("crs", prop)), qname("rdf", "Seq"))


class _Components:
    """Writes one correction's mask components into its ``CorrectionMasks`` sequence."""

    def __init__(self, seq: ET.Element, correction_id: str, budget: int) -> None:
        self.seq = seq
        self.correction_id = correction_id
        self.budget = budget
        self.counts: dict[str, int] = {}

    def _common(
        self, element: ET.Element, what: str, name: str, blend: int, inverted: bool,
        value: float, content: bytes,
    ) -> None:
        code, invert = _MASK_BLEND_ADD, inverted
        if blend == pb.MASK_BLEND_INTERSECT:
            code = _MASK_BLEND_INTERSECT
        elif blend == pb.MASK_BLEND_SUBTRACT:  # A − B = A ∩ ¬B
            code, invert = _MASK_BLEND_INTERSECT, not inverted
        _crs(element, "What", what)
        _crs(element, "MaskActive", "true")
        _crs(element, "MaskName", name)
        _crs(element, "MaskBlendMode", str(code))
        _crs(element, "MaskInverted", "true" if invert else "false")
        position = str(len(self.seq))
        _crs(element, "MaskSyncID", _sync_id(self.correction_id, position, content))
        _crs(element, "MaskValue", _num(value))

    def _name(self, label: str) -> str:
        self.counts[label] = self.counts.get(label, 0) + 1
        return f"{label} {self.counts[label]}"

    def add(self, comp: pb.Mask, blend: int) -> None:
        kind = comp.WhichOneof("kind")
        content = comp.SerializeToString(deterministic=True)
        if kind == "semantic":
            s = comp.semantic
            li = _li(self.seq)
            name = self._name(_SEMANTIC_NAMES[s.semantic_class])
            self._common(li, "Mask/Image", name, blend, comp.inverted, 1.0, content)
            subtype, category = SEMANTIC_CODES[s.semantic_class]
            _crs(li, "MaskVersion", "1")
            _crs(li, "MaskSubType", str(subtype))
            if category is not None:
                _crs(li, "MaskSubCategoryID", str(category))
            ref = s.reference_point if s.HasField("reference_point") else pb.Point(x=0.5, y=0.5)
            _crs(li, "ReferencePoint", f"{ref.x:.6f} {ref.y:.6f}")
            _crs(li, "ErrorReason", "0")
        elif kind == "linear_gradient":
            g = comp.linear_gradient
            li = _li(self.seq)
            name = self._name("Linear Gradient")
            self._common(li, "Mask/Gradient", name, blend, comp.inverted, 1.0, content)
            for attr, v in (("ZeroX", g.zero.x), ("ZeroY", g.zero.y),
                            ("FullX", g.full.x), ("FullY", g.full.y)):
                _crs(li, attr, _num(v))
        elif kind == "radial_gradient":
            r = comp.radial_gradient
            li = _li(self.seq)
            name = self._name("Radial Gradient")
            self._common(li, "Mask/CircularGradient", name, blend, comp.inverted, 1.0, content)
            for attr, v in (("Top", r.top), ("Left", r.left), ("Bottom", r.bottom),
                            ("Right", r.right), ("Angle", r.angle), ("Midpoint", 50.0),
                            ("Roundness", r.roundness), ("Feather", r.feather)):
                _crs(li, attr, _num(v))
            _crs(li, "Flipped", "true" if r.flipped else "false")
            _crs(li, "Version", "2")
        elif kind == "brush":
            self._paint(comp.brush.strokes, blend, comp.inverted)
        elif kind == "luminance_range":  # experimental: Mask/RangeMask
            lum = comp.luminance_range
            li = _li(self.seq)
            desc = ET.SubElement(li, qname("rdf", "Description"))
            name = self._name("Luminance Range")
            self._common(desc, "Mask/RangeMask", name, blend, comp.inverted, 1.0, content)
            rng = ET.SubElement(desc, qname("crs", "CorrectionRangeMask"))
            lo, hi = max(0.0, lum.min - lum.smoothness), min(1.0, lum.max + lum.smoothness)
            for attr, text in (("Version", "3"), ("Type", "2"), ("Invert", "false"),
                               ("SampleType", "0"),
                               ("LumRange", f"{lo:.6f} {lum.min:.6f} {lum.max:.6f} {hi:.6f}")):
                _crs(rng, attr, text)
        else:
            raise MaskWriteError(f"cannot write a {kind} component to Lightroom")

    def _paint(self, strokes: Sequence[pb.BrushStroke], blend: int, inverted: bool) -> None:
        """One ``Mask/Paint`` component per stroke (element form, as Lightroom writes it)."""
        name = self._name("Brush")
        first = True
        for stroke in strokes:
            if not stroke.dabs:
                continue
            li = _li(self.seq)
            desc = ET.SubElement(li, qname("rdf", "Description"))
            # A union of strokes added or subtracted is each stroke added or subtracted.
            stroke_blend = blend if first or blend == pb.MASK_BLEND_SUBTRACT else \
                pb.MASK_BLEND_ADD
            content = stroke.SerializeToString(deterministic=True)
            self._common(desc, "Mask/Paint", name, stroke_blend, inverted, stroke.value, content)
            _crs(desc, "Radius", _num(stroke.radius))
            _crs(desc, "Flow", _num(stroke.flow))
            _crs(desc, "CenterWeight", _num(stroke.center_weight))
            dabs = _seq(desc, "Dabs")
            for dab in stroke.dabs:
                _li(dabs).text = f"d {dab.x:.6f} {dab.y:.6f}"
            first = False


def _local_attributes(adjustments: pb.LocalAdjustmentSet) -> dict[str, str]:
    values = dict(_LOCAL_ORDER)
    for name, slider_value in local_settings_from_adjustments(adjustments).items():
        values[name] = _num(local_slider(name).to_xmp(slider_value))
    return values


def correction_element(
    masked: pb.MaskedAdjustment,
    index: int = 0,
    *,
    orientation: int = 1,
    crop: Crop | None = None,
    size: tuple[int, int] | None = None,
    experimental_forms: bool = False,
    budget: int = DEFAULT_BUDGET,
) -> ET.Element:
    """One ``rdf:li`` correction for ``masked`` (``index`` = its place in the group);
    ``orientation``, ``crop`` and ``size`` as in `mask_to_stored`.

    Raises:
        MaskWriteError: no writable form, bad orientation or crop, a raster with no dabs.
        xmp.vocabulary.SliderRangeError: a local value outside its slider range.
    """
    _Frame(orientation, crop, size)  # checked before any work
    form = writable_form(masked, experimental_forms=experimental_forms)
    correction_id = _sync_id("correction", str(index), masked.SerializeToString(deterministic=True))
    li = ET.Element(qname("rdf", "li"))
    desc = ET.SubElement(li, qname("rdf", "Description"))
    amount = masked.amount or 1.0  # proto3: unset (0) means the full amount
    if not 0 <= amount <= 1:
        raise MaskWriteError(f"CorrectionAmount={amount!r} is outside 0..1")
    _crs(desc, "What", "Correction")
    _crs(desc, "CorrectionAmount", _num(amount))
    _crs(desc, "CorrectionActive", "true")
    _crs(desc, "CorrectionName", masked.name or f"Mask {index + 1}")
    _crs(desc, "CorrectionSyncID", correction_id)
    for name, value in _local_attributes(masked.adjustments).items():
        _crs(desc, name, value)
    components = _Components(_seq(desc, "CorrectionMasks"), correction_id, budget)
    for i, comp in enumerate(form.components):
        blend = comp.blend if i else pb.MASK_BLEND_ADD
        if comp.WhichOneof("kind") == "raster":
            # Fit in the frame it was drawn in, then move the dabs (radii rescale with a crop).
            fitted = _fitted_brush(comp, components.budget)
            components.add(mask_to_stored(fitted, orientation, crop=crop, size=size), blend)
        else:
            components.add(mask_to_stored(comp, orientation, crop=crop, size=size), blend)
    return li


@functools.lru_cache(maxsize=16)
def _fit_once(png: bytes, width: int, height: int, budget: int) -> tuple[bytes, ...]:
    """Strokes fitted to a raster, serialised (immutable): a fit takes seconds, and the
    bridge's ``--json`` record (`xmp.lightroom_table`) and its XMP write fit the same one."""
    fit = fit_raster(pb.RasterMask(png=png, width=width, height=height), budget=budget)
    return tuple(s.SerializeToString(deterministic=True) for s in fit.strokes)


def _fitted_brush(comp: pb.Mask, budget: int) -> pb.Mask:
    raster = comp.raster
    try:
        fitted = _fit_once(raster.png, raster.width, raster.height, budget)
    except BrushError as exc:
        raise MaskWriteError(f"raster mask: {exc}") from None
    if not fitted:
        raise MaskWriteError("raster mask is empty: no dabs to write")
    strokes = [pb.BrushStroke.FromString(s) for s in fitted]
    return pb.Mask(brush=pb.BrushMask(strokes=strokes), blend=comp.blend, inverted=comp.inverted)


def mask_group_element(
    masks: Sequence[pb.MaskedAdjustment],
    *,
    orientation: int = 1,
    crop: Crop | None = None,
    size: tuple[int, int] | None = None,
    experimental_forms: bool = False,
    budget: int = DEFAULT_BUDGET,
) -> ET.Element:
    """``crs:MaskGroupBasedCorrections`` holding one correction per mask, in order.

    Args:
        masks: the local adjustments; geometry normalised to the whole displayed photo,
            or with ``crop`` to Lightroom's cropped view of it.
        orientation: EXIF orientation 1..8 of the photo (stored → displayed).
        crop: the photo's Lightroom crop when the geometry was measured on the cropped
            view (None: on the whole photo, as Atelier's analysis measures it).
        size: the whole photo's displayed (width, height) in px; needed with ``crop``.
        experimental_forms: also write forms no real Lightroom file has confirmed
            (``Mask/RangeMask``, subtract/intersect codes, erase strokes).
        budget: most brush dabs per raster mask.

    Raises:
        MaskWriteError: a mask with no writable form, a bad orientation or crop.
        xmp.vocabulary.SliderRangeError: a local value outside its slider range.
    """
    _Frame(orientation, crop, size)  # checked even for no masks
    group = ET.Element(qname("crs", "MaskGroupBasedCorrections"))
    seq = ET.SubElement(group, qname("rdf", "Seq"))
    for index, masked in enumerate(masks):
        seq.append(correction_element(masked, index, orientation=orientation, crop=crop,
                                      size=size, experimental_forms=experimental_forms,
                                      budget=budget))
    return group
