"""Lightroom's crop (``crs:CropLeft/Top/Right/Bottom/Angle``) as geometry.

What Lightroom stores, from real files (``data/xmp/lightroom``) and darktable's importer:

* Crop values are normalised to the **stored** image (before ``tiff:Orientation``),
  un-cropped: ``(CropLeft, CropTop)`` is the crop rectangle's top-left corner and
  ``(CropRight, CropBottom)`` its bottom-right corner, both in that frame.  With
  ``CropAngle`` a ≠ 0 the rectangle is turned: its top edge runs along (cos a, sin a) in
  stored *pixels* (y down), so the aspect ratio matters.  Checked on
  ``DSC_0016.xmp`` (a = −1.6237° on 6016 × 4016): that reading gives a 1.498 rectangle
  (the photo's 6016/4016) whose other two corners touch the top and bottom edges — the
  largest rectangle inside the straightened photo, as Lightroom makes it; the opposite
  sign puts both corners outside the photo.
* Mask geometry (gradients, radial gradients, brush dabs, reference points) is
  normalised to the same stored, **un-cropped** frame: a crop never moves a mask
  (``DSC_0025.xmp``'s nine dabs lie inside its crop rectangle in that frame; darktable
  imports Lightroom's retouch spots with no crop conversion).

So a mask measured on the whole photo needs only the orientation (what Atelier's
analysis does: it decodes the photo uncropped), while one measured on what Lightroom
shows — the crop, straightened and oriented — also moves with the crop rectangle
(`Crop.to_stored`; ``xmp.lightroom_masks.mask_to_stored(..., crop=...)`` for masks).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from xmp.packet import Packet, XmpError

__all__ = ["Crop"]


@dataclass(frozen=True)
class Crop:
    """A Lightroom crop.

    Attributes:
        left, top, right, bottom: the rectangle's top-left and bottom-right corners,
            normalised 0..1 to the stored, un-cropped image.
        angle: ``CropAngle``, degrees (Lightroom keeps it within −45..45).
    """

    left: float
    top: float
    right: float
    bottom: float
    angle: float = 0.0

    @classmethod
    def from_packet(cls, packet: Packet) -> Crop | None:
        """The packet's crop, or None when it has none (``crs:HasCrop`` not True).

        Raises:
            XmpError: ``HasCrop="True"`` with a missing or non-numeric corner.
        """
        if packet.get("crs", "HasCrop") != "True":
            return None
        values = {}
        for name in ("CropLeft", "CropTop", "CropRight", "CropBottom", "CropAngle"):
            text = packet.get("crs", name)
            if text is None and name == "CropAngle":
                text = "0"
            try:
                values[name] = float(text or "")
            except ValueError:
                raise XmpError(f"crs:{name}={text!r} is not a number") from None
            if not math.isfinite(values[name]):
                raise XmpError(f"crs:{name}={text!r} is not a number")
        return cls(values["CropLeft"], values["CropTop"], values["CropRight"],
                   values["CropBottom"], values["CropAngle"])

    def _axes(self, size: tuple[int, int]) -> tuple[float, float, float, float]:
        """``(cos a, sin a, width, height)``: the top edge's direction and the rectangle's
        sides in stored pixels for a stored image of ``size`` = (width, height) px."""
        w_px, h_px = size
        c, s = math.cos(math.radians(self.angle)), math.sin(math.radians(self.angle))
        dx, dy = (self.right - self.left) * w_px, (self.bottom - self.top) * h_px
        width, height = dx * c + dy * s, -dx * s + dy * c
        if width <= 0 or height <= 0:
            raise XmpError(f"empty crop {self}")
        return c, s, width, height

    def size_px(self, size: tuple[int, int]) -> tuple[float, float]:
        """The rectangle's (width, height) in stored pixels (``size`` = stored px)."""
        return self._axes(size)[2:]

    def to_stored(self, x: float, y: float, size: tuple[int, int]) -> tuple[float, float]:
        """A point normalised to the crop rectangle (its own axes, 0..1 along the top and
        left edges) → normalised to the stored, un-cropped image of ``size`` px.

        Raises:
            XmpError: the crop is empty.
        """
        c, s, width, height = self._axes(size)
        u, v = x * width, y * height  # along the top edge, along the left edge (px)
        w_px, h_px = size
        return (self.left * w_px + u * c - v * s) / w_px, (self.top * h_px + u * s + v * c) / h_px
