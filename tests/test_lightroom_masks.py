"""Lightroom mask writer and raster → brush dabs, checked with real ExifTool and real files.

ExifTool (``exiftool -j -struct -XMP-crs:all``) reads back what we write; the element and
attribute forms are compared with real Lightroom Classic sidecars in the shared corpus;
orientation is checked by rendering a mask in the displayed frame and in the stored
frame (turned back with Pillow's EXIF transposes); dab fidelity by rendering the dabs.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw

from atelier.settings import local_adjustments_from_settings
from atelier.v1 import engine_pb2 as pb
from xmp.brush import (
    BrushError,
    dab_count,
    decode_png_mask,
    fit_raster,
    fit_strokes,
    iou,
    render_strokes,
)
from xmp.lightroom import set_mask_group
from xmp.lightroom_masks import (
    SEMANTIC_CODES,
    MaskWriteError,
    mask_group_element,
    mask_to_stored,
    to_stored,
)
from xmp.packet import Packet, qname
from xmp.vocabulary import SliderRangeError

LOCAL_NAMES = [
    "LocalExposure", "LocalHue", "LocalSaturation", "LocalContrast", "LocalClarity",
    "LocalSharpness", "LocalBrightness", "LocalToningHue", "LocalToningSaturation",
    "LocalExposure2012", "LocalContrast2012", "LocalHighlights2012", "LocalShadows2012",
    "LocalWhites2012", "LocalBlacks2012", "LocalClarity2012", "LocalDehaze",
    "LocalLuminanceNoise", "LocalMoire", "LocalDefringe", "LocalTemperature", "LocalTint",
    "LocalTexture", "LocalGrain", "LocalCurveRefineSaturation",
]
HEX32 = re.compile(r"^[0-9A-F]{32}$")
# Pillow's transposes that turn a stored image into the displayed one (as exif_transpose).
TO_DISPLAYED = {
    1: None, 2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_90,
}


# -- helpers ------------------------------------------------------------------------------


def png(mask: np.ndarray) -> pb.RasterMask:
    img = Image.fromarray(np.round(np.clip(mask, 0, 1) * 255).astype(np.uint8), mode="L")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return pb.RasterMask(png=buf.getvalue(), width=img.width, height=img.height)


def sky_like(h: int = 400, w: int = 600) -> np.ndarray:
    """Sky above a wavy horizon with a soft (6 px) edge, 0..1."""
    yy, xx = np.mgrid[0:h, 0:w]
    horizon = 0.45 * h + 0.05 * h * np.sin(xx / (0.08 * w)) + 0.025 * h * np.sin(xx / 26 + 1)
    return np.clip((horizon - yy) / 6 + 0.5, 0, 1).astype(np.float32)


def blob_with_hole(h: int = 400, w: int = 600) -> np.ndarray:
    """An ellipse with two round holes, binary."""
    yy, xx = np.mgrid[0:h, 0:w]
    blob = np.hypot((yy - 0.5 * h) / 0.42, (xx - 0.5 * w) / 0.6) < 0.5 * h
    blob &= np.hypot(yy - 0.45 * h, xx - 0.56 * w) >= 0.1 * h
    blob &= np.hypot(yy - 0.6 * h, xx - 0.38 * w) >= 0.06 * h
    return blob.astype(np.float32)


def adjustments(**settings: float) -> pb.LocalAdjustmentSet:
    return local_adjustments_from_settings(settings)


def form(*components: pb.Mask) -> pb.MaskForm:
    return pb.MaskForm(components=list(components))


def semantic(cls: pb.SemanticClass, x: float = 0.5, y: float = 0.2) -> pb.Mask:
    return pb.Mask(semantic=pb.SemanticMask(semantic_class=cls, reference_point=pb.Point(x=x, y=y)))


LINEAR = pb.Mask(linear_gradient=pb.LinearGradient(
    zero=pb.Point(x=0.4, y=0.7), full=pb.Point(x=0.55, y=0.3)))
RADIAL = pb.Mask(radial_gradient=pb.RadialGradient(
    top=0.2, left=0.15, bottom=0.7, right=0.55, angle=25.0, feather=60.0, roundness=0.0,
    flipped=True))
BRUSH = pb.Mask(brush=pb.BrushMask(strokes=[
    pb.BrushStroke(radius=0.05, flow=1.0, center_weight=0.5, value=1.0,
                   dabs=[pb.Point(x=0.2, y=0.3), pb.Point(x=0.25, y=0.32)]),
    pb.BrushStroke(radius=0.02, flow=0.8, center_weight=0.0, value=1.0,
                   dabs=[pb.Point(x=0.7, y=0.8)]),
]))


def all_kinds() -> list[pb.MaskedAdjustment]:
    return [
        pb.MaskedAdjustment(
            name="Sky", amount=1.0,
            adjustments=adjustments(LocalExposure2012=-1.0, LocalDehaze=20, LocalTemperature=-10),
            forms=[form(semantic(pb.SEMANTIC_CLASS_SKY, 0.5, 0.1))]),
        pb.MaskedAdjustment(
            name="Background", amount=0.5, adjustments=adjustments(LocalSaturation=-30),
            forms=[form(semantic(pb.SEMANTIC_CLASS_BACKGROUND))]),
        pb.MaskedAdjustment(
            name="Gradients", adjustments=adjustments(LocalExposure2012=0.5, LocalContrast2012=15),
            forms=[form(LINEAR, RADIAL)]),
        pb.MaskedAdjustment(
            name="Painted", adjustments=adjustments(LocalClarity2012=25),
            forms=[form(BRUSH)]),
        pb.MaskedAdjustment(
            name="Blob", adjustments=adjustments(LocalShadows2012=40, LocalTexture=-12),
            forms=[form(semantic(pb.SEMANTIC_CLASS_MOUNTAINS)),  # no Lightroom code: skipped
                   form(pb.Mask(raster=png(blob_with_hole(120, 180))))]),
    ]


def exiftool_crs(path: Path) -> dict[str, Any]:
    out = subprocess.run(["exiftool", "-j", "-struct", "-XMP-crs:all", str(path)],
                         capture_output=True, check=True, text=True)
    record: dict[str, Any] = json.loads(out.stdout)[0]
    record.pop("SourceFile")
    return record


def write(tmp_path: Path, packet: Packet, name: str = "out.xmp") -> Path:
    path = tmp_path / name
    path.write_bytes(packet.to_bytes())
    return path


def lightroom_file(shared_data: Path, name: str) -> Path:
    return shared_data / "xmp" / "lightroom" / name


def iter_components(root: ET.Element) -> Iterator[ET.Element]:
    """Every mask component element (attribute-form rdf:li or its rdf:Description)."""
    for masks in root.iter(qname("crs", "CorrectionMasks")):
        for li in masks.iter(qname("rdf", "li")):
            desc = li.find(qname("rdf", "Description"))
            node = desc if desc is not None else li
            if qname("crs", "What") in node.attrib:
                yield node


def crs_names(element: ET.Element) -> list[str]:
    prefix = f"{{{'http://ns.adobe.com/camera-raw-settings/1.0/'}}}"
    return [k[len(prefix):] for k in element.attrib if k.startswith(prefix)]


# -- structure through ExifTool -----------------------------------------------------------


def test_exiftool_reads_every_component_kind(tmp_path: Path) -> None:
    packet = Packet.empty()
    assert set_mask_group(packet, all_kinds())
    corrections = exiftool_crs(write(tmp_path, packet))["MaskGroupBasedCorrections"]
    assert [c["CorrectionName"] for c in corrections] == [
        "Sky", "Background", "Gradients", "Painted", "Blob"]
    for c in corrections:
        assert c["What"] == "Correction" and c["CorrectionActive"] is True
        assert HEX32.match(c["CorrectionSyncID"])
        assert set(LOCAL_NAMES) <= set(c), "every Local* attribute, zeros included"
        assert c["LocalCurveRefineSaturation"] == 100
    sky, background, gradients, painted, blob = corrections
    # Local scaling: exposure EV/4, the others /100; unset ones 0.
    assert sky["LocalExposure2012"] == -0.25
    assert sky["LocalDehaze"] == 0.2 and sky["LocalTemperature"] == -0.1
    assert sky["LocalContrast2012"] == 0 and sky["CorrectionAmount"] == 1
    assert background["LocalSaturation"] == -0.3 and background["CorrectionAmount"] == 0.5
    assert gradients["LocalExposure2012"] == 0.125 and gradients["LocalContrast2012"] == 0.15
    assert blob["LocalShadows2012"] == 0.4 and blob["LocalTexture"] == -0.12

    (sky_mask,) = sky["CorrectionMasks"]
    assert sky_mask["What"] == "Mask/Image" and sky_mask["MaskSubType"] == 2
    assert "MaskSubCategoryID" not in sky_mask
    assert sky_mask["ReferencePoint"] == "0.500000 0.100000"
    assert (sky_mask["MaskVersion"], sky_mask["ErrorReason"]) == (1, 0)
    (bg_mask,) = background["CorrectionMasks"]
    assert (bg_mask["MaskSubType"], bg_mask["MaskSubCategoryID"]) == (0, 22)

    linear, radial = gradients["CorrectionMasks"]
    assert linear["What"] == "Mask/Gradient"
    assert (linear["ZeroX"], linear["ZeroY"], linear["FullX"], linear["FullY"]) == (
        0.4, 0.7, 0.55, 0.3)
    assert radial["What"] == "Mask/CircularGradient"
    assert (radial["Top"], radial["Left"], radial["Bottom"], radial["Right"]) == (
        0.2, 0.15, 0.7, 0.55)
    assert (radial["Angle"], radial["Feather"], radial["Midpoint"]) == (25, 60, 50)
    assert radial["Flipped"] is True and radial["Version"] == 2

    strokes = painted["CorrectionMasks"]
    assert [s["What"] for s in strokes] == ["Mask/Paint", "Mask/Paint"]
    assert (strokes[0]["Radius"], strokes[0]["Flow"], strokes[0]["CenterWeight"]) == (
        0.05, 1, 0.5)
    assert strokes[0]["Dabs"] == ["d 0.200000 0.300000", "d 0.250000 0.320000"]
    assert strokes[1]["Dabs"] == ["d 0.700000 0.800000"] and strokes[1]["Flow"] == 0.8

    # The raster (second form, after a class Lightroom has no code for) became dabs.
    paint = blob["CorrectionMasks"]
    assert paint and all(p["What"] == "Mask/Paint" and p["MaskValue"] == 1 for p in paint)
    assert all(re.match(r"^d -?\d\.\d{6} -?\d\.\d{6}$", d) for p in paint for d in p["Dabs"])

    components = [m for c in corrections for m in c["CorrectionMasks"]]
    for m in components:
        assert m["MaskActive"] is True and m["MaskBlendMode"] == 0
        assert m["MaskInverted"] is False and HEX32.match(m["MaskSyncID"])
    assert len({m["MaskSyncID"] for m in components}) == len(components)


# Fields each component kind is written with (ExifTool's names: the XMP property names).
COMMON_FIELDS = {"What", "MaskActive", "MaskName", "MaskBlendMode", "MaskInverted",
                 "MaskSyncID", "MaskValue"}
KIND_FIELDS = {
    "Mask/Gradient": {"ZeroX", "ZeroY", "FullX", "FullY"},
    "Mask/CircularGradient": {"Top", "Left", "Bottom", "Right", "Angle", "Midpoint",
                              "Roundness", "Feather", "Flipped", "Version"},
    "Mask/Image": {"MaskVersion", "MaskSubType", "ReferencePoint", "ErrorReason"},
    "Mask/Paint": {"Radius", "Flow", "CenterWeight", "Dabs"},
    "Mask/RangeMask": {"CorrectionRangeMask"},
}


def every_component_kind() -> list[pb.MaskedAdjustment]:
    """One correction per component kind Atelier writes, the unverified ones included:
    every semantic class Lightroom has a code for, gradients, a brush with an erase
    stroke, a fitted raster, a luminance range, intersect/subtract blends."""
    erase = pb.BrushMask()
    erase.CopyFrom(BRUSH.brush)
    erase.strokes.append(pb.BrushStroke(radius=0.01, flow=1.0, center_weight=1.0, value=0.0,
                                        dabs=[pb.Point(x=0.21, y=0.3)]))
    subtract = pb.Mask(radial_gradient=RADIAL.radial_gradient, blend=pb.MASK_BLEND_SUBTRACT)
    intersect = pb.Mask(linear_gradient=LINEAR.linear_gradient, blend=pb.MASK_BLEND_INTERSECT,
                        inverted=True)
    lum = pb.Mask(luminance_range=pb.LuminanceRange(min=0.6, max=0.9, smoothness=0.1))
    return [
        pb.MaskedAdjustment(
            name="Semantic", adjustments=adjustments(LocalExposure2012=0.7, LocalTint=12),
            forms=[form(*(pb.Mask(semantic=pb.SemanticMask(
                semantic_class=pb.SemanticClass.Name(cls),
                reference_point=pb.Point(x=0.3 + 0.01 * i, y=0.6)))
                for i, cls in enumerate(SEMANTIC_CODES)))]),
        pb.MaskedAdjustment(name="Gradients", amount=0.8,
                            adjustments=adjustments(LocalContrast2012=-20),
                            forms=[form(LINEAR, subtract, intersect)]),
        pb.MaskedAdjustment(name="007 & <Brush> é", adjustments=adjustments(LocalClarity2012=9),
                            forms=[form(pb.Mask(brush=erase))]),
        pb.MaskedAdjustment(name="Blob", adjustments=adjustments(LocalShadows2012=40),
                            forms=[form(pb.Mask(raster=png(blob_with_hole(60, 90))))]),
        pb.MaskedAdjustment(name="007", adjustments=adjustments(LocalHighlights2012=-30),
                            forms=[form(lum)]),  # a name that looks like a number is text
    ]


def test_our_masks_read_the_same_by_exiftool_and_by_our_reader(tmp_path: Path) -> None:
    from xmp.reader import read_lightroom
    from xmp.vocabulary import LOCAL_SLIDERS

    packet = Packet.empty()
    packet.main_description().append(mask_group_element(every_component_kind(), orientation=6,
                                                        experimental_forms=True))
    path = write(tmp_path, packet)
    out = subprocess.run(["exiftool", "-j", "-n", "-struct", "-XMP-crs:all", str(path)],
                         capture_output=True, check=True, text=True)
    theirs = json.loads(out.stdout)[0]["MaskGroupBasedCorrections"]
    ours = read_lightroom(Packet.parse(path.read_bytes()))["corrections"]

    # The expected structure, as ExifTool sees it.
    components = [m for c in theirs for m in c["CorrectionMasks"]]
    assert {m["What"] for m in components} == set(KIND_FIELDS)
    for m in components:
        optional = {"MaskSubCategoryID"} if m["What"] == "Mask/Image" else set()
        assert COMMON_FIELDS | KIND_FIELDS[m["What"]] <= set(m) <= (
            COMMON_FIELDS | KIND_FIELDS[m["What"]] | optional), m["What"]
    images = [m for m in components if m["What"] == "Mask/Image"]
    assert [(m["MaskSubType"], m.get("MaskSubCategoryID")) for m in images] == list(
        SEMANTIC_CODES.values())
    assert images[0]["ReferencePoint"] == "0.600000 0.700000"  # (x, y) → (y, 1 − x) for 6
    gradient, radial, linear = theirs[1]["CorrectionMasks"]
    assert [(g["MaskBlendMode"], g["MaskInverted"]) for g in (gradient, radial, linear)] == [
        (0, False), (1, True), (1, True)]
    strokes = theirs[2]["CorrectionMasks"]
    assert [s["MaskValue"] for s in strokes] == [1, 1, 0]
    assert strokes[2]["Dabs"] == ["d 0.300000 0.790000"] and strokes[2]["CenterWeight"] == 1
    assert theirs[2]["CorrectionName"] == "007 & <Brush> é"
    assert all(s["What"] == "Mask/Paint" and s["Dabs"] for s in theirs[3]["CorrectionMasks"])
    assert theirs[4]["CorrectionName"] == "007"
    (rng,) = theirs[4]["CorrectionMasks"]
    assert rng["CorrectionRangeMask"] == {"Version": 3, "Type": 2, "Invert": False,
                                          "SampleType": 0,
                                          "LumRange": "0.500000 0.600000 0.900000 1.000000"}

    # Our reader: the same corrections and components, field by field, value and type.
    local = {s.name: s for s in LOCAL_SLIDERS}
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs, strict=True):
        assert o["group"] == "MaskGroupBasedCorrections" and t.pop("What") == "Correction"
        assert o["components"] == t.pop("CorrectionMasks")
        for name, value in t.items():
            if name in local:  # ours are in slider units (EV for exposure, not EV/4)
                assert o["settings"][name] == pytest.approx(local[name].from_xmp(value)), name
            else:
                assert (o[name], type(o[name])) == (value, type(value)), name
        assert set(t) == {k for k in o if k not in ("group", "settings", "components")} | set(
            o["settings"])


def test_forms_match_real_lightroom_files(shared_data: Path) -> None:
    """Same attributes, same order, same element/attribute forms as LrC 14/15 writes."""
    real = Packet.parse(lightroom_file(
        shared_data, "tesenwein__filmRecipeWizard__exampleXmp_example-mask.xmp").read_bytes())
    real_image = Packet.parse(lightroom_file(
        shared_data, "tesenwein__filmRecipeWizard__mask-exmaple.xmp").read_bytes())
    ours = mask_group_element(all_kinds())

    def corrections(root: ET.Element) -> list[ET.Element]:
        group = root.iter(qname("crs", "MaskGroupBasedCorrections"))
        seq = next(group).find(qname("rdf", "Seq"))
        assert seq is not None
        out = []
        for li in seq.findall(qname("rdf", "li")):
            desc = li.find(qname("rdf", "Description"))
            assert desc is not None, "a correction is rdf:li/rdf:Description"
            out.append(desc)
        return out

    real_correction = corrections(real.root)[0]
    for ours_correction in corrections(ours):
        assert crs_names(ours_correction) == crs_names(real_correction)

    def by_what(root: ET.Element) -> dict[str, ET.Element]:
        return {c.get(qname("crs", "What"), ""): c for c in iter_components(root)}

    reference = by_what(real.root) | by_what(real_image.root)
    mine = by_what(ours)
    for what in ("Mask/Gradient", "Mask/CircularGradient"):
        assert crs_names(mine[what]) == crs_names(reference[what]), what
        assert mine[what].tag == qname("rdf", "li"), "attribute form, as Lightroom"
    # Mask/Image without a sub-category (sky) and with one (background).
    skies = [c for c in iter_components(real_image.root)
             if c.get(qname("crs", "MaskSubType")) == "2"]
    assert crs_names(next(c for c in iter_components(ours)
                          if c.get(qname("crs", "MaskSubType")) == "2")) == crs_names(skies[0])
    # Mask/Paint: element form with Radius/Flow/CenterWeight and crs:Dabs, as LR writes it.
    paint = mine["Mask/Paint"]
    assert paint.tag == qname("rdf", "Description")
    assert crs_names(paint)[-3:] == ["Radius", "Flow", "CenterWeight"]
    dabs = paint.find(f"{qname('crs', 'Dabs')}/{qname('rdf', 'Seq')}")
    assert dabs is not None and len(dabs) > 0


def test_semantic_codes_all_occur_in_real_files(shared_data: Path) -> None:
    seen = set()
    for path in (shared_data / "xmp" / "lightroom").glob("*.xmp"):
        for c in iter_components(Packet.parse(path.read_bytes()).root):
            if c.get(qname("crs", "What")) == "Mask/Image":
                sub = int(c.get(qname("crs", "MaskSubType"), "-1"))
                cat = c.get(qname("crs", "MaskSubCategoryID"))
                seen.add((sub, None if cat is None else int(cat)))
    assert set(SEMANTIC_CODES.values()) <= seen


# -- idempotence and real sidecars ----------------------------------------------------------


def test_writing_twice_gives_identical_bytes(tmp_path: Path) -> None:
    first = Packet.empty()
    set_mask_group(first, all_kinds())
    once = first.to_bytes()
    set_mask_group(first, all_kinds())
    assert first.to_bytes() == once
    reread = Packet.parse(once)
    set_mask_group(reread, all_kinds())
    assert reread.to_bytes() == once
    other = Packet.empty()
    set_mask_group(other, list(reversed(all_kinds())))
    assert other.to_bytes() != once


def test_real_sidecar_masks_replaced_everything_else_kept(
    tmp_path: Path, shared_data: Path
) -> None:
    source = lightroom_file(shared_data, "tesenwein__filmRecipeWizard__exampleXmp_example-mask.xmp")
    before = exiftool_crs(source)
    users = before.pop("MaskGroupBasedCorrections")
    assert [g["CorrectionName"] for g in users] == ["Maske 1", "Maske 2"]
    packet = Packet.parse(source.read_bytes())
    assert set_mask_group(packet, [all_kinds()[0], all_kinds()[2]])
    first = exiftool_crs(write(tmp_path, packet, "first.xmp"))
    # Ours replace ours: a second run with other masks leaves no trace of the first.
    reread = Packet.parse((tmp_path / "first.xmp").read_bytes())
    assert set_mask_group(reread, [all_kinds()[1]])
    second = exiftool_crs(write(tmp_path, reread, "second.xmp"))
    for after, names in ((first, ["Sky", "Gradients"]), (second, ["Background"])):
        groups = after.pop("MaskGroupBasedCorrections")
        assert after == before, "every other crs: property (tone curves, Look, LensBlur…) kept"
        assert groups[:2] == users, "the user's own corrections are kept, unchanged"
        assert [g["CorrectionName"] for g in groups[2:]] == names
    (group,) = reread.root.iter(qname("crs", "MaskGroupBasedCorrections"))
    assert group in list(reread.main_description())


def test_legacy_sidecar_keeps_its_brush_and_unknown_namespaces(
    tmp_path: Path, shared_data: Path
) -> None:
    source = lightroom_file(shared_data, "aagnone3__edit-learn__DSC_0025.xmp")
    packet = Packet.parse(source.read_bytes())
    set_mask_group(packet, [all_kinds()[3]], orientation=8)
    out = write(tmp_path, packet)
    full_before = json.loads(subprocess.run(["exiftool", "-j", "-struct", "-XMP:all", str(source)],
                                            capture_output=True, check=True, text=True).stdout)[0]
    full_after = json.loads(subprocess.run(["exiftool", "-j", "-struct", "-XMP:all", str(out)],
                                           capture_output=True, check=True, text=True).stdout)[0]
    groups = full_after.pop("MaskGroupBasedCorrections")
    for record in (full_before, full_after):
        record.pop("SourceFile")
        for key in [k for k in record if k.startswith("MaskCorrections")]:
            record.pop(key)  # Atelier's own bookkeeping (atelier: namespace)
    assert full_after == full_before  # PaintBasedCorrections, exif:, aux:, xmpMM: … all kept
    # Orientation 8: displayed (x, y) → stored (1 − y, x).
    assert groups[0]["CorrectionMasks"][0]["Dabs"][0] == "d 0.700000 0.200000"


# -- orientation -------------------------------------------------------------------------


def to_displayed(stored: np.ndarray, orientation: int) -> np.ndarray:
    method = TO_DISPLAYED[orientation]
    img = Image.fromarray(stored.astype(np.float32), mode="F")
    return np.asarray(img if method is None else img.transpose(method), dtype=np.float32)


def render_component(mask: pb.Mask, h: int, w: int) -> np.ndarray:
    from engine.develop.masks import Grid, linear_gradient, radial_gradient

    kind = mask.WhichOneof("kind")
    if kind == "brush":
        return render_strokes(mask.brush.strokes, h, w)
    if kind == "raster":
        return decode_png_mask(mask.raster.png)
    renderer = linear_gradient if kind == "linear_gradient" else radial_gradient
    return renderer(getattr(mask, str(kind)), Grid(h, w)).numpy()


@pytest.mark.parametrize("orientation", range(1, 9))
def test_orientation_lands_on_the_same_pixels(orientation: int) -> None:
    h, w = 60, 90  # displayed frame
    sh, sw = (w, h) if orientation >= 5 else (h, w)  # stored frame
    raster = png(blob_with_hole(h, w))
    for mask in (LINEAR, RADIAL, BRUSH, pb.Mask(raster=raster)):
        displayed = render_component(mask, h, w)
        stored = render_component(mask_to_stored(mask, orientation), sh, sw)
        assert stored.shape == (sh, sw)
        back = to_displayed(stored, orientation)
        assert np.abs(back - displayed).max() < 1e-3, (orientation, mask.WhichOneof("kind"))
    # A point: the displayed pixel's centre lands on the stored pixel Pillow moves there.
    marker = np.zeros((h, w), np.float32)
    marker[12, 70] = 1
    x, y = to_stored((70 + 0.5) / w, (12 + 0.5) / h, orientation)
    stored_marker = np.zeros((sh, sw), np.float32)
    stored_marker[int(y * sh), int(x * sw)] = 1
    assert np.array_equal(to_displayed(stored_marker, orientation), marker)


def test_orientation_is_written_into_the_group() -> None:
    group = mask_group_element([all_kinds()[2]], orientation=6)
    linear = next(c for c in iter_components(group)
                  if c.get(qname("crs", "What")) == "Mask/Gradient")
    # Orientation 6 (rotate 90° CW for display): displayed (x, y) → stored (y, 1 − x).
    assert linear.get(qname("crs", "ZeroX")) == "0.7"
    assert linear.get(qname("crs", "ZeroY")) == "0.6"
    with pytest.raises(MaskWriteError, match="orientation"):
        mask_group_element(all_kinds(), orientation=9)


# -- forms, unverified options and errors ---------------------------------------------------


def test_unverified_forms_only_on_request(tmp_path: Path) -> None:
    lum = pb.Mask(luminance_range=pb.LuminanceRange(min=0.6, max=0.9, smoothness=0.1))
    subtract = pb.Mask(radial_gradient=RADIAL.radial_gradient, blend=pb.MASK_BLEND_SUBTRACT)
    masked = pb.MaskedAdjustment(
        name="Highlights", adjustments=adjustments(LocalHighlights2012=-30),
        forms=[form(LINEAR, subtract), form(lum), form(LINEAR)])
    safe = mask_group_element([masked])
    assert [c.get(qname("crs", "What")) for c in iter_components(safe)] == ["Mask/Gradient"]

    first = Packet.empty()
    first.main_description().append(mask_group_element([masked], experimental_forms=True))
    linear, radial = exiftool_crs(write(tmp_path, first, "a.xmp"))[
        "MaskGroupBasedCorrections"][0]["CorrectionMasks"]
    assert (linear["MaskBlendMode"], linear["MaskInverted"]) == (0, False)
    assert (radial["MaskBlendMode"], radial["MaskInverted"]) == (1, True)  # A − B = A ∩ ¬B

    masked.forms.pop(0)
    second = Packet.empty()
    second.main_description().append(mask_group_element([masked], experimental_forms=True))
    (rng,) = exiftool_crs(write(tmp_path, second, "b.xmp"))[
        "MaskGroupBasedCorrections"][0]["CorrectionMasks"]
    assert rng["What"] == "Mask/RangeMask"
    assert rng["CorrectionRangeMask"]["LumRange"] == "0.500000 0.600000 0.900000 1.000000"
    assert rng["CorrectionRangeMask"]["Type"] == 2


def test_erase_strokes_are_experimental() -> None:
    fit = fit_strokes(blob_with_hole(), holes="erase")
    assert any(s.value == 0 for s in fit.strokes)
    masked = pb.MaskedAdjustment(name="Holes", forms=[form(pb.Mask(brush=pb.BrushMask(
        strokes=fit.strokes)))])
    with pytest.raises(MaskWriteError, match="erase strokes are unverified"):
        mask_group_element([masked])
    group = mask_group_element([masked], experimental_forms=True)
    values = [c.get(qname("crs", "MaskValue")) for c in iter_components(group)]
    assert "0" in values and values[0] == "1"


def test_unwritable_masks_and_values_are_refused() -> None:
    person = pb.MaskedAdjustment(name="Person", forms=[form(semantic(pb.SEMANTIC_CLASS_PERSON))])
    with pytest.raises(MaskWriteError, match=r"no form Lightroom renders.*PERSON"):
        mask_group_element([person])
    empty = pb.MaskedAdjustment(name="Nothing", forms=[form(pb.Mask(raster=png(
        np.zeros((20, 30)))))])
    with pytest.raises(MaskWriteError, match="empty"):
        mask_group_element([empty])
    too_bright = pb.MaskedAdjustment(name="X", forms=[form(LINEAR)])
    too_bright.adjustments.exposure = 5.0
    with pytest.raises(SliderRangeError, match="LocalExposure2012"):
        mask_group_element([too_bright])
    assert len(mask_group_element([])[0]) == 0


# -- raster → dabs --------------------------------------------------------------------------


@pytest.mark.parametrize("holes", ["avoid", "erase"])
@pytest.mark.parametrize("shape", ["sky", "blob_with_hole"])
def test_dabs_reproduce_the_raster(shape: str, holes: str) -> None:
    mask = sky_like() if shape == "sky" else blob_with_hole()
    fit = fit_raster(png(mask), budget=400, holes=holes)
    rendered = render_strokes(fit.strokes, *mask.shape)  # back at full resolution
    score = iou(mask, rendered)
    assert score >= 0.85, score
    assert fit.dabs == dab_count(fit.strokes) <= 400
    assert fit.iou >= 0.85
    # Holes stay holes: the centres of both holes are unpainted.
    if shape == "blob_with_hole":
        h, w = mask.shape
        assert rendered[int(0.45 * h), int(0.56 * w)] < 0.5
        assert rendered[int(0.6 * h), int(0.38 * w)] < 0.5


def test_budget_is_respected_and_costs_fidelity() -> None:
    mask = blob_with_hole()
    small = fit_strokes(mask, budget=12)
    large = fit_strokes(mask, budget=400)
    assert small.dabs <= 12 < large.dabs <= 400
    assert small.iou < large.iou
    with pytest.raises(BrushError):
        fit_strokes(mask, budget=0)


def test_thin_parts_get_bigger_dabs_when_the_budget_runs_out() -> None:
    img = Image.new("L", (300, 200), 0)
    draw = ImageDraw.Draw(img)
    for i in range(3):
        draw.line([(20, 30 + i * 60), (280, 50 + i * 50)], fill=255, width=4)
    lines = np.asarray(img, np.float32) / 255
    inside_only = fit_strokes(lines, budget=80, grow=0)
    spilling = fit_strokes(lines, budget=80)
    assert inside_only.dabs == spilling.dabs == 80
    assert spilling.iou > inside_only.iou + 0.1


def test_reference_renderer_matches_the_develop_model() -> None:
    from engine.develop.masks import render_brush

    erase = pb.BrushStroke(radius=0.03, flow=1.0, center_weight=0.3, value=0.0,
                           dabs=[pb.Point(x=0.22, y=0.3)])
    strokes = [*BRUSH.brush.strokes, erase]
    ours = render_strokes(strokes, 80, 120)
    model = render_brush(strokes, 80, 120).numpy()
    assert np.abs(ours - model).max() < 1e-4
    assert ours.max() > 0.99 and ours[24, 26] < 0.5  # painted, and the erased spot


def test_undecodable_raster_is_refused() -> None:
    with pytest.raises(BrushError, match="cannot decode"):
        decode_png_mask(b"\x89PNG\r\n\x1a\nnot really")
    bad = pb.MaskedAdjustment(name="Bad", forms=[form(pb.Mask(raster=pb.RasterMask(
        png=b"garbage", width=4, height=4)))])
    with pytest.raises(MaskWriteError, match="raster"):
        mask_group_element([bad])
    wrong_size = png(blob_with_hole(40, 60))
    wrong_size.width = 61
    bad.forms[0].components[0].raster.CopyFrom(wrong_size)
    with pytest.raises(MaskWriteError, match="61"):
        mask_group_element([bad])


def benchmark_masks(photos: Path) -> dict[str, np.ndarray]:
    """20+ masks: shapes, holes, thin parts, and region masks from Kodak photos.

    The photo masks threshold the luminance blurred by σ = 6 px at its 60th percentile —
    region masks like the mask finders make.  Thresholding unblurred pixels instead gives
    pixel texture no 400 round dabs can follow (IoU 0.49–0.93, median ≈ 0.81).
    """
    h, w = 512, 768
    yy, xx = np.mgrid[0:h, 0:w]

    def drawn(paint: Any) -> np.ndarray:
        img = Image.new("L", (w, h), 0)
        paint(ImageDraw.Draw(img))
        return np.asarray(img, np.float32) / 255

    rng = np.random.default_rng(1)
    holes = np.zeros((h, w), bool)
    for _ in range(12):
        cy, cx, r = rng.integers(120, 400), rng.integers(200, 560), rng.integers(10, 35)
        holes |= np.hypot(yy - cy, xx - cx) < r
    blobs = np.zeros((h, w), bool)
    for _ in range(15):
        cy, cx, r = rng.integers(0, h), rng.integers(0, w), rng.integers(15, 70)
        blobs |= np.hypot(yy - cy, xx - cx) < r
    angles = np.linspace(0, 2 * np.pi, 11)[:-1]
    star = [(384 + 200 * np.cos(a) * (1 if i % 2 == 0 else 0.45),
             256 + 200 * np.sin(a) * (1 if i % 2 == 0 else 0.45)) for i, a in enumerate(angles)]
    ring = np.hypot(yy - 256, xx - 384)
    oval = np.hypot((yy - 256) / 0.8, xx - 384)
    masks = {
        "disc": ring < 150,
        "diamond": drawn(lambda d: d.polygon([(384, 60), (600, 256), (384, 452), (168, 256)],
                                             fill=255)) > 0.5,
        "star": drawn(lambda d: d.polygon(star, fill=255)) > 0.5,
        "ring": (ring < 200) & (ring > 120),
        "tree (12 px limbs)": drawn(lambda d: [
            d.line([(384, 500), (384, 200)], fill=255, width=24),
            *[d.line([(384, 420 - 50 * i), (384 + (-1) ** i * (150 + 20 * i), 300 - 60 * i)],
                     fill=255, width=12) for i in range(5)]]) > 0.5,
        "text": drawn(lambda d: d.text((60, 150), "Atelier", fill=255, font_size=180)) > 0.5,
        "oval with 12 holes": (oval < 240) & ~holes,
        "crescent": (ring < 200) & ~(np.hypot(yy - 220, xx - 450) < 180),
        "scattered blobs": blobs,
        "sky (soft edge)": sky_like(h, w),
        "organic": ndimage_blur(rng.standard_normal((h, w)), 25) > 0.002,
    }
    for i in (1, 3, 5, 7, 8, 13, 15, 20, 21, 23):
        grey = np.asarray(Image.open(photos / "kodak" / f"kodim{i:02d}.png").convert("L"),
                          np.float32) / 255
        smooth = ndimage_blur(grey, 6)
        masks[f"kodim{i:02d}"] = smooth > np.percentile(smooth, 60)
    return {k: np.asarray(v, np.float32) for k, v in masks.items()}


def ndimage_blur(a: np.ndarray, sigma: float) -> np.ndarray:
    from scipy import ndimage

    return np.asarray(ndimage.gaussian_filter(a, sigma))


@pytest.mark.slow
def test_benchmark_iou_within_400_dabs(shared_photos: Path) -> None:
    scores = {}
    for name, mask in benchmark_masks(shared_photos).items():
        fit = fit_strokes(mask, budget=400)
        assert fit.dabs <= 400, name
        scores[name] = iou(mask, render_strokes(fit.strokes, *mask.shape))
    print({k: round(v, 3) for k, v in scores.items()})
    assert len(scores) >= 20
    assert float(np.median(list(scores.values()))) >= 0.90
    assert min(scores.values()) >= 0.80, min(scores.items(), key=lambda kv: kv[1])
