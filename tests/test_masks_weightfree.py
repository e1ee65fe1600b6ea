"""Weight-free masks: sky where there is one, none where there is not; local edits."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from atelier.settings import local_settings_from_adjustments
from atelier.v1 import engine_pb2 as pb
from benchmarks.quality import region_exposed
from engine.decode import DEFAULT_ANALYSIS_SIZE, decode_photo
from engine.decode.types import DecodedPhoto, PhotoInfo
from engine.develop.masks import Grid, linear_gradient
from engine.masks import (
    FoundRegions,
    detect_sky,
    detect_subject,
    find_regions,
    luminance_zones,
    propose_local_adjustments,
)
from engine.masks.sky import scan_border
from engine.predictors import get_predictor

WITH_SKY = ["kodak/kodim16.png", "kodak/kodim21.png", "kodak/kodim22.png",
            "photos/uhdr01_pixel6pro_sky_parking_lot.jpg", "photos/uhdr04_pixel6pro_pond_sky.jpg"]
WITHOUT_SKY = ["kodak/kodim04.png", "kodak/kodim15.png", "kodak/kodim18.png",
               "photos/libjxl_flower_q85_444.jpg",
               "photos/pd_usnavy_111117-N-UB993-082_sailor_examines_patient.png",
               "photos/kodak_pcd0992_img0004_16base_portrait_red_hat.jpg"]
# Skies behind a film-scan border, overcast, or hazy; found at the engine's analysis size.
SCANNED_GREY_OR_HAZY_SKY = ["kodak/kodim06.png", "kodak/kodim09.png", "kodak/kodim10.png",
                            "kodak/kodim12.png",
                            "photos/kodak_pcd0992_img0012_16base_couple_beach.tif"]
# Smooth pale backdrops touching the top of the frame: not skies.
BACKDROPS = ["kodak/kodim15.png", "photos/kodak_pcd0992_img0015_16base_portrait_painted_face.jpg"]


@pytest.mark.parametrize("name", WITH_SKY)
def test_sky_is_found_in_the_upper_frame(shared_photos: Path, name: str) -> None:
    photo = decode_photo(shared_photos / name, long_side=256)
    sky = detect_sky(photo.linear)
    assert sky is not None and sky.fraction > 0.1
    h = sky.mask.shape[0]
    assert sky.mask[: h // 4].mean() > 3 * sky.mask[3 * h // 4 :].mean()


@pytest.mark.parametrize("name", WITHOUT_SKY)
def test_no_sky_in_portraits_flowers_and_indoors(shared_photos: Path, name: str) -> None:
    assert detect_sky(decode_photo(shared_photos / name, long_side=256).linear) is None


@pytest.mark.parametrize("name", SCANNED_GREY_OR_HAZY_SKY)
def test_sky_behind_a_scan_border_grey_or_hazy_is_found(shared_photos: Path, name: str) -> None:
    photo = decode_photo(shared_photos / name, long_side=DEFAULT_ANALYSIS_SIZE)
    sky = detect_sky(photo.linear)
    assert sky is not None and sky.fraction > 0.08
    h = sky.mask.shape[0]
    assert sky.mask[: h // 4].mean() > 3 * sky.mask[3 * h // 4 :].mean()


@pytest.mark.parametrize("size", [256, DEFAULT_ANALYSIS_SIZE, 768])
@pytest.mark.parametrize("name", BACKDROPS)
def test_pale_backdrop_running_down_a_side_is_not_sky(
    shared_photos: Path, name: str, size: int
) -> None:
    photo = decode_photo(shared_photos / name, long_side=size)
    assert detect_sky(photo.linear) is None


def test_sky_filling_the_frame_is_found_without_a_horizon(shared_photos: Path) -> None:
    name = "photos/uhdr05_pixel6pro_backlit_sun_clouds.jpg"
    sky = detect_sky(decode_photo(shared_photos / name, long_side=DEFAULT_ANALYSIS_SIZE).linear)
    assert sky is not None and sky.fraction > 0.8, "clouds and the deeper blue beside them"
    assert sky.horizon is None, "the sky runs off the bottom: no horizon inside the frame"
    assert sky.fills_frame, "a camera pointed up into the clouds"


@pytest.mark.parametrize("name", ["photos/uhdr01_pixel6pro_sky_parking_lot.jpg",
                                  "photos/uhdr04_pixel6pro_pond_sky.jpg"])
def test_a_large_sky_above_a_horizon_does_not_fill_the_frame(shared_photos: Path,
                                                              name: str) -> None:
    sky = detect_sky(decode_photo(shared_photos / name, long_side=DEFAULT_ANALYSIS_SIZE).linear)
    assert sky is not None and sky.fraction > 0.5 and not sky.fills_frame, sky


def test_sky_under_a_dark_top_line_is_found_at_the_harness_size(shared_photos: Path) -> None:
    sky = detect_sky(decode_photo(shared_photos / "kodak/kodim20.png", long_side=768).linear)
    assert sky is not None and sky.fraction > 0.3


def test_scan_border_is_trimmed_but_a_clear_sky_is_not_a_border() -> None:
    rng = np.random.default_rng(1)
    picture = np.clip(rng.normal(0.5, 0.15, (200, 300, 3)), 0, 1).astype(np.float32)
    framed = picture.copy()
    framed[:2] = framed[-2:] = 0.39  # a Kodak-style grey scanner mask, 2 px
    framed[:, :2] = 0.1
    assert scan_border(framed) == (3, 3, 3, 0), "2 px plus the resampling blend row"
    lined = picture.copy()
    lined[0] = np.clip(rng.normal(0.1, 0.1, (300, 3)), 0, 1)  # a dark, uneven scan line
    assert scan_border(lined)[0] == 2, "a line much darker than the picture below it"
    clear = picture.copy()
    clear[:60] = [0.4, 0.6, 0.9]  # a uniform sky goes on far past any border width
    assert scan_border(clear) == (0, 0, 0, 0)
    overcast = picture.copy()
    overcast[:60] = np.linspace(0.6, 0.8, 300)[None, :, None]  # grey, and it goes on too
    assert scan_border(overcast) == (0, 0, 0, 0)
    # A local edit that brightens part of the grey mask (a sky mask running into it,
    # soft-edged) leaves it uneven but still grey: still a border.
    gain = 1 + 0.5 * ndimage.gaussian_filter((np.arange(300) > 120).astype(np.float32), 3)
    edited = framed.copy()
    edited[:2] = (0.39 * gain)[None, :, None]  # grey, lighter right of x = 120
    assert np.ptp(edited[0]) > 0.1
    assert scan_border(edited)[0] == 3


@pytest.mark.parametrize(("name", "ev"), [("kodim10", 1.29), ("kodim11", -1.2), ("kodim09", 0.96)])
def test_a_sky_brightened_or_darkened_alone_is_found_again(
    shared_photos: Path, name: str, ev: float
) -> None:
    # The quality harness's local damage: the sky alone exposed through its own mask,
    # which runs into the scan's grey border; the border, uneven now, is still trimmed
    # and the sky is found on the edited photo (before: no sky at all), most of it where
    # it was (a darkened sky is less bright, so its edges are less sure).
    linear = decode_photo(shared_photos / f"kodak/{name}.png", long_side=512).linear
    sky = detect_sky(linear)
    assert sky is not None
    again = detect_sky(region_exposed(linear, sky.mask, ev))
    assert again is not None
    overlap = np.minimum(sky.mask, again.mask).sum() / np.maximum(sky.mask, again.mask).sum()
    assert overlap > 0.6, overlap


def test_subject_box_surrounds_a_bright_object_on_a_plain_ground() -> None:
    rng = np.random.default_rng(0)
    img = np.full((200, 300, 3), 0.05, np.float32) + rng.normal(0, 0.002, (200, 300, 3))
    img[120:170, 200:260] = [0.6, 0.3, 0.1]
    subject = detect_subject(np.clip(img, 0, 1).astype(np.float32))
    assert subject is not None
    left, top, right, bottom = subject.bbox
    assert left < 230 / 300 < right and top < 145 / 200 < bottom, "box holds the object's centre"
    assert (right - left) * (bottom - top) < 0.5, "and not the whole frame"


def test_luminance_zones_split_dark_and_bright() -> None:
    ramp = np.repeat(np.linspace(0, 1, 256, dtype=np.float32)[None, :, None], 3, axis=2)
    shadows, highlights = luminance_zones(ramp)
    assert shadows.mask[0, 0] == 1 and shadows.mask[0, -1] == 0
    assert highlights.mask[0, -1] == 1 and highlights.mask[0, 0] == 0


def _sky_changed(photo: DecodedPhoto, ev: float) -> DecodedPhoto:
    """``photo`` with only its sky (as detected) made ``ev`` stops brighter."""
    sky = detect_sky(photo.linear)
    assert sky is not None
    changed = photo.linear * np.exp2(ev * sky.mask)[..., None]
    return replace(photo, linear=changed.astype(np.float32))


def test_sky_adjustment_has_semantic_then_raster_forms(shared_photos: Path) -> None:
    photo = _sky_changed(decode_photo(shared_photos / "kodak/kodim21.png", long_side=256), -1.5)
    predictor = get_predictor()
    masks = propose_local_adjustments(photo, predictor.predict(photo), predictor,
                                      classes=["sky"]).masks
    assert [m.name for m in masks] == ["Sky"]
    forms = [f.components[0].WhichOneof("kind") for f in masks[0].forms]
    assert forms[0] == "semantic" and forms[-1] == "raster"
    assert masks[0].forms[0].components[0].semantic.semantic_class == pb.SEMANTIC_CLASS_SKY
    png = masks[0].forms[-1].components[0].raster
    assert Image.open(io.BytesIO(png.png)).size == (png.width, png.height)
    settings = local_settings_from_adjustments(masks[0].adjustments)
    assert settings and all(k.startswith("Local") for k in settings)


def test_a_darkened_sky_is_brought_back_in_line_and_the_land_is_not_pulled(
    shared_photos: Path,
) -> None:
    photo = decode_photo(shared_photos / "kodak/kodim21.png", long_side=256)
    predictor = get_predictor()
    darkened = _sky_changed(photo, -1.5)
    plain = predictor.predict(darkened)
    edit = propose_local_adjustments(darkened, plain, predictor, classes=["sky"])
    (sky,) = edit.masks
    settings = local_settings_from_adjustments(sky.adjustments)
    assert 0.5 <= settings["LocalExposure2012"] <= 1.5
    assert "below a typical sky" in sky.adjustments.reasons["LocalExposure2012"]
    # the global exposure, judged with the sky back in line, moves toward the one the
    # undamaged photo gets (the darkened sky had made it brighten the whole frame)
    before = predictor.predict(photo).settings["Exposure2012"]
    after = edit.prediction.settings["Exposure2012"]
    assert abs(after - before) < abs(plain.settings["Exposure2012"] - before)
    assert "judged with the local exposure of Sky" in edit.prediction.reasons["Exposure2012"]


def test_regions_found_beforehand_are_the_ones_judged(shared_photos: Path) -> None:
    # The critic finds the sky and subject once and hands them over: the edit must be the
    # one found without them, and must use them (no sky handed over, no sky edit).
    darkened = _sky_changed(decode_photo(shared_photos / "kodak/kodim21.png", long_side=256),
                            -1.5)
    predictor = get_predictor()
    plain = predictor.predict(darkened)
    found = find_regions(darkened.linear)
    assert isinstance(found, FoundRegions) and found.sky is not None
    own = propose_local_adjustments(darkened, plain, predictor)
    given = propose_local_adjustments(darkened, plain, predictor, regions=found)
    assert [m.SerializeToString() for m in given.masks] == \
        [m.SerializeToString() for m in own.masks]
    assert given.prediction.settings == own.prediction.settings
    assert "Sky" in [m.name for m in own.masks]
    blind = propose_local_adjustments(darkened, plain, predictor,
                                      regions=FoundRegions(None, found.subject))
    assert "Sky" not in [m.name for m in blind.masks]


def test_a_sky_in_line_gets_no_local_exposure_and_the_global_edit_stands(
    shared_photos: Path,
) -> None:
    photo = decode_photo(shared_photos / "kodak/kodim21.png", long_side=256)
    predictor = get_predictor()
    plain = predictor.predict(photo)
    edit = propose_local_adjustments(photo, plain, predictor, classes=["sky"])
    assert edit.prediction is plain
    assert all(not m.adjustments.HasField("exposure") for m in edit.masks)


def test_a_blown_sky_is_not_darkened(shared_photos: Path) -> None:
    photo = decode_photo(shared_photos / "kodak/kodim21.png", long_side=256)
    predictor = get_predictor()
    blown = _sky_changed(photo, 4.0)
    blown = replace(blown, linear=np.minimum(blown.linear, 1.0))
    edit = propose_local_adjustments(blown, predictor.predict(blown), predictor,
                                     classes=["sky"])
    assert all(not m.adjustments.HasField("exposure") for m in edit.masks)


def test_the_sky_gradient_runs_along_a_tilted_horizon() -> None:
    h, w = 96, 128
    rows, cols = np.mgrid[0:h, 0:w]
    horizon = 20 + 40 * cols / (w - 1)  # px: falling from 20 to 60 left to right
    photo = np.random.default_rng(0).uniform(0.005, 0.05, (h, w, 3)).astype(np.float32)
    photo[rows < horizon] = (0.3, 0.5, 0.9)  # a clear sky, too bright over dim ground
    decoded = DecodedPhoto(linear=photo, info=PhotoInfo(w, h))
    predictor = get_predictor()
    (sky,) = propose_local_adjustments(decoded, predictor.predict(decoded), predictor,
                                       classes=["sky"]).masks
    (gradient,) = [f.components[0].linear_gradient for f in sky.forms
                   if f.components[0].WhichOneof("kind") == "linear_gradient"]
    effect = linear_gradient(gradient, Grid(h, w)).numpy()
    assert (effect[rows < horizon - 12] > 0.9).mean() > 0.95
    assert (effect[rows > horizon + 8] < 0.1).mean() > 0.95


def test_unknown_mask_class_is_named(shared_photos: Path) -> None:
    photo = decode_photo(shared_photos / "kodak/kodim16.png", long_side=64)
    predictor = get_predictor()
    with pytest.raises(ValueError, match="dog"):
        propose_local_adjustments(photo, predictor.predict(photo), predictor, classes=["dog"])
