"""darktable sidecars: exact param encodings, merging, and renders by the real darktable-cli.

The render tests (``-m darktable``) run darktable-cli headless on a shared JPEG and a
GoPro DNG, export scene-linear Rec.709 PFM at 256 px and compare with and without
Atelier's sidecar.
"""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import numpy as np
import pytest

from atelier.v1 import engine_pb2 as pb
from xmp.darktable import (
    darktable_sidecar_path,
    read_history,
    revert_darktable,
    write_darktable_sidecar,
)
from xmp.darktable_iop_order import BASE_ORDERS, parse_order
from xmp.darktable_masks import TYPE_ELLIPSE, TYPE_GROUP, unpack_points
from xmp.darktable_params import (
    BLEND,
    CHANNELMIXERRGB,
    COLORBALANCERGB,
    EXPOSURE,
    MODULES,
    TEMPERATURE,
    BlobError,
    blend_params,
    decode_blob,
    encode_blob,
)
from xmp.darktable_wb import D50_XY, raw_multipliers, read_raw_colour, shift_illuminant
from xmp.lightroom import Provenance
from xmp.packet import Packet

JPEG = "photos/kodak_pcd0992_img0004_16base_portrait_red_hat.jpg"
DNG = "raw/gopro_hero6black_GOPR0024_from_gpr.dng"  # EXIF orientation 2 (mirrored)
PROV = Provenance("analytic/1", "0.1.0", {"Exposure2012": "dark"})

#: A sidecar written by darktable 4.2.1 itself for a JPEG (darktable-cli, on import).
DARKTABLE_JPEG_SIDECAR = textwrap.dedent("""\
    <?xml version="1.0" encoding="UTF-8"?>
    <x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="XMP Core 4.4.0-Exiv2">
     <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
      <rdf:Description rdf:about=""
        xmlns:xmp="http://ns.adobe.com/xap/1.0/"
        xmlns:darktable="http://darktable.sf.net/"
       xmp:Rating="1"
       darktable:xmp_version="5"
       darktable:raw_params="0"
       darktable:auto_presets_applied="1"
       darktable:history_end="4"
       darktable:iop_order_version="2"
       darktable:history_basic_hash="c80077d119ae746632f44df3493dfd64"
       darktable:history_current_hash="c80077d119ae746632f44df3493dfd64">
       <darktable:masks_history>
        <rdf:Seq/>
       </darktable:masks_history>
       <darktable:history>
        <rdf:Seq>
         <rdf:li darktable:num="0" darktable:operation="colorin" darktable:enabled="1"
          darktable:modversion="7" darktable:params="gz48eJxjZBgFowABWAbaAaNgwAEAEDgABg=="
          darktable:multi_name="" darktable:multi_priority="0" darktable:blendop_version="11"
          darktable:blendop_params="gz14eJxjYIAACQYYOOHEgAZY0QVwggZ7CB6pfNoAAE8gGQg="/>
         <rdf:li darktable:num="1" darktable:operation="colorout" darktable:enabled="1"
          darktable:modversion="5" darktable:params="gz35eJxjZBgFo4CBAQAEEAAC"
          darktable:multi_name="" darktable:multi_priority="0" darktable:blendop_version="11"
          darktable:blendop_params="gz14eJxjYIAACQYYOOHEgAZY0QVwggZ7CB6pfNoAAE8gGQg="/>
         <rdf:li darktable:num="2" darktable:operation="gamma" darktable:enabled="1"
          darktable:modversion="1" darktable:params="0000000000000000"
          darktable:multi_name="" darktable:multi_priority="0" darktable:blendop_version="11"
          darktable:blendop_params="gz14eJxjYIAACQYYOOHEgAZY0QVwggZ7CB6pfNoAAE8gGQg="/>
         <rdf:li darktable:num="3" darktable:operation="flip" darktable:enabled="1"
          darktable:modversion="2" darktable:params="ffffffff"
          darktable:multi_name="" darktable:multi_priority="0" darktable:blendop_version="11"
          darktable:blendop_params="gz14eJxjYIAACQYYOOHEgAZY0QVwggZ7CB6pfNoAAE8gGQg="/>
        </rdf:Seq>
       </darktable:history>
      </rdf:Description>
     </rdf:RDF>
    </x:xmpmeta>
    """)


def _left_ellipse(ev: float = 1.0) -> pb.MaskedAdjustment:
    """Local exposure inside an ellipse in the left half of the displayed frame."""
    ellipse = pb.Mask(radial_gradient=pb.RadialGradient(
        left=0.05, right=0.45, top=0.25, bottom=0.75, feather=20, flipped=True))
    return pb.MaskedAdjustment(name="left", forms=[pb.MaskForm(components=[ellipse])],
                               adjustments=pb.LocalAdjustmentSet(exposure=ev), amount=1.0)


# -- exact encodings --------------------------------------------------------------------


def test_params_match_darktables_own_bytes() -> None:
    # darktable 4.2.1's scene-referred default exposure and its blend params, as it wrote them.
    own = decode_blob("00000000000080b93333333f00004842000080c001000000")
    values = EXPOSURE.decode(own)
    assert values["exposure"] == pytest.approx(0.7) and values["compensate_exposure_bias"] == 1
    assert EXPOSURE.encode(values) == own
    assert blend_params() == decode_blob(
        "gz10eJxjYGBgYAFiCQYYOOHEgAZY0QVwggZ7CB6pfOygYtaVAyCMi08IAAB/xiOk")
    # XMP.md's example: exposure +1 EV (the v5 prefix of the v6 struct).
    assert EXPOSURE.encode({"exposure": 1.0}).hex().startswith(
        "00000000000000000000803f00004842000080c0")


def test_struct_sizes_and_round_trips() -> None:
    sizes = {"exposure": 24, "temperature": 16, "channelmixerrgb": 160, "colorbalancergb": 132}
    assert {op: spec.size for op, spec in MODULES.items()} == sizes
    assert BLEND.size == 420
    for spec, values in [
        (EXPOSURE, {"exposure": -1.25}),
        (TEMPERATURE, {"red": 2.5, "blue": 1.25}),
        (CHANNELMIXERRGB, {"illuminant": 7, "x": 0.31, "y": 0.33, "temperature": 6500.0}),
        (COLORBALANCERGB, {"contrast": 0.25, "vibrance": -0.5, "chroma_global": 0.125}),
    ]:
        for compress in (False, True):
            text = encode_blob(spec.encode(values), compress=compress)
            assert text.startswith("gz") == compress
            decoded = spec.decode(decode_blob(text))
            for k, v in values.items():
                assert decoded[k] == pytest.approx(v)
    masked = BLEND.decode(blend_params(1234, opacity=40.0, invert=True))
    assert (masked["mask_mode"], masked["mask_id"], masked["opacity"],
            masked["mask_combine"]) == (3, 1234, 40.0, 1)


def test_large_params_are_compressed_like_darktable() -> None:
    raw = CHANNELMIXERRGB.encode()
    text = encode_blob(raw)  # 160 bytes > 100: "gz" + factor + base64(zlib)
    assert text.startswith("gz")
    assert int(text[2:4]) == min(len(raw) // len(zlib.compress(raw)) + 1, 99)
    assert decode_blob(text) == raw
    assert encode_blob(EXPOSURE.encode()) == EXPOSURE.encode().hex()  # ≤ 100 bytes: hex
    with pytest.raises(BlobError):
        decode_blob("gz10not-base64!")
    with pytest.raises(BlobError):
        decode_blob("xyz")


# -- sidecars ---------------------------------------------------------------------------


def _photo(tmp_path: Path, shared_photos: Path, rel: str) -> Path:
    dst = tmp_path / Path(rel).name
    shutil.copyfile(shared_photos / rel, dst)
    return dst


def test_merge_keeps_darktables_history_and_is_idempotent(
    tmp_path: Path, shared_photos: Path
) -> None:
    photo = _photo(tmp_path, shared_photos, JPEG)
    side = darktable_sidecar_path(photo)
    assert side.name.endswith(".jpg.xmp")
    side.write_text(DARKTABLE_JPEG_SIDECAR)
    settings = {"Exposure2012": 0.5, "Contrast2012": 20.0, "IncrementalTemperature": 15.0}
    write_darktable_sidecar(photo, settings, is_raw=False, masks=[_left_ellipse()],
                            provenance=PROV, size=(2048, 3072))
    first = side.read_bytes()
    packet = Packet.parse(first)
    history = read_history(packet)
    assert [e.operation for e in history[:4]] == ["colorin", "colorout", "gamma", "flip"]
    assert history[3].params == "ffffffff"  # darktable's own entries kept verbatim
    ours = [(e.operation, e.multi_name, e.multi_priority) for e in history[4:]]
    assert ours == [("exposure", "atelier", 1), ("channelmixerrgb", "atelier", 1),
                    ("colorbalancergb", "atelier", 1), ("exposure", "atelier 1: left", 2)]
    assert packet.get("darktable", "history_end") == "8"
    assert packet.get("darktable", "auto_presets_applied") == "1"
    assert packet.get("xmp", "Rating") == "1"
    order = parse_order(packet.get("darktable", "iop_order_list") or "")
    assert set(BASE_ORDERS[2]) <= set(order)
    assert order.index(("exposure", 1)) > order.index(("colorin", 0))  # linear data
    # The masked instance points at a group of one ellipse, both in the snapshot at num 4.
    blend = BLEND.decode(decode_blob(history[7].blendop_params))
    masks = packet.rdf.iter("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}li")
    forms = {li.get("{http://darktable.sf.net/}mask_id"): li for li in masks
             if li.get("{http://darktable.sf.net/}mask_id")}
    group = forms[str(blend["mask_id"])]
    assert group.get("{http://darktable.sf.net/}mask_num") == "4"
    (member,) = unpack_points(TYPE_GROUP, decode_blob(group.get(
        "{http://darktable.sf.net/}mask_points") or ""))
    ellipse = forms[str(member[0])]
    assert ellipse.get("{http://darktable.sf.net/}mask_type") == str(TYPE_ELLIPSE)
    cx, cy, rx, ry, rot, border, flags = unpack_points(TYPE_ELLIPSE, decode_blob(
        ellipse.get("{http://darktable.sf.net/}mask_points") or ""))[0]
    assert (cx, cy) == pytest.approx((0.25, 0.5))
    # radii: fractions of the short side (2048), inner radius = 80 % of the box's
    assert (rx, ry) == pytest.approx((0.2 * 0.8, 0.25 * 3072 / 2048 * 0.8), rel=1e-5)
    assert border == pytest.approx(0.25) and flags == 1 and rot == 0
    # A second identical run changes nothing, byte for byte.
    write_darktable_sidecar(photo, settings, is_raw=False, masks=[_left_ellipse()],
                            provenance=PROV, size=(2048, 3072))
    assert side.read_bytes() == first
    # A changed value appends one entry; dropping the mask switches its instance off.
    write_darktable_sidecar(photo, {**settings, "Exposure2012": 0.75}, is_raw=False,
                            provenance=PROV)
    tail = read_history(Packet.parse(side.read_bytes()))[8:]
    assert [(e.operation, e.multi_name, e.enabled) for e in tail] == [
        ("exposure", "atelier", True), ("exposure", "atelier 1: left", False)]
    assert EXPOSURE.decode(decode_blob(tail[0].params))["exposure"] == 0.75
    # Revert takes the last write back out.
    assert revert_darktable(photo)
    assert len(read_history(Packet.parse(side.read_bytes()))) == 8


def test_undone_steps_are_dropped_and_new_sidecar_is_reverted(
    tmp_path: Path, shared_photos: Path
) -> None:
    photo = _photo(tmp_path, shared_photos, JPEG)
    side = darktable_sidecar_path(photo)
    side.write_text(DARKTABLE_JPEG_SIDECAR.replace('history_end="4"', 'history_end="2"'))
    write_darktable_sidecar(photo, {"Exposure2012": 1.0}, is_raw=False)
    history = read_history(Packet.parse(side.read_bytes()))
    assert [e.operation for e in history] == ["colorin", "colorout", "exposure"]
    assert [e.num for e in history] == [0, 1, 2]
    other = tmp_path / "other.jpg"
    shutil.copyfile(photo, other)
    write_darktable_sidecar(other, {"Exposure2012": 1.0}, is_raw=False)
    packet = Packet.parse(darktable_sidecar_path(other).read_bytes())
    assert packet.get("darktable", "auto_presets_applied") == "0"  # darktable adds defaults
    assert revert_darktable(other) and not darktable_sidecar_path(other).exists()


def test_white_balance_models(shared_photos: Path) -> None:
    x, y, cct = shift_illuminant(0.0, 0.0)
    assert (x, y) == pytest.approx(D50_XY, abs=2e-4)  # no shift = darktable's pipeline white
    warm, cool = shift_illuminant(40.0, 0.0), shift_illuminant(-40.0, 0.0)
    assert warm[2] > cct > cool[2]  # a warmer picture neutralises a bluer light
    colour = read_raw_colour(shared_photos / DNG)
    assert colour is not None
    from engine.color.white_balance import duv_to_tint, xy_to_cct_duv

    t, duv = xy_to_cct_duv(np.asarray(colour.as_shot_xy))
    # The as-shot light gives back the camera's as-shot multipliers (darktable's default).
    assert raw_multipliers(t, duv_to_tint(duv), colour) == pytest.approx(
        colour.as_shot_multipliers, rel=1e-4)
    r_warm, _, b_warm = raw_multipliers(t * 1.3, duv_to_tint(duv), colour)
    assert r_warm / b_warm > colour.as_shot_multipliers[0] / colour.as_shot_multipliers[2]


# -- darktable itself -------------------------------------------------------------------

_INTROSPECT = r"""
import ctypes, json, sys
D = "/usr/lib/x86_64-linux-gnu/darktable/"
ctypes.CDLL(D + "libdarktable.so", mode=ctypes.RTLD_GLOBAL)
class Hdr(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("type_name", ctypes.c_char_p), ("name", ctypes.c_char_p),
                ("field_name", ctypes.c_char_p), ("description", ctypes.c_char_p),
                ("size", ctypes.c_size_t), ("offset", ctypes.c_size_t), ("so", ctypes.c_void_p)]
class Intro(ctypes.Structure):
    _fields_ = [("api_version", ctypes.c_int), ("params_version", ctypes.c_int),
                ("type_name", ctypes.c_char_p), ("size", ctypes.c_size_t)]
out = {}
for op in sys.argv[1:]:
    so = ctypes.CDLL(D + "plugins/lib%s.so" % op, mode=1)
    so.get_introspection.restype = ctypes.POINTER(Intro)
    so.get_introspection_linear.restype = ctypes.c_void_p
    so.dt_module_mod_version.restype = ctypes.c_int
    intro = so.get_introspection().contents
    if intro.api_version != 8:
        print(json.dumps({"api": intro.api_version})); sys.exit(0)
    base, fields = so.get_introspection_linear(), []
    for k in range(400):
        h = Hdr.from_address(base + k * 88)  # sizeof(dt_introspection_field_t), API 8
        if h.type == 0:
            break
        if h.type != 17 and b"[" not in h.name:  # struct itself, array elements
            fields.append([h.name.decode(), h.offset, h.size])
    out[op] = {"version": so.dt_module_mod_version(), "size": intro.size, "fields": fields}
print(json.dumps(out))
"""


@pytest.mark.darktable
def test_layouts_match_installed_darktable_introspection() -> None:
    """Every field of our structs sits where the installed darktable's modules say."""
    ops = sorted(MODULES)
    run = subprocess.run([sys.executable, "-c", _INTROSPECT, *ops], capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout)
    if "api" in found:
        pytest.skip(f"darktable introspection API {found['api']}, not 8")
    for op in ops:
        spec = MODULES[op]
        assert found[op]["version"] == spec.version
        assert found[op]["size"] == spec.size
        offsets, at = [], 0
        for f in spec.fields:
            offsets.append([f.name, at, struct.calcsize("<" + f.fmt)])
            at += struct.calcsize("<" + f.fmt)
        assert found[op]["fields"] == offsets


def _pfm(path: Path) -> np.ndarray:
    with path.open("rb") as f:
        assert f.readline().strip() == b"PF"
        width, height = map(int, f.readline().split())
        scale = float(f.readline())
        data = np.frombuffer(f.read(), dtype="<f4" if scale < 0 else ">f4")
    return data.reshape(height, width, 3)[::-1].astype(np.float64)  # PFM rows run bottom-up


def _render(photo: Path, sidecar: Path | None, tmp: Path) -> np.ndarray:
    """darktable-cli → scene-linear Rec.709 (H, W, 3), long side 256 px."""
    work = tmp / f"render-{len(list(tmp.glob('render-*')))}"
    work.mkdir()
    src = work / photo.name
    shutil.copyfile(photo, src)  # alone in its folder: darktable reads no other sidecar
    args = ["darktable-cli", str(src)]
    if sidecar is not None:
        args.append(str(sidecar))
    out = work / "out.pfm"
    args += [str(out), "--width", "256", "--height", "256", "--hq", "false",
             "--icc-type", "LIN_REC709",
             "--core", "--configdir", str(work / "config"),
             "--conf", "write_sidecar_files=never"]
    run = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert out.exists(), run.stdout + run.stderr
    return _pfm(out)


def _luminance(rgb: np.ndarray) -> np.ndarray:
    return np.asarray(rgb @ np.array([0.2126, 0.7152, 0.0722]))


def _midtone_ratio(base: np.ndarray, edited: np.ndarray) -> float:
    """Mean linear luminance ratio over mid-grey-ish pixels (away from black and clipping)."""
    yb, ye = _luminance(base), _luminance(edited)
    keep = (yb > 0.01) & (yb < 0.3) & (ye < 0.9)
    assert keep.mean() > 0.2
    return float(ye[keep].mean() / yb[keep].mean())


@pytest.fixture(scope="module")
def jpeg_base(tmp_path_factory: pytest.TempPathFactory, shared_photos: Path) -> np.ndarray:
    return _render(shared_photos / JPEG, None, tmp_path_factory.mktemp("jpeg-base"))


@pytest.fixture(scope="module")
def dng_base(tmp_path_factory: pytest.TempPathFactory, shared_photos: Path) -> np.ndarray:
    return _render(shared_photos / DNG, None, tmp_path_factory.mktemp("dng-base"))


def _sidecar_for(tmp: Path, photo: Path, settings: dict[str, float], **kw: object) -> Path:
    tmp.mkdir()
    link = tmp / photo.name
    link.symlink_to(photo)
    return write_darktable_sidecar(link, settings, provenance=PROV, **kw)  # type: ignore[arg-type]


@pytest.mark.darktable
def test_jpeg_exposure_and_warmth(
    jpeg_base: np.ndarray, tmp_path: Path, shared_photos: Path
) -> None:
    photo = shared_photos / JPEG
    plus1 = _render(photo, _sidecar_for(tmp_path / "ev", photo, {"Exposure2012": 1.0},
                                        is_raw=False), tmp_path)
    assert 1.8 <= _midtone_ratio(jpeg_base, plus1) <= 2.2
    warm = _render(photo, _sidecar_for(tmp_path / "wb", photo, {"IncrementalTemperature": 30.0},
                                       is_raw=False), tmp_path)

    def r_over_b(a: np.ndarray) -> float:
        return float(a[..., 0].mean() / a[..., 2].mean())

    assert r_over_b(warm) > 1.2 * r_over_b(jpeg_base)
    grey = _render(photo, _sidecar_for(tmp_path / "sat", photo, {"Saturation": -100.0},
                                       is_raw=False), tmp_path)

    def chroma(a: np.ndarray) -> float:
        return float((a.max(axis=-1) - a.min(axis=-1)).mean())

    assert chroma(grey) < 0.1 * chroma(jpeg_base)  # colour balance rgb: chroma −100 %


@pytest.mark.darktable
def test_drawn_masks_confine_exposure_in_a_merged_sidecar(
    jpeg_base: np.ndarray, tmp_path: Path, shared_photos: Path
) -> None:
    """Ellipse (+1 EV, left), brush stroke (+1 EV, top right) and linear gradient
    (−1 EV, bottom edge) added to a sidecar darktable wrote; everything else unchanged."""
    photo = tmp_path / Path(JPEG).name
    photo.symlink_to(shared_photos / JPEG)
    darktable_sidecar_path(photo).write_text(DARKTABLE_JPEG_SIDECAR)
    dabs = [pb.Point(x=0.75, y=y) for y in np.linspace(0.08, 0.22, 8)]
    brush = pb.Mask(brush=pb.BrushMask(strokes=[pb.BrushStroke(
        radius=0.05, flow=1.0, center_weight=0.5, value=1.0, dabs=dabs)]))
    gradient = pb.Mask(linear_gradient=pb.LinearGradient(
        zero=pb.Point(x=0.5, y=0.85), full=pb.Point(x=0.5, y=0.95)))
    masks = [
        _left_ellipse(1.0),
        pb.MaskedAdjustment(name="stroke", forms=[pb.MaskForm(components=[brush])],
                            adjustments=pb.LocalAdjustmentSet(exposure=1.0)),
        pb.MaskedAdjustment(name="bottom", forms=[pb.MaskForm(components=[gradient])],
                            adjustments=pb.LocalAdjustmentSet(exposure=-1.0)),
    ]
    side = write_darktable_sidecar(photo, {}, is_raw=False, masks=masks)
    edited = _render(shared_photos / JPEG, side, tmp_path)
    ratio = _luminance(edited) / np.maximum(_luminance(jpeg_base), 1e-6)
    h, w = ratio.shape

    def region(x0: float, x1: float, y0: float, y1: float) -> np.ndarray:
        return ratio[int(y0 * h):int(y1 * h), int(x0 * w):int(x1 * w)]

    assert np.median(region(0.17, 0.33, 0.4, 0.6)) == pytest.approx(2.0, abs=0.1)  # ellipse
    assert np.median(region(0.72, 0.78, 0.1, 0.2)) == pytest.approx(2.0, abs=0.1)  # brush
    assert np.median(region(0.0, 1.0, 0.96, 1.0)) == pytest.approx(0.5, abs=0.05)  # gradient
    assert np.median(region(0.0, 1.0, 0.89, 0.91)) == pytest.approx(0.75, abs=0.1)  # ramp
    outside = region(0.55, 1.0, 0.35, 0.8)
    assert np.percentile(np.abs(outside - 1), 99) < 0.01


@pytest.mark.darktable
def test_raw_exposure_and_temperature(
    dng_base: np.ndarray, tmp_path: Path, shared_photos: Path
) -> None:
    photo = shared_photos / DNG
    plus1 = _render(photo, _sidecar_for(tmp_path / "ev", photo, {"Exposure2012": 1.0},
                                        is_raw=True), tmp_path)
    assert 1.8 <= _midtone_ratio(dng_base, plus1) <= 2.2
    colour = read_raw_colour(photo)
    assert colour is not None
    from engine.color.white_balance import xy_to_cct_duv

    shot_k, _ = xy_to_cct_duv(np.asarray(colour.as_shot_xy))
    warm = _render(photo, _sidecar_for(tmp_path / "wb", photo, {"Temperature": 1.3 * shot_k},
                                       is_raw=True, raw_colour=colour), tmp_path)

    def r_over_b(a: np.ndarray) -> float:
        return float(a[..., 0].mean() / a[..., 2].mean())

    assert r_over_b(warm) > 1.2 * r_over_b(dng_base)


@pytest.mark.darktable
def test_raw_mask_lands_in_the_displayed_frame(
    dng_base: np.ndarray, tmp_path: Path, shared_photos: Path
) -> None:
    """The DNG is stored mirrored (EXIF orientation 2): a mask drawn on the left of the
    displayed photo must brighten the left of darktable's (oriented) output.

    darktable's default filmic rgb (auto-applied to raw files) reconstructs highlights
    from their neighbourhood, so the bright sky at the top right shifts by up to ~10 %
    when the ellipse brightens (without darktable's defaults the outside is unchanged to
    the last bit); the outside check therefore looks at the lower right.
    """
    side = _sidecar_for(tmp_path / "mask", shared_photos / DNG, {}, is_raw=True,
                        masks=[_left_ellipse(1.0)], orientation=2)
    edited = _render(shared_photos / DNG, side, tmp_path)
    ratio = _luminance(edited) / np.maximum(_luminance(dng_base), 1e-6)
    h, w = ratio.shape
    inside = ratio[int(0.4 * h):int(0.6 * h), int(0.17 * w):int(0.33 * w)]
    outside = ratio[int(0.4 * h):, int(0.55 * w):]
    assert np.median(inside) > 1.6  # +1 EV before filmic's tone curve
    assert np.percentile(np.abs(outside - 1), 99) < 0.01


def test_brush_strokes_become_brush_and_circle_forms() -> None:
    from xmp.darktable_masks import (
        STATE_DIFFERENCE,
        STATE_UNION,
        TYPE_BRUSH,
        TYPE_CIRCLE,
        forms_for_mask,
    )

    run = [pb.Point(x=0.2 + 0.01 * i, y=0.5) for i in range(5)]  # overlapping dabs
    lone = [pb.Point(x=0.8, y=0.2)]  # far away: its own circle
    stroke = pb.BrushStroke(radius=0.05, flow=0.5, center_weight=0.25, value=1.0,
                            dabs=run + lone)
    erase = pb.BrushStroke(radius=0.02, flow=1.0, center_weight=1.0, value=0.0,
                           dabs=[pb.Point(x=0.22, y=0.5), pb.Point(x=0.23, y=0.5)])
    masked = pb.MaskedAdjustment(name="b", forms=[pb.MaskForm(components=[pb.Mask(
        brush=pb.BrushMask(strokes=[stroke, erase]))])])
    members = forms_for_mask(masked, (3000, 2000))  # landscape: long/short = 1.5
    assert [(f.type, f.nb) for f, _, _ in members] == [(TYPE_BRUSH, 5), (TYPE_CIRCLE, 1),
                                                       (TYPE_BRUSH, 2)]
    (brush, _, opacity), (circle, circle_state, _), (_, erase_state, _) = members
    assert opacity == 0.5  # flow → group opacity
    first = unpack_points(TYPE_BRUSH, brush.points)[0]
    assert first[:2] == pytest.approx((0.2, 0.5))
    assert first[6:10] == pytest.approx((0.075, 0.075, 1.0, 0.25))  # border, density, hardness
    cx, cy, radius, border = unpack_points(TYPE_CIRCLE, circle.points)[0]
    assert (cx, cy, radius, border) == pytest.approx((0.8, 0.2, 0.075 * 0.25, 0.075 * 0.75))
    assert circle_state & STATE_UNION and erase_state & STATE_DIFFERENCE
    ids = [f.formid for f, _, _ in members]
    assert len(set(ids)) == 3 and ids == [f.formid for f, _, _ in forms_for_mask(
        masked, (3000, 2000))]  # content-derived ids: reruns are byte-identical


def test_raw_white_balance_follows_the_sidecars_workflow(
    tmp_path: Path, shared_photos: Path
) -> None:
    from engine.color.white_balance import duv_to_tint, xy_to_cct_duv

    photo = tmp_path / Path(DNG).name
    photo.symlink_to(shared_photos / DNG)
    colour = read_raw_colour(photo)
    assert colour is not None
    k, duv = xy_to_cct_duv(np.asarray(colour.as_shot_xy))
    shot = {"Temperature": k, "Tint": duv_to_tint(duv)}
    # Fresh sidecar: camera multipliers, and colour calibration's CAT switched off.
    write_darktable_sidecar(photo, shot, is_raw=True, raw_colour=colour)
    side = darktable_sidecar_path(photo)
    history = read_history(Packet.parse(side.read_bytes()))
    assert [(e.operation, e.multi_priority, e.enabled) for e in history] == [
        ("temperature", 0, True), ("channelmixerrgb", 0, False)]
    mult = TEMPERATURE.decode(decode_blob(history[0].params))
    assert (mult["red"], mult["green"], mult["blue"]) == pytest.approx(
        colour.as_shot_multipliers, rel=1e-4)
    # A sidecar doing darktable's "modern" WB (colour calibration CAT): its illuminant moves.
    cat = CHANNELMIXERRGB.encode({"illuminant": 7, "x": 0.4067, "y": 0.4184})
    side.write_text(DARKTABLE_JPEG_SIDECAR.replace(
        'darktable:operation="gamma" darktable:enabled="1"\n      darktable:modversion="1" '
        'darktable:params="0000000000000000"',
        'darktable:operation="channelmixerrgb" darktable:enabled="1"\n      '
        f'darktable:modversion="3" darktable:params="{encode_blob(cat)}"'))
    write_darktable_sidecar(photo, shot, is_raw=True, raw_colour=colour)
    (entry,) = read_history(Packet.parse(side.read_bytes()))[4:]
    assert (entry.operation, entry.multi_priority) == ("channelmixerrgb", 0)
    moved = CHANNELMIXERRGB.decode(decode_blob(entry.params))
    assert (moved["x"], moved["y"]) == pytest.approx((0.4067, 0.4184), abs=1e-5)  # as shot
    write_darktable_sidecar(photo, {**shot, "Temperature": 1.3 * k}, is_raw=True,
                            raw_colour=colour)
    warmer = CHANNELMIXERRGB.decode(decode_blob(read_history(Packet.parse(
        side.read_bytes()))[-1].params))
    # a bluer light to neutralise: a warmer picture
    assert float(warmer["x"]) < 0.4067 - 0.01  # type: ignore[arg-type]
