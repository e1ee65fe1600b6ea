"""Lightroom's crop: read from real files, kept by mask writes, and composed with the 8
orientations for geometry measured on the cropped view (checked by rendering)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from atelier.v1 import engine_pb2 as pb
from tests.test_lightroom_masks import (
    BRUSH,
    LINEAR,
    RADIAL,
    TO_DISPLAYED,
    iter_components,
    png,
    render_component,
)
from xmp.crop import Crop
from xmp.lightroom import set_mask_group
from xmp.lightroom_masks import MaskWriteError, mask_group_element, mask_to_stored
from xmp.packet import Packet, XmpError, qname
from xmp.reader import read_lightroom

CROP_KEYS = ("HasCrop", "CropLeft", "CropTop", "CropRight", "CropBottom", "CropAngle")


def lightroom_file(shared_data: Path, name: str) -> Packet:
    return Packet.parse((shared_data / "xmp" / "lightroom" / name).read_bytes())


def test_crop_corners_as_lightroom_writes_them(shared_data: Path) -> None:
    """DSC_0016 (6016 × 4016, CropAngle −1.6237): the rectangle keeps the photo's aspect
    and its other two corners touch the top and bottom edges — only with the top edge
    along (cos a, sin a); the other sign puts them outside the photo."""
    crop = Crop.from_packet(lightroom_file(shared_data, "aagnone3__edit-learn__DSC_0016.xmp"))
    assert crop == Crop(0.011291, 0.040734, 0.988709, 0.959266, -1.6237)
    size = (6016, 4016)
    assert crop.to_stored(0, 0, size) == pytest.approx((crop.left, crop.top))
    assert crop.to_stored(1, 1, size) == pytest.approx((crop.right, crop.bottom))
    width, height = crop.size_px(size)
    assert width / height == pytest.approx(6016 / 4016, abs=2e-3)
    top_right, bottom_left = crop.to_stored(1, 0, size), crop.to_stored(0, 1, size)
    assert top_right[1] == pytest.approx(0, abs=1e-5) and 0 < top_right[0] < 1
    assert bottom_left[1] == pytest.approx(1, abs=1e-5) and 0 < bottom_left[0] < 1
    mirrored = Crop(crop.left, crop.top, crop.right, crop.bottom, -crop.angle)
    assert mirrored.to_stored(1, 0, size)[0] > 1 and mirrored.to_stored(0, 1, size)[0] < 0


def test_masks_are_stored_uncropped(shared_data: Path) -> None:
    """DSC_0025 (orientation 8, crop 0.21..1 × 0..0.79): Lightroom's own dabs lie inside
    the crop rectangle in the un-cropped stored frame."""
    packet = lightroom_file(shared_data, "aagnone3__edit-learn__DSC_0025.xmp")
    crop = Crop.from_packet(packet)
    assert crop is not None and crop.angle == 0
    dabs = [tuple(map(float, d.split()[1:])) for c in read_lightroom(packet)["corrections"]
            for m in c["components"] for d in m["Dabs"]]
    assert len(dabs) > 20
    assert all(crop.left <= x <= crop.right and crop.top <= y <= crop.bottom for x, y in dabs)
    assert Crop.from_packet(Packet.empty()) is None
    packet.set("crs", "CropLeft", "wide")
    with pytest.raises(XmpError, match="CropLeft"):
        Crop.from_packet(packet)


def test_writing_masks_keeps_the_crop_and_needs_no_conversion(shared_data: Path) -> None:
    """Atelier's masks are measured on the whole photo: the same stored geometry whether
    or not the sidecar has a crop, and the crop is left as it was."""
    masks = [pb.MaskedAdjustment(name="All", forms=[pb.MaskForm(components=[LINEAR, RADIAL,
                                                                              BRUSH])])]
    cropped = lightroom_file(shared_data, "aagnone3__edit-learn__DSC_0025.xmp")
    before = {k: cropped.get("crs", k) for k in CROP_KEYS}
    plain = Packet.empty()
    assert set_mask_group(cropped, masks, orientation=8)
    assert set_mask_group(plain, masks, orientation=8)
    assert {k: cropped.get("crs", k) for k in CROP_KEYS} == before

    def components(packet: Packet) -> list[dict[str, object]]:
        corrections = read_lightroom(Packet.parse(packet.to_bytes()))["corrections"]
        return [m for c in corrections if c["group"] == "MaskGroupBasedCorrections"
                for m in c["components"]]

    assert components(cropped) == components(plain)


# -- geometry measured on the cropped view ------------------------------------------------

VIEW_CROP = Crop(0.14, 0.18, 0.83, 0.76, -6.5)  # turned, well inside the photo
STORED = (300, 200)  # stored width, height (px)


def lightroom_view(stored: np.ndarray, crop: Crop, orientation: int) -> np.ndarray:
    """What Lightroom shows of a stored image: turned about its centre until the crop
    rectangle is upright (Pillow's rotate, as darktable imports a crop), cut to it, then
    turned by the EXIF orientation."""
    h, w = stored.shape
    turned = Image.fromarray(stored, mode="F").rotate(crop.angle, Image.Resampling.BILINEAR,
                                                      expand=True)
    a = math.radians(crop.angle)

    def turn(x: float, y: float) -> tuple[float, float]:  # counter-clockwise as seen
        dx, dy = x - w / 2, y - h / 2
        return (turned.width / 2 + dx * math.cos(a) + dy * math.sin(a),
                turned.height / 2 - dx * math.sin(a) + dy * math.cos(a))

    x0, y0 = turn(crop.left * w, crop.top * h)
    x1, y1 = turn(crop.right * w, crop.bottom * h)
    size = (round(x1 - x0), round(y1 - y0))
    cut = turned.transform(size, Image.Transform.EXTENT, (x0, y0, x1, y1),
                           Image.Resampling.BILINEAR)
    method = TO_DISPLAYED[orientation]
    return np.asarray(cut if method is None else cut.transpose(method), dtype=np.float32)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_geometry_on_the_cropped_view_lands_on_the_same_pixels(orientation: int) -> None:
    displayed = (STORED[1], STORED[0]) if orientation >= 5 else STORED
    view_shape = lightroom_view(np.zeros(STORED[::-1], np.float32), VIEW_CROP, orientation).shape
    for mask in (LINEAR, RADIAL, BRUSH):
        drawn = render_component(mask, *view_shape)  # drawn on what Lightroom shows
        stored = mask_to_stored(mask, orientation, crop=VIEW_CROP, size=displayed)
        shown = lightroom_view(render_component(stored, STORED[1], STORED[0]), VIEW_CROP,
                               orientation)
        error = np.abs(shown - drawn)
        kind = mask.WhichOneof("kind")
        assert error.mean() < 0.002 and np.quantile(error, 0.99) < 0.03, (orientation, kind)
    # Without the crop the same geometry lands elsewhere: the test can fail.
    wrong = lightroom_view(render_component(mask_to_stored(RADIAL, orientation), STORED[1],
                                            STORED[0]), VIEW_CROP, orientation)
    assert np.abs(wrong - render_component(RADIAL, *view_shape)).mean() > 0.05


def test_crop_conversion_in_the_writer_and_its_errors() -> None:
    masked = pb.MaskedAdjustment(name="R", forms=[pb.MaskForm(components=[RADIAL, BRUSH])])
    group = mask_group_element([masked], orientation=6, crop=VIEW_CROP, size=(200, 300))
    radial, first_stroke, _ = iter_components(group)
    want = mask_to_stored(RADIAL, 6, crop=VIEW_CROP, size=(200, 300)).radial_gradient
    for name in ("Top", "Left", "Bottom", "Right", "Angle"):
        assert float(radial.get(qname("crs", name), "")) == pytest.approx(
            getattr(want, name.lower()), abs=1e-6)
    assert want.angle == pytest.approx(RADIAL.radial_gradient.angle + 6.5)
    # a brush radius is a fraction of the long side: the crop's, then the photo's
    width, height = VIEW_CROP.size_px(STORED)
    assert float(first_stroke.get(qname("crs", "Radius"), "")) == pytest.approx(
        0.05 * max(width, height) / 300, abs=1e-6)
    with pytest.raises(MaskWriteError, match="size"):
        mask_group_element([masked], crop=VIEW_CROP)
    with pytest.raises(MaskWriteError, match="empty crop"):
        mask_group_element([masked], crop=Crop(0.5, 0.5, 0.4, 0.4), size=(300, 200))
    raster = pb.Mask(raster=png(np.ones((20, 30))))
    with pytest.raises(MaskWriteError, match="fit dabs"):
        mask_to_stored(raster, 1, crop=VIEW_CROP, size=(300, 200))


def test_a_raster_on_the_cropped_view_becomes_dabs_that_land_on_it() -> None:
    from tests.test_lightroom_masks import blob_with_hole
    from xmp.brush import iou, render_strokes

    orientation = 6
    view_shape = lightroom_view(np.zeros(STORED[::-1], np.float32), VIEW_CROP, orientation).shape
    drawn = blob_with_hole(*view_shape)
    masked = pb.MaskedAdjustment(name="Blob", forms=[pb.MaskForm(components=[pb.Mask(
        raster=png(drawn))])])
    group = mask_group_element([masked], orientation=orientation, crop=VIEW_CROP,
                               size=(STORED[1], STORED[0]))
    strokes = []
    for c in iter_components(group):
        dabs = [pb.Point(x=float(x), y=float(y)) for _, x, y in (
            li.text.split() for li in c.iter(qname("rdf", "li")) if li.text)]
        strokes.append(pb.BrushStroke(
            radius=float(c.get(qname("crs", "Radius"), "")), dabs=dabs,
            flow=float(c.get(qname("crs", "Flow"), "")),
            center_weight=float(c.get(qname("crs", "CenterWeight"), "")),
            value=float(c.get(qname("crs", "MaskValue"), ""))))
    shown = lightroom_view(render_strokes(strokes, STORED[1], STORED[0]), VIEW_CROP, orientation)
    assert iou(drawn, shown) > 0.95  # 0.995 measured (97 dabs)
