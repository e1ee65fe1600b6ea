"""darktable sidecars: Atelier's develop settings as a native darktable history.

darktable keeps its edit of ``IMG_1.NEF`` in ``IMG_1.NEF.xmp`` (extension appended, so it
never clashes with the Adobe sidecar): a ``darktable:history`` sequence of module
instances with binary params (`xmp.darktable_params`), drawn masks in
``darktable:masks_history`` (`xmp.darktable_masks`), ``darktable:history_end`` and the
pipeline order (``darktable:iop_order_version`` / ``iop_order_list``).

What Atelier writes (darktable 4.2 module versions):

* ``Exposure2012`` → an ``exposure`` instance named ``atelier`` (EV on top of darktable's
  own default exposure, which stays);
* raw ``Temperature``/``Tint`` → the ``temperature`` module (camera multipliers; a fresh
  sidecar also switches colour calibration's CAT off so a darktable set to "modern"
  chromatic adaptation does not adapt twice), or, when the sidecar already does
  darktable's modern white balance, its colour-calibration illuminant moved by the
  change from the as-shot light; rendered ``IncrementalTemperature``/``IncrementalTint``
  → a ``channelmixerrgb`` (colour calibration) instance ``atelier`` with a custom
  illuminant (`xmp.darktable_wb`);
* ``Contrast2012``, ``Vibrance``, ``Saturation`` → a ``colorbalancergb`` instance
  ``atelier`` (contrast, global vibrance, global chroma: slider/100);
* each `pb.MaskedAdjustment` → instances ``atelier <n>: <name>`` of exposure
  (local exposure EV), colorbalancergb (local contrast, saturation) and
  channelmixerrgb (local temperature/tint), each limited by blend params to a mask
  group of the drawn forms, at opacity = ``amount``.

Other sliders (highlights, shadows, whites, blacks, texture, clarity, dehaze, tone curve)
have no exact darktable counterpart here and are skipped with a log warning.

Merging with an existing darktable sidecar keeps every other entry: entries above the
user's ``history_end`` (undone steps) are dropped as darktable itself does when a step is
added, then Atelier's entries are appended and ``history_end`` moves to the end.  An
instance whose params did not change gets no new entry, so a second identical run writes
nothing.  Atelier's masked instances of a previous run that are no longer wanted get a
disabling entry — all of them, or with ``replace_names`` only those of the masks named
there (``atelier mask`` replaces its own mask and keeps the others, their forms too).  New
instances are placed in an explicit (custom) pipeline order next to their
module — after ``colorin`` for rendered files, so exposure acts on linear data.  What the
sidecar held before is recorded in ``atelier:DarktablePrevious`` so `revert_darktable`
can take Atelier's entries back out.

A fresh sidecar leaves ``darktable:auto_presets_applied="0"``: darktable then prepends
its own defaults (scene-referred workflow, filmic, …) when it opens the photo, and
Atelier's instances apply on top of them.
"""

from __future__ import annotations

import json
import logging
import xml.etree.ElementTree as ET
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from atelier.settings import local_settings_from_adjustments
from atelier.v1 import engine_pb2 as pb
from engine.decode.types import RawColour
from xmp.darktable_iop_order import BASE_ORDERS, parse_order, serialize_order
from xmp.darktable_masks import (
    TYPE_GROUP,
    Form,
    MaskWriteError,
    darktable_form,
    forms_for_mask,
    group_form,
    unpack_points,
)
from xmp.darktable_params import (
    BLEND_VERSION,
    CHANNELMIXERRGB,
    COLORBALANCERGB,
    EXPOSURE,
    TEMPERATURE,
    StructSpec,
    blend_params,
    decode_blob,
    encode_blob,
)
from xmp.darktable_wb import (
    light_pipeline_xy,
    raw_multipliers,
    raw_size,
    read_raw_colour,
    rebalance_pipeline_xy,
    shift_illuminant,
)
from xmp.lightroom import Provenance
from xmp.packet import Packet, XmpError, qname
from xmp.vocabulary import validate_settings
from xmp.write import FileChangedError, atomic_write, fingerprint

__all__ = [
    "INSTANCE_PREFIX",
    "HistoryEntry",
    "darktable_sidecar_path",
    "read_history",
    "revert_darktable",
    "write_darktable_sidecar",
]

log = logging.getLogger(__name__)

#: ``multi_name`` prefix of every module instance Atelier writes.
INSTANCE_PREFIX = "atelier"
_XMP_VERSION = "5"
_NEW_ORDER_VERSION = 2  # darktable's default "v3.0" pipeline order
_CUSTOM_ORDER = 0
_MAX_NAME = 60
_IGNORED = ("Highlights2012", "Shadows2012", "Whites2012", "Blacks2012", "Texture",
            "Clarity2012", "Dehaze")


def darktable_sidecar_path(photo: Path) -> Path:
    """``IMG_1.NEF`` → ``IMG_1.NEF.xmp`` (darktable appends the extension)."""
    return photo.with_name(photo.name + ".xmp")


@dataclass(frozen=True)
class HistoryEntry:
    """One ``darktable:history`` entry (params kept as darktable's text).

    Attributes:
        num: position in the history, 0-based.
        operation: module name (``"exposure"``).
        enabled: the instance is on after this step.
        modversion: params struct version.
        params: ``darktable:params`` text (hex or ``gz`` base64).
        multi_name: instance name (``""`` for the first instance).
        multi_priority: instance number, 0 = first.
        blendop_version: blend params struct version.
        blendop_params: ``darktable:blendop_params`` text.
    """

    num: int
    operation: str
    enabled: bool
    modversion: int
    params: str
    multi_name: str = ""
    multi_priority: int = 0
    blendop_version: int = BLEND_VERSION
    blendop_params: str = ""

    def attributes(self) -> dict[str, str]:
        return {
            "num": str(self.num), "operation": self.operation,
            "enabled": "1" if self.enabled else "0", "modversion": str(self.modversion),
            "params": self.params, "multi_name": self.multi_name,
            "multi_priority": str(self.multi_priority),
            "blendop_version": str(self.blendop_version), "blendop_params": self.blendop_params,
        }

    def same_state(self, other: HistoryEntry) -> bool:
        """Same module state (ignoring where it sits in the history)."""
        return (self.enabled, self.modversion, decode_blob(self.params),
                decode_blob(self.blendop_params or "")) == (
            other.enabled, other.modversion, decode_blob(other.params),
            decode_blob(other.blendop_params or ""))


@dataclass(frozen=True)
class _Instance:
    """A module instance Atelier wants: params and masks."""

    spec: StructSpec
    name: str  # multi_name
    params: bytes
    members: tuple[tuple[Form, int, float], ...] = ()
    opacity: float = 100.0
    priority: int | None = None  # a given instance (None: Atelier's own, by name)
    enabled: bool = True


# -- reading ----------------------------------------------------------------------------


def _dt(name: str) -> str:
    return qname("darktable", name)


def _value(li: ET.Element, name: str) -> str | None:
    """A field of an ``rdf:li`` entry in attribute or element form."""
    key = _dt(name)
    if key in li.attrib:
        return li.attrib[key]
    for node in (li, li.find(qname("rdf", "Description"))):
        if node is None:
            continue
        if key in node.attrib:
            return node.attrib[key]
        child = node.find(key)
        if child is not None:
            return child.text or ""
    return None


def _seq(packet: Packet, prop: str, create: bool) -> ET.Element | None:
    for d in packet.descriptions():
        outer = d.find(_dt(prop))
        if outer is not None:
            seq = outer.find(qname("rdf", "Seq"))
            if seq is None and create:
                seq = ET.SubElement(outer, qname("rdf", "Seq"))
            return seq
    if not create:
        return None
    outer = ET.SubElement(packet.main_description(), _dt(prop))
    return ET.SubElement(outer, qname("rdf", "Seq"))


def _int(text: str | None, default: int = 0) -> int:
    try:
        return int(text) if text else default
    except ValueError:
        raise XmpError(f"darktable sidecar: {text!r} is not an integer") from None


def _entry(li: ET.Element, index: int) -> HistoryEntry:
    operation, params = _value(li, "operation"), _value(li, "params")
    if not operation or params is None or _value(li, "modversion") is None:
        raise XmpError("darktable sidecar: a history entry lacks operation/params/modversion")
    return HistoryEntry(
        num=_int(_value(li, "num"), index), operation=operation,
        enabled=_value(li, "enabled") == "1", modversion=_int(_value(li, "modversion")),
        params=params, multi_name=_value(li, "multi_name") or "",
        multi_priority=_int(_value(li, "multi_priority")),
        blendop_version=_int(_value(li, "blendop_version"), 1),
        blendop_params=_value(li, "blendop_params") or "",
    )


def read_history(packet: Packet) -> list[HistoryEntry]:
    """The ``darktable:history`` entries of a packet, in order.

    Raises:
        XmpError: an entry lacks a required field or has a non-integer number.
    """
    seq = _seq(packet, "history", create=False)
    lis = [] if seq is None else seq.findall(qname("rdf", "li"))
    return [_entry(li, i) for i, li in enumerate(lis)]


# -- what to write ----------------------------------------------------------------------


def _global_instances(
    settings: Mapping[str, float], is_raw: bool, photo: Path, raw_colour: RawColour | None,
    live: Sequence[HistoryEntry], fresh: bool,
) -> list[_Instance]:
    out: list[_Instance] = []
    if "Exposure2012" in settings:
        params = EXPOSURE.encode({"exposure": float(settings["Exposure2012"])})
        out.append(_Instance(EXPOSURE, INSTANCE_PREFIX, params))
    if is_raw and ("Temperature" in settings or "Tint" in settings):
        out += _raw_white_balance(settings, photo, raw_colour, live, fresh)
    if not is_raw and ("IncrementalTemperature" in settings or "IncrementalTint" in settings):
        out.append(_wb_instance(INSTANCE_PREFIX, settings.get("IncrementalTemperature", 0.0),
                                settings.get("IncrementalTint", 0.0)))
    tone = {
        "contrast": settings.get("Contrast2012", 0.0) / 100,
        "vibrance": settings.get("Vibrance", 0.0) / 100,
        "chroma_global": settings.get("Saturation", 0.0) / 100,
    }
    if any(k in settings for k in ("Contrast2012", "Vibrance", "Saturation")):
        out.append(_Instance(COLORBALANCERGB, INSTANCE_PREFIX, COLORBALANCERGB.encode(tone)))
    skipped = [k for k in settings if k in _IGNORED or k == "ToneCurvePV2012"]
    if skipped:
        log.warning("%s: no darktable module written for %s", photo.name, ", ".join(skipped))
    return out


def _cat_in_use(live: Sequence[HistoryEntry]) -> HistoryEntry | None:
    """The user's colour-calibration instance doing chromatic adaptation, if any
    (darktable's "modern" white balance: ``temperature`` at D65 reference + CAT)."""
    last = None
    for e in live:
        if e.operation == "channelmixerrgb" and e.multi_priority == 0:
            last = e
    if last is None or not last.enabled or last.modversion != CHANNELMIXERRGB.version:
        return None
    params = CHANNELMIXERRGB.decode(decode_blob(last.params))
    if params["illuminant"] == 0 or params["adaptation"] not in (0, 1, 2):
        return None  # pipeline illuminant or no CAT: a plain channel mixer
    return last


def _raw_white_balance(
    settings: Mapping[str, float], photo: Path, raw_colour: RawColour | None,
    live: Sequence[HistoryEntry], fresh: bool,
) -> list[_Instance]:
    """Raw ``Temperature``/``Tint`` in whichever white balance the sidecar uses.

    * The user's sidecar does "modern" WB (colour calibration CAT): its illuminant moves
      by the change from the as-shot light to the target (`rebalance_pipeline_xy`).
    * Otherwise the ``temperature`` module gets the camera multipliers; a fresh sidecar
      also switches colour calibration's first instance off, so a darktable configured
      for modern chromatic adaptation does not adapt a second time.
    """
    colour = raw_colour or read_raw_colour(photo)
    if colour is None:
        log.warning("%s: no camera colour model (LibRaw cannot read it); white balance "
                    "skipped for darktable", photo.name)
        return []
    from engine.color.white_balance import duv_to_tint, xy_to_cct_duv

    cct, duv = xy_to_cct_duv(np.asarray(colour.as_shot_xy))
    shot = (cct, duv_to_tint(duv))
    temperature = float(settings.get("Temperature", shot[0]))
    tint = float(settings.get("Tint", shot[1]))
    cat = _cat_in_use(live)
    if cat is not None:
        params = CHANNELMIXERRGB.decode(decode_blob(cat.params))
        current = (float(params["x"]), float(params["y"]))  # type: ignore[arg-type]
        if params["illuminant"] not in (7, 10):  # a named illuminant: start from ours
            current = light_pipeline_xy(*shot)
        x, y = rebalance_pipeline_xy(current, light_pipeline_xy(*shot),
                                     light_pipeline_xy(temperature, tint))
        params.update({"illuminant": 7, "x": x, "y": y, "temperature": temperature})
        return [_Instance(CHANNELMIXERRGB, cat.multi_name, CHANNELMIXERRGB.encode(params),
                          priority=0)]
    r, g, b = raw_multipliers(temperature, tint, colour)
    out = [_Instance(TEMPERATURE, "", TEMPERATURE.encode({"red": r, "green": g, "blue": b}),
                     priority=0)]
    if fresh:
        out.append(_Instance(CHANNELMIXERRGB, "", CHANNELMIXERRGB.encode(), priority=0,
                             enabled=False))
    return out


def _wb_instance(name: str, temperature: float, tint: float, **kw: object) -> _Instance:
    x, y, cct = shift_illuminant(float(temperature), float(tint))
    params = CHANNELMIXERRGB.encode({"illuminant": 7, "x": x, "y": y, "temperature": cct})
    return _Instance(CHANNELMIXERRGB, name, params, **kw)  # type: ignore[arg-type]


def _local_instances(
    masks: Sequence[pb.MaskedAdjustment], size: tuple[int, int], orientation: int,
    taken: set[int],
) -> list[_Instance]:
    out: list[_Instance] = []
    for i, masked in enumerate(masks):
        name = f"{INSTANCE_PREFIX} {i + 1}: {masked.name or 'mask'}"[:_MAX_NAME]
        local = local_settings_from_adjustments(masked.adjustments)
        try:
            members = tuple(forms_for_mask(masked, size, orientation=orientation, taken=taken,
                                           seed=name))
        except MaskWriteError as exc:
            log.warning("darktable: mask %r skipped: %s", masked.name, exc)
            continue
        amount = masked.amount or 1.0  # proto3: unset (0) = the full amount
        kw = {"members": members, "opacity": 100.0 * min(max(amount, 0.0), 1.0)}
        if "LocalExposure2012" in local:
            params = EXPOSURE.encode({"exposure": float(local["LocalExposure2012"])})
            out.append(_Instance(EXPOSURE, name, params, **kw))  # type: ignore[arg-type]
        if "LocalContrast2012" in local or "LocalSaturation" in local:
            params = COLORBALANCERGB.encode({
                "contrast": local.get("LocalContrast2012", 0.0) / 100,
                "chroma_global": local.get("LocalSaturation", 0.0) / 100,
            })
            out.append(_Instance(COLORBALANCERGB, name, params, **kw))  # type: ignore[arg-type]
        if "LocalTemperature" in local or "LocalTint" in local:
            out.append(_wb_instance(name, local.get("LocalTemperature", 0.0),
                                    local.get("LocalTint", 0.0), **kw))
        other = sorted(set(local) - {"LocalExposure2012", "LocalContrast2012", "LocalSaturation",
                                     "LocalTemperature", "LocalTint"})
        if other:
            log.warning("darktable: mask %r: no module written for %s", masked.name,
                        ", ".join(other))
    return out


# -- masks history ----------------------------------------------------------------------


def _snapshot(packet: Packet, history_end: int) -> tuple[int, list[ET.Element]]:
    """The forms darktable uses at ``history_end``: (mask_num, their ``rdf:li``)."""
    seq = _seq(packet, "masks_history", create=False)
    if seq is None:
        return -1, []
    by_num: dict[int, list[ET.Element]] = {}
    for li in seq.findall(qname("rdf", "li")):
        by_num.setdefault(_int(_value(li, "mask_num")), []).append(li)
    nums = [n for n in by_num if n < history_end]
    if not nums:
        return -1, []
    last = max(nums)
    return last, by_num[last]


def _mask_li(attrs: Mapping[str, str], num: int) -> ET.Element:
    li = ET.Element(qname("rdf", "li"))
    li.set(_dt("mask_num"), str(num))
    for k, v in attrs.items():
        li.set(_dt(k), v)
    return li


# -- writing ----------------------------------------------------------------------------


def _photo_size(photo: Path, is_raw: bool) -> tuple[int, int]:
    if is_raw:
        size = raw_size(photo)
        if size is None:
            raise XmpError(f"{photo.name}: LibRaw cannot read its size; masks need it")
        return size
    from PIL import Image

    with Image.open(photo) as img:
        return img.size


def _history_end(packet: Packet, count: int) -> int:
    """``darktable:history_end`` clamped to 0..count (missing = all entries)."""
    return min(max(_int(packet.get("darktable", "history_end"), count), 0), count)


def _is_ours(li: ET.Element) -> bool:
    name = _value(li, "mask_name") or ""
    return name.startswith((INSTANCE_PREFIX, "grp " + INSTANCE_PREFIX))


def _replaced(name: str, names: Collection[str] | None) -> bool:
    """Whether Atelier's instance (``atelier <n>: <mask>``) or group (``grp atelier <n>:
    <mask>``) ``name`` belongs to a mask in ``names`` (None: every mask).  Names cut at
    `_MAX_NAME` match the masks they are a prefix of."""
    if names is None:
        return True
    part = name.split(": ", 1)[1] if ": " in name else ""
    return any(part == n or (len(name) >= _MAX_NAME and n.startswith(part)) for n in names)


def _kept_form_ids(lis: Sequence[ET.Element], names: Collection[str] | None) -> set[int]:
    """Ids of Atelier's forms that stay: the groups of masks not in ``names`` and their
    members (none when ``names`` is None: every Atelier mask is replaced)."""
    kept: set[int] = set()
    if names is None:
        return kept
    for li in lis:
        name = _value(li, "mask_name") or ""
        if _int(_value(li, "mask_type")) != TYPE_GROUP or not name.startswith(
                f"grp {INSTANCE_PREFIX} ") or _replaced(name, names):
            continue
        kept.add(_int(_value(li, "mask_id")))
        members = unpack_points(TYPE_GROUP, decode_blob(_value(li, "mask_points") or ""))
        kept.update(int(member[0]) for member in members)
    return kept


def _form_attrs(li: ET.Element) -> dict[str, str]:
    return {k: v for k, v in _li_attrs(li).items() if k != "mask_num"}


def _resolve(
    wanted: list[_Instance], live: list[HistoryEntry], taken: set[int]
) -> tuple[list[tuple[HistoryEntry, bool]], list[Form], list[tuple[str, int]]]:
    """Entries for ``wanted`` (with "masked" flags), their forms, and new instances."""
    priorities: dict[tuple[str, str], int] = {}
    next_prio: dict[str, int] = {}
    for e in live:
        priorities.setdefault((e.operation, e.multi_name), e.multi_priority)
        next_prio[e.operation] = max(next_prio.get(e.operation, 0), e.multi_priority + 1)
    entries: list[tuple[HistoryEntry, bool]] = []
    forms: list[Form] = []
    placed: list[tuple[str, int]] = []
    for inst in wanted:
        op = inst.spec.operation
        if inst.priority is not None:
            prio = inst.priority  # a given instance, e.g. the single white balance module
        elif (op, inst.name) in priorities:
            prio = priorities[(op, inst.name)]
        else:
            # ≥ 1 so darktable's own first instance (with its defaults) stays.
            prio = max(next_prio.get(op, 1), 1)
            next_prio[op] = prio + 1
            priorities[(op, inst.name)] = prio
            placed.append((op, prio))
        mask_id = 0
        if inst.members:
            group = group_form(_group_id(inst, taken), f"grp {inst.name}", inst.members)
            mask_id = group.formid
            forms.extend(f for f, _, _ in inst.members)
            forms.append(group)
        blend = blend_params(mask_id, opacity=inst.opacity)
        entries.append((HistoryEntry(0, op, inst.enabled, inst.spec.version,
                                     encode_blob(inst.params),
                                     inst.name, prio, BLEND_VERSION, encode_blob(blend)),
                        bool(inst.members)))
    return entries, forms, placed


def _merge(
    packet: Packet, wanted: list[_Instance], is_raw: bool, fresh: bool, taken: set[int],
    replace_names: Collection[str] | None = None, keep_forms: Collection[int] = (),
) -> bool:
    """Append ``wanted`` to the packet's history; True if anything changed.  Atelier's
    earlier masked instances of ``replace_names`` (None: all) are switched off; its
    forms in ``keep_forms`` stay in the masks snapshot."""
    history_seq = _seq(packet, "history", create=True)
    assert history_seq is not None
    lis = history_seq.findall(qname("rdf", "li"))
    entries = [_entry(li, i) for i, li in enumerate(lis)]
    end = _history_end(packet, len(entries))
    live = entries[:end]
    current = {(e.operation, e.multi_priority): e for e in live}  # last entry wins

    candidates, new_forms, placed = _resolve(wanted, live, taken)
    wanted_keys = {(e.operation, e.multi_priority) for e, _ in candidates}
    new = [e for e, _ in candidates
           if (e.operation, e.multi_priority) not in current
           or not current[(e.operation, e.multi_priority)].same_state(e)]
    # Atelier's masked instances of an earlier run that are no longer wanted: switch off.
    for (op, prio), e in current.items():
        if e.multi_name.startswith(INSTANCE_PREFIX + " ") and (op, prio) not in wanted_keys \
                and e.enabled and _replaced(e.multi_name, replace_names):
            new.append(HistoryEntry(0, op, False, e.modversion, e.params, e.multi_name, prio,
                                    e.blendop_version, e.blendop_params))

    # Masks: the forms snapshot at history_end, minus Atelier's old forms, plus the new.
    _, snap = _snapshot(packet, end)
    kept = [li for li in snap
            if not _is_ours(li) or _int(_value(li, "mask_id")) in keep_forms]
    snapshot = [_form_attrs(li) for li in kept] + [darktable_form(f) for f in new_forms]
    snapshot_changed = snapshot != [_form_attrs(li) for li in snap]
    if snapshot_changed and not new:
        # A snapshot belongs to a history step: re-append the masked instances.
        new = [e for e, masked in candidates if masked] or [e for e, _ in candidates[:1]]
    if not new:
        return False

    previous = {
        "history_count": len(entries),
        **{key: packet.get("darktable", key) for key in (
            "history_end", "iop_order_version", "iop_order_list", "auto_presets_applied",
            "xmp_version")},
    }
    # Drop undone steps (above history_end), as darktable does when a step is added.
    for li in lis[end:]:
        history_seq.remove(li)
    masks_seq = _seq(packet, "masks_history", create=True)
    assert masks_seq is not None
    for li in masks_seq.findall(qname("rdf", "li")):
        if _int(_value(li, "mask_num")) >= end:
            masks_seq.remove(li)
    for i, e in enumerate(new):
        li = ET.SubElement(history_seq, qname("rdf", "li"))
        for k, v in replace(e, num=end + i).attributes().items():
            li.set(_dt(k), v)
    if snapshot_changed:
        # The full snapshot, from Atelier's first step on: darktable renders every module
        # with the last snapshot at or below history_end.
        for attrs in snapshot:
            masks_seq.append(_mask_li(attrs, end))

    packet.set("darktable", "history_end", str(end + len(new)))
    if packet.get("darktable", "xmp_version") is None:
        packet.set("darktable", "xmp_version", _XMP_VERSION)
    if fresh:
        packet.set("darktable", "auto_presets_applied", "0")
    if placed:
        _place_instances(packet, placed, is_raw)
    packet.set("atelier", "DarktablePrevious", json.dumps(previous, sort_keys=True))
    return True


def _li_attrs(li: ET.Element) -> dict[str, str]:
    prefix = _dt("")
    return {k[len(prefix):]: v for k, v in li.attrib.items() if k.startswith(prefix)}


def _group_id(inst: _Instance, taken: set[int]) -> int:
    import zlib

    n = zlib.crc32(f"group/{inst.spec.operation}/{inst.name}".encode()) & 0x3FFFFFFF or 1
    while n in taken:
        n = (n + 1) & 0x3FFFFFFF or 1
    taken.add(n)
    return n


def _place_instances(packet: Packet, placed: list[tuple[str, int]], is_raw: bool) -> None:
    """Add new instances to the pipeline order (made custom), next to their module."""
    version = _int(packet.get("darktable", "iop_order_version"), _NEW_ORDER_VERSION)
    text = packet.get("darktable", "iop_order_list")
    if version == _CUSTOM_ORDER and text:
        order = parse_order(text)
    else:
        order = list(BASE_ORDERS.get(version, BASE_ORDERS[_NEW_ORDER_VERSION]))
    for op, prio in placed:
        if (op, prio) in order:
            continue
        at = max((i for i, (o, _) in enumerate(order) if o == op), default=-1)
        if not is_raw and ("colorin", 0) in order:
            # Rendered files are display-encoded until colorin: act on linear data.
            at = max(at, order.index(("colorin", 0)))
        if at < 0:
            at = order.index(("colorout", 0)) - 1 if ("colorout", 0) in order else len(order) - 1
        order.insert(at + 1, (op, prio))
    packet.set("darktable", "iop_order_version", str(_CUSTOM_ORDER))
    packet.set("darktable", "iop_order_list", serialize_order(order))


def write_darktable_sidecar(
    photo: Path,
    settings: Mapping[str, float],
    *,
    is_raw: bool,
    masks: Sequence[pb.MaskedAdjustment] = (),
    provenance: Provenance | None = None,
    orientation: int = 1,
    size: tuple[int, int] | None = None,
    raw_colour: RawColour | None = None,
    replace_names: Collection[str] | None = None,
    dry_run: bool = False,
) -> Path:
    """Merge Atelier's settings into ``photo``'s darktable sidecar ``<file>.<ext>.xmp``.

    Args:
        photo: the photo (never modified).
        settings: Lightroom names → values in slider units (``xmp.vocabulary``).
        is_raw: raw photo (``Temperature``/``Tint`` in K) or rendered (incremental WB).
        masks: local adjustments; geometry normalised to the displayed frame.
        provenance: recorded in the ``atelier:`` namespace.
        orientation: EXIF orientation 1..8 of the photo (mask geometry is converted).
        size: (width, height) px of the photo as stored; read from the file when None
            and masks need it.
        raw_colour: the camera colour model for raw white balance; read with LibRaw
            when None.
        replace_names: of Atelier's earlier masks, only those with these names are
            replaced (switched off, their forms dropped); None = all of them.
        dry_run: compute, write nothing.

    Returns:
        The sidecar path (written only when something changed).

    Raises:
        FileChangedError: the sidecar changed while Atelier worked; nothing written.
        XmpError: the existing sidecar is unsafe or unreadable; nothing written.
        xmp.vocabulary.SliderRangeError: a value out of range or the wrong WB kind.
    """
    validate_settings(settings, is_raw=is_raw)
    target = darktable_sidecar_path(photo)
    before = fingerprint(target)
    packet = Packet.parse(target.read_bytes()) if before else Packet.empty()
    # Ids of Atelier's own earlier forms are free again: a rerun gets the same ids.
    history = read_history(packet)
    end = _history_end(packet, len(history))
    keep_forms = _kept_form_ids(_snapshot(packet, end)[1], replace_names)
    taken = {_int(_value(li, "mask_id")) for li in _all_mask_lis(packet) if not _is_ours(li)}
    taken |= keep_forms
    wanted = _global_instances(settings, is_raw, photo, raw_colour, history[:end],
                               fresh=before is None)
    if masks:
        frame = size or _photo_size(photo, is_raw)
        wanted += _local_instances(masks, frame, orientation, taken)
    changed = _merge(packet, wanted, is_raw, fresh=before is None, taken=taken,
                     replace_names=replace_names, keep_forms=keep_forms)
    if changed and provenance is not None:
        packet.set("atelier", "Backend", provenance.backend)
        packet.set("atelier", "EngineVersion", provenance.engine_version)
        packet.set("atelier", "Reasons", json.dumps(dict(provenance.reasons), sort_keys=True,
                                                    ensure_ascii=False))
    if changed and not dry_run:
        if fingerprint(target) != before:
            raise FileChangedError(f"{target.name} changed while Atelier worked; skipped")
        atomic_write(target, packet.to_bytes())
    return target


def _all_mask_lis(packet: Packet) -> list[ET.Element]:
    seq = _seq(packet, "masks_history", create=False)
    return [] if seq is None else seq.findall(qname("rdf", "li"))


def revert_darktable(photo: Path, *, dry_run: bool = False) -> bool:
    """Take Atelier's last write back out of ``photo``'s darktable sidecar.

    Removes the history and mask entries Atelier appended and restores
    ``history_end`` and the pipeline order; a sidecar Atelier created is deleted.
    Returns True if there was something to revert.

    Raises:
        FileChangedError: the sidecar changed while Atelier worked.
        XmpError: ``atelier:DarktablePrevious`` is not what Atelier writes.
    """
    target = darktable_sidecar_path(photo)
    before = fingerprint(target)
    if before is None:
        return False
    packet = Packet.parse(target.read_bytes())
    text = packet.get("atelier", "DarktablePrevious")
    if text is None:
        return False
    try:
        previous = json.loads(text)
        count = int(previous["history_count"])
    except (ValueError, KeyError, TypeError):
        raise XmpError("atelier:DarktablePrevious is not valid; cannot revert") from None
    if dry_run:
        return True
    if previous.get("xmp_version") is None:
        target.unlink()  # Atelier created this sidecar
        return True
    history_seq = _seq(packet, "history", create=False)
    if history_seq is not None:
        for li in history_seq.findall(qname("rdf", "li"))[count:]:
            history_seq.remove(li)
    masks_seq = _seq(packet, "masks_history", create=False)
    end = _int(previous.get("history_end"), count)
    if masks_seq is not None:
        for li in masks_seq.findall(qname("rdf", "li")):
            if _int(_value(li, "mask_num")) >= end:
                masks_seq.remove(li)
    for key in ("history_end", "iop_order_version", "iop_order_list", "auto_presets_applied"):
        value = previous.get(key)
        if value is None:
            packet.remove("darktable", key)
        else:
            packet.set("darktable", key, str(value))
    for key in ("DarktablePrevious", "Backend", "EngineVersion", "Reasons"):
        packet.remove("atelier", key)
    if fingerprint(target) != before:
        raise FileChangedError(f"{target.name} changed while Atelier worked; skipped")
    atomic_write(target, packet.to_bytes())
    return True
