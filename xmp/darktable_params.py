"""darktable module parameters: the binary C structs of a ``darktable:history`` entry.

A history entry's ``darktable:params`` is the module's ``dt_iop_<op>_params_t`` struct as
little-endian bytes, and ``darktable:blendop_params`` is ``dt_develop_blend_params_t``.
darktable writes a blob as lower-case hex, or, above 100 bytes, as ``gz`` + a two-digit
compression factor + base64(zlib) (`encode_blob`; `decode_blob` reads both).

Layouts are those of darktable 4.2 (Debian's ``darktable`` package), checked field by
field against the installed modules' own introspection data (field names, offsets,
sizes, defaults) and against the sources (``src/iop/<op>.c``, ``src/develop/blend.h``):

=================  ==========  =====  ================================================
operation          modversion  bytes  used for
=================  ==========  =====  ================================================
exposure           6           24     ``Exposure2012`` (EV), local exposure
temperature        3           16     raw ``Temperature``/``Tint`` (camera multipliers)
channelmixerrgb    3           160    rendered white balance, local temperature/tint
colorbalancergb    5           132    ``Contrast2012``, ``Vibrance``, ``Saturation``
(blend params)     11          420    drawn masks (``mask_id``), opacity
=================  ==========  =====  ================================================

Each struct is a `StructSpec`: an ordered list of fields with a ``struct`` format and
darktable's default, so a module's params are built from a few named values and decode
back to a dict (`StructSpec.decode`) for tests and inspection.
"""

from __future__ import annotations

import base64
import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "BLEND",
    "BLEND_VERSION",
    "CHANNELMIXERRGB",
    "COLORBALANCERGB",
    "EXPOSURE",
    "MODULES",
    "TEMPERATURE",
    "BlobError",
    "Field",
    "StructSpec",
    "blend_params",
    "decode_blob",
    "encode_blob",
]

#: Blobs longer than this many bytes are compressed, as darktable's default
#: ``compress_xmp_tags = only large entries`` does.
COMPRESS_THRESHOLD = 100

Value = float | int | bool | str | tuple[float, ...]


class BlobError(ValueError):
    """A ``params``/``blendop_params`` text that is neither hex nor ``gz`` base64."""


def encode_blob(data: bytes, *, compress: bool | None = None) -> str:
    """Bytes → darktable's XMP text: hex (≤ 100 bytes) or ``gzNN`` + base64(zlib).

    ``NN`` is darktable's compression factor ``min(len // compressed_len + 1, 99)``,
    which its reader uses to size the inflate buffer.
    """
    if compress is None:
        compress = len(data) > COMPRESS_THRESHOLD
    if not compress:
        return data.hex()
    packed = zlib.compress(data)
    factor = min(len(data) // len(packed) + 1, 99)
    return f"gz{factor:02d}" + base64.b64encode(packed).decode("ascii")


def decode_blob(text: str) -> bytes:
    """darktable's XMP text → bytes (hex or ``gzNN`` base64(zlib)).

    Raises:
        BlobError: malformed text.
    """
    text = text.strip()
    if text.startswith("gz"):
        try:
            int(text[2:4])
            return zlib.decompress(base64.b64decode(text[4:], validate=True))
        except (ValueError, zlib.error) as exc:
            raise BlobError(f"bad compressed darktable blob: {exc}") from None
    try:
        return bytes.fromhex(text)
    except ValueError as exc:
        raise BlobError(f"bad hex darktable blob: {exc}") from None


@dataclass(frozen=True)
class Field:
    """One C struct member: ``struct`` format (``f``, ``i``, ``I``, ``4f``, ``20s``) and default."""

    name: str
    fmt: str
    default: Value


@dataclass(frozen=True)
class StructSpec:
    """A darktable params struct: operation, module version and ordered fields."""

    operation: str
    version: int
    fields: tuple[Field, ...]

    @property
    def fmt(self) -> str:
        return "<" + "".join(f.fmt for f in self.fields)

    @property
    def size(self) -> int:
        """Bytes of the packed struct."""
        return struct.calcsize(self.fmt)

    def defaults(self) -> dict[str, Value]:
        return {f.name: f.default for f in self.fields}

    def encode(self, values: Mapping[str, Value] | None = None) -> bytes:
        """Pack ``values`` (field name → value; missing fields take darktable's default).

        Raises:
            KeyError: a name that is not a field.
        """
        merged = self.defaults()
        for k, v in (values or {}).items():
            if k not in merged:
                raise KeyError(f"{self.operation} has no field {k!r}")
            merged[k] = v
        flat: list[object] = []
        for f in self.fields:
            v = merged[f.name]
            if isinstance(v, tuple):
                flat.extend(v)
            elif isinstance(v, str):
                flat.append(v.encode("ascii"))
            elif isinstance(v, bool):
                flat.append(int(v))  # gboolean is a 4-byte int
            else:
                flat.append(v)
        return struct.pack(self.fmt, *flat)

    def decode(self, data: bytes) -> dict[str, Value]:
        """Unpack bytes into field name → value (arrays as tuples, strings without NULs).

        Raises:
            struct.error: ``data`` is not `size` bytes.
        """
        flat = list(struct.unpack(self.fmt, data))
        out: dict[str, Value] = {}
        for f in self.fields:
            count = struct.calcsize("<" + f.fmt) // struct.calcsize("<" + f.fmt[-1])
            if f.fmt.endswith("s"):
                raw = flat.pop(0)
                assert isinstance(raw, bytes)
                out[f.name] = raw.split(b"\0", 1)[0].decode("ascii", "replace")
            elif count > 1:
                out[f.name] = tuple(flat.pop(0) for _ in range(count))
            else:
                out[f.name] = flat.pop(0)
        return out


def _f(name: str, default: float) -> Field:
    return Field(name, "f", default)


def _i(name: str, default: int) -> Field:
    return Field(name, "i", default)


#: ``dt_iop_exposure_params_t`` v6: mode 0 = manual; ``exposure`` in EV; ``black`` level
#: correction (fraction of white); deflicker fields unused in manual mode;
#: ``compensate_exposure_bias`` (gboolean) adds the camera's exposure bias when set.
EXPOSURE = StructSpec("exposure", 6, (
    _i("mode", 0), _f("black", 0.0), _f("exposure", 0.0),
    _f("deflicker_percentile", 50.0), _f("deflicker_target_level", -4.0),
    _i("compensate_exposure_bias", 0),
))

#: ``dt_iop_temperature_params_t`` v3: raw channel multipliers (green = 1); ``g2`` is the
#: second green of 4-colour sensors, NaN (as darktable writes it) for RGB Bayer sensors.
TEMPERATURE = StructSpec("temperature", 3, (
    _f("red", 1.0), _f("green", 1.0), _f("blue", 1.0), _f("g2", float("nan")),
))

#: ``dt_iop_channelmixer_rgb_params_t`` v3 (colour calibration).  Enums: ``illuminant``
#: 0 pipeline (D50) … 7 custom (``x``, ``y`` used as given) … 10 as shot;
#: ``adaptation`` 0 linear Bradford, 1 CAT16, 2 Bradford, 3 XYZ, 4 none;
#: ``version`` 2 = CHANNELMIXERRGB_V_3.  ``x``/``y`` are CIE 1931 chromaticities of the
#: scene illuminant in darktable's pipeline frame (D50 = neutral); ``temperature`` (K)
#: is what the GUI shows for it.
CHANNELMIXERRGB = StructSpec("channelmixerrgb", 3, (
    Field("red", "4f", (1.0, 0.0, 0.0, 0.0)),
    Field("green", "4f", (0.0, 1.0, 0.0, 0.0)),
    Field("blue", "4f", (0.0, 0.0, 1.0, 0.0)),
    Field("saturation", "4f", (0.0, 0.0, 0.0, 0.0)),
    Field("lightness", "4f", (0.0, 0.0, 0.0, 0.0)),
    Field("grey", "4f", (0.0, 0.0, 0.0, 0.0)),
    _i("normalize_R", 0), _i("normalize_G", 0), _i("normalize_B", 0),
    _i("normalize_sat", 0), _i("normalize_light", 0), _i("normalize_grey", 0),
    _i("illuminant", 2), _i("illum_fluo", 2), _i("illum_led", 4), _i("adaptation", 1),
    _f("x", 0.34567), _f("y", 0.35850), _f("temperature", 5003.0), _f("gamut", 1.0),
    _i("clip", 1), _i("version", 2),
))

#: ``dt_iop_colorbalancergb_params_t`` v5 (colour balance rgb).  Sliders are fractions
#: (GUI % / 100): ``contrast`` −1..1 around ``grey_fulcrum``, ``vibrance`` −1..1,
#: ``chroma_global`` −1..1 (−1 = grey), ``saturation_*`` −1..1; ``saturation_formula``
#: 1 = darktable UCS (the default of new instances).
COLORBALANCERGB = StructSpec("colorbalancergb", 5, (
    _f("shadows_Y", 0.0), _f("shadows_C", 0.0), _f("shadows_H", 0.0),
    _f("midtones_Y", 0.0), _f("midtones_C", 0.0), _f("midtones_H", 0.0),
    _f("highlights_Y", 0.0), _f("highlights_C", 0.0), _f("highlights_H", 0.0),
    _f("global_Y", 0.0), _f("global_C", 0.0), _f("global_H", 0.0),
    _f("shadows_weight", 1.0), _f("white_fulcrum", 0.0), _f("highlights_weight", 1.0),
    _f("chroma_shadows", 0.0), _f("chroma_highlights", 0.0), _f("chroma_global", 0.0),
    _f("chroma_midtones", 0.0),
    _f("saturation_global", 0.0), _f("saturation_highlights", 0.0),
    _f("saturation_midtones", 0.0), _f("saturation_shadows", 0.0),
    _f("hue_angle", 0.0),
    _f("brilliance_global", 0.0), _f("brilliance_highlights", 0.0),
    _f("brilliance_midtones", 0.0), _f("brilliance_shadows", 0.0),
    _f("mask_grey_fulcrum", 0.1845), _f("vibrance", 0.0), _f("grey_fulcrum", 0.1845),
    _f("contrast", 0.0), _i("saturation_formula", 1),
))

MODULES = {s.operation: s for s in (EXPOSURE, TEMPERATURE, CHANNELMIXERRGB, COLORBALANCERGB)}

#: ``dt_develop_blend_params_t`` version written in ``darktable:blendop_version``.
BLEND_VERSION = 11

#: Blend colour spaces (``blend_cst``) and modes used here.
BLEND_CS_RGB_SCENE = 4
BLEND_MODE_NORMAL2 = 0x18
#: ``mask_mode`` bits: enabled, drawn mask.
MASK_ENABLED = 1
MASK_DRAWN = 2
#: ``mask_combine`` bit that inverts the module's mask.
COMBINE_INV = 1
_FEATHER_GUIDE_IN_AFTER_BLUR = 5
#: darktable's default boost factors for scene-referred RGB blending (log2(1/100) on the
#: chroma channels in and out, as darktable itself writes them); only parametric masks
#: read them.
_BOOST = tuple(-6.643856048583984 if i in (8, 9, 12, 13) else 0.0 for i in range(16))
_BLENDIF_DEFAULT = (0.0, 0.0, 1.0, 1.0) * 16

#: ``dt_develop_blend_params_t`` v11.
BLEND = StructSpec("blendop", BLEND_VERSION, (
    _i("mask_mode", 0), _i("blend_cst", BLEND_CS_RGB_SCENE),
    _i("blend_mode", BLEND_MODE_NORMAL2), _f("blend_parameter", 0.0), _f("opacity", 100.0),
    _i("mask_combine", 0), Field("mask_id", "I", 0),
    _i("blendif", 0), _f("feathering_radius", 0.0),
    _i("feathering_guide", _FEATHER_GUIDE_IN_AFTER_BLUR), _f("blur_radius", 0.0),
    _f("contrast", 0.0), _f("brightness", 0.0), _f("details", 0.0),
    Field("reserved", "3i", (0, 0, 0)),
    Field("blendif_parameters", "64f", _BLENDIF_DEFAULT),
    Field("blendif_boost_factors", "16f", _BOOST),
    Field("raster_mask_source", "20s", ""), _i("raster_mask_instance", 0),
    _i("raster_mask_id", 0), _i("raster_mask_invert", 0),
))


def blend_params(mask_id: int = 0, *, opacity: float = 100.0, invert: bool = False) -> bytes:
    """Blend params for a module instance: uniform, or limited to drawn mask ``mask_id``.

    Args:
        mask_id: form id of the mask group (0 = no mask: the module applies everywhere).
        opacity: 0..100 %.
        invert: apply outside the mask instead of inside.
    """
    values: dict[str, Value] = {"opacity": float(opacity)}
    if opacity < 100.0:
        values["mask_mode"] = MASK_ENABLED  # mode 0 ignores the opacity
    if mask_id:
        values["mask_mode"] = MASK_ENABLED | MASK_DRAWN
        values["mask_id"] = mask_id
        values["mask_combine"] = COMBINE_INV if invert else 0
    return BLEND.encode(values)
