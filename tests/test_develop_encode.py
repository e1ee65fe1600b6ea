"""Output encoders: every space's pixels and ICC profile agree with colour-science."""

from __future__ import annotations

import io
import subprocess

import numpy as np
import pytest
import torch
from PIL import Image, ImageCms

from engine.color import linear_to_srgb
from engine.decode import decode_full
from engine.develop import encode_image
from engine.develop.icc import SPACES, icc_profile

# a few colours inside the sRGB gamut, linear sRGB, as a (3, 2, 4) image
PATCHES = torch.tensor([
    [0.18, 0.18, 0.18], [0.9, 0.05, 0.05], [0.05, 0.6, 0.1], [0.1, 0.15, 0.7],
    [0.5, 0.4, 0.05], [0.02, 0.02, 0.02], [0.7, 0.7, 0.7], [0.3, 0.2, 0.4],
]).T.reshape(3, 2, 4)


@pytest.mark.parametrize("space", list(SPACES))
def test_png_pixels_convert_back_to_srgb_through_the_embedded_profile(space: str):
    data = encode_image(PATCHES, space, "png")
    img = Image.open(io.BytesIO(data))
    profile = ImageCms.ImageCmsProfile(io.BytesIO(img.info["icc_profile"]))
    assert space.split()[0].lower() in ImageCms.getProfileDescription(profile).lower()
    srgb = ImageCms.profileToProfile(img, profile, ImageCms.createProfile("sRGB"),
                                     renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)
    got = np.asarray(srgb, dtype=np.float64) / 255
    want = linear_to_srgb(PATCHES.permute(1, 2, 0).numpy())
    assert np.abs(got - want).max() < 3 / 255, space


@pytest.mark.parametrize("space", list(SPACES))
def test_16_bit_tiff_round_trips_through_the_decoder(space: str):
    data = encode_image(PATCHES, space, "tiff")
    photo = decode_full(data, file_name="out.tif")  # Pillow reads it back at 8 bits
    assert photo.info.color_space == space
    np.testing.assert_allclose(photo.linear, PATCHES.permute(1, 2, 0).numpy(), atol=5e-3,
                               rtol=1.5e-2)
    # the strip itself holds the 16-bit encoding (last H × W × 6 bytes, little-endian)
    pixels = np.frombuffer(data[-2 * 4 * 6:], dtype="<u2").reshape(2, 4, 3) / 65535
    srgb = linear_to_srgb(PATCHES.permute(1, 2, 0).numpy())
    if space == "sRGB":
        np.testing.assert_allclose(pixels, srgb, atol=2 / 65535)


def test_tiff_tags_read_by_exiftool():
    data = encode_image(torch.rand(3, 5, 7), "Adobe RGB", "tiff")
    out = subprocess.run(["exiftool", "-s", "-BitsPerSample", "-ImageWidth",
                          "-ProfileDescription", "-"], input=data, capture_output=True,
                         check=True).stdout.decode()
    assert "16 16 16" in out and ": 7" in out and "Atelier Adobe RGB" in out


def test_jpeg_is_8_bit_with_the_profile_and_quality_matters():
    img = torch.rand(3, 64, 64)
    hi, lo = encode_image(img, "sRGB", "jpeg", 95), encode_image(img, "sRGB", "jpeg", 20)
    assert len(lo) < len(hi)
    opened = Image.open(io.BytesIO(hi))
    assert opened.format == "JPEG" and opened.info["icc_profile"] == icc_profile("sRGB")


def test_bad_arguments_are_clear_errors():
    with pytest.raises(ValueError, match=r"colour space .Rec\. 2020. is not one of"):
        encode_image(PATCHES, "Rec. 2020")
    with pytest.raises(ValueError, match=r"image format .webp. is not one of"):
        encode_image(PATCHES, "sRGB", "webp")
    with pytest.raises(ValueError, match=r"JPEG quality 0 is outside 1\.\.100"):
        encode_image(PATCHES, "sRGB", "jpeg", 0)
