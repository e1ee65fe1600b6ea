"""Contract enums → what `engine.develop.encode_image` takes, shared by Render and Generate."""

from __future__ import annotations

from atelier.v1 import engine_pb2 as pb

__all__ = ["COLOR_SPACES", "IMAGE_FORMATS"]

#: ``ColorSpace`` → the encoder's colour-space name.
COLOR_SPACES = {
    pb.COLOR_SPACE_SRGB: "sRGB", pb.COLOR_SPACE_DISPLAY_P3: "Display P3",
    pb.COLOR_SPACE_ADOBE_RGB: "Adobe RGB", pb.COLOR_SPACE_PROPHOTO_RGB: "ProPhoto RGB",
}
#: ``ImageFormat`` → (the encoder's format, MIME type).
IMAGE_FORMATS = {
    pb.IMAGE_FORMAT_JPEG: ("jpeg", "image/jpeg"), pb.IMAGE_FORMAT_TIFF16: ("tiff", "image/tiff"),
    pb.IMAGE_FORMAT_PNG: ("png", "image/png"),
}
