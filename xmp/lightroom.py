"""Lightroom ``crs:`` global develop settings in a packet, with Atelier provenance.

Writes exactly what Lightroom writes: ``crs:Version``/``crs:ProcessVersion``,
``crs:HasSettings="True"``, each slider formatted as Lightroom formats it,
``crs:WhiteBalance="Custom"`` when a white balance number is written, and only the
white-balance keys of the photo's kind (the other kind is removed).  What each key held
before is kept in ``atelier:Previous`` (JSON) so the write can be reverted exactly.
"""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from atelier.v1 import engine_pb2 as pb
from xmp.packet import Packet, qname
from xmp.vocabulary import RAW_WB, RENDERED_WB, format_xmp_value, validate_settings

__all__ = [
    "CRS_HEADER",
    "CRS_VERSION",
    "PROCESS_VERSION",
    "Provenance",
    "apply_develop",
    "apply_develop_settings",
    "atelier_correction_ids",
    "correction_field",
    "remove_atelier_corrections",
    "set_mask_group",
]

CRS_VERSION = "15.4"
PROCESS_VERSION = "15.4"
#: The keys every Lightroom develop packet carries (Local* values need a process version).
CRS_HEADER = {"Version": CRS_VERSION, "ProcessVersion": PROCESS_VERSION, "HasSettings": "True"}


@dataclass(frozen=True)
class Provenance:
    """Who wrote the values: stored in the ``atelier:`` namespace.

    Attributes:
        backend: predictor that answered, e.g. ``"analytic/1"``.
        engine_version: Atelier engine version.
        reasons: Lightroom name → reason (stored as JSON).
    """

    backend: str
    engine_version: str
    reasons: Mapping[str, str] = field(default_factory=dict)


def apply_develop_settings(
    packet: Packet, settings: Mapping[str, float], *, is_raw: bool, provenance: Provenance
) -> bool:
    """Set ``settings`` (Lightroom names, slider units) in ``packet``; True if it changed.

    Raises:
        xmp.vocabulary.SliderRangeError: a value out of range or the wrong WB kind.
    """
    validate_settings(settings, is_raw=is_raw)
    wanted = {name: format_xmp_value(name, v) for name, v in settings.items()}
    if any(k in settings for k in (*RAW_WB, *RENDERED_WB)):
        wanted["WhiteBalance"] = "Custom"
    for other in RENDERED_WB if is_raw else RAW_WB:
        if packet.get("crs", other) is not None:
            wanted[other] = ""  # "" = remove: the other photo kind's keys
    wanted.update(CRS_HEADER)
    current = {k: packet.get("crs", k) for k in wanted}
    if all((current[k] or "") == v for k, v in wanted.items()):
        return False
    previous = {k: current[k] for k in wanted}
    for name, value in wanted.items():
        if value == "":
            packet.remove("crs", name)
        else:
            packet.set("crs", name, value)
    packet.set("atelier", "Backend", provenance.backend)
    packet.set("atelier", "EngineVersion", provenance.engine_version)
    packet.set("atelier", "Previous", json.dumps(previous, sort_keys=True))
    packet.set("atelier", "Reasons", json.dumps(dict(provenance.reasons), sort_keys=True,
                                                 ensure_ascii=False))
    return True


def correction_field(correction: ET.Element, name: str) -> str:
    """A ``crs:`` field (``CorrectionSyncID``, ``CorrectionName``…) of an ``rdf:li``
    correction, in attribute or element form; "" when absent."""
    key = qname("crs", name)
    for node in (correction, *correction.iter(qname("rdf", "Description"))):
        if key in node.attrib:
            return node.attrib[key]
        child = node.find(key)
        if child is not None:
            return child.text or ""
    return ""


def _sync_id(correction: ET.Element) -> str:
    return correction_field(correction, "CorrectionSyncID")


def _corrections(group: ET.Element | None) -> list[ET.Element]:
    seq = group.find(qname("rdf", "Seq")) if group is not None else None
    return list(seq.findall(qname("rdf", "li"))) if seq is not None else []


def _canonical(element: ET.Element) -> bytes:
    """``element`` serialised without layout whitespace (re-parsed files are indented)."""
    clone = copy.deepcopy(element)
    for node in clone.iter():
        if node.text is not None and not node.text.strip():
            node.text = None
        if node.tail is not None and not node.tail.strip():
            node.tail = None
    return ET.tostring(clone)


def atelier_correction_ids(packet: Packet) -> list[str]:
    """Sync IDs of the mask corrections Atelier wrote last (``atelier:MaskCorrections``)."""
    text = packet.get("atelier", "MaskCorrections")
    return list(json.loads(text)) if text else []


def remove_atelier_corrections(packet: Packet) -> bool:
    """Remove the corrections Atelier wrote, keeping the user's; True if any went."""
    ours = set(atelier_correction_ids(packet))
    description = packet.main_description()
    group = description.find(qname("crs", "MaskGroupBasedCorrections"))
    packet.remove("atelier", "MaskCorrections")
    if group is None or not ours:
        return bool(ours)
    seq = group.find(qname("rdf", "Seq"))
    removed = False
    for li in _corrections(group):
        if _sync_id(li) in ours and seq is not None:
            seq.remove(li)
            removed = True
    if not _corrections(group):
        description.remove(group)
    return removed


def set_mask_group(
    packet: Packet, masks: Sequence[pb.MaskedAdjustment], *, orientation: int = 1,
    replace_names: Collection[str] | None = None,
) -> bool:
    """Put ``masks`` into ``crs:MaskGroupBasedCorrections``; True if the packet changed.

    The user's own corrections stay, before ours.  Of the corrections Atelier wrote
    before, those named in ``replace_names`` (all of them when None) are replaced and
    the others kept.  Atelier's sync IDs are kept in ``atelier:MaskCorrections`` so that
    a later run or ``atelier revert`` knows which corrections are Atelier's.  Geometry is
    normalised to the whole displayed photo (the analysis sees it uncropped); Lightroom
    keeps masks in the un-cropped frame, so a crop in the packet is kept and changes
    nothing (`xmp.crop`).
    """
    from xmp.lightroom_masks import mask_group_element  # the Lightroom mask writer

    ours = mask_group_element(masks, orientation=orientation)
    description = packet.main_description()
    group = description.find(qname("crs", "MaskGroupBasedCorrections"))
    old_ids = atelier_correction_ids(packet)
    replaced = {_sync_id(li) for li in _corrections(group) if _sync_id(li) in set(old_ids) and (
        replace_names is None or correction_field(li, "CorrectionName") in replace_names)}
    kept = [li for li in _corrections(group) if _sync_id(li) not in replaced]
    new_ids = [i for i in old_ids if i not in replaced] + [
        _sync_id(li) for li in _corrections(ours)]
    current = [_canonical(li) for li in _corrections(group)]
    wanted = [_canonical(li) for li in (*kept, *_corrections(ours))]
    if current == wanted and old_ids == new_ids:
        return False
    if group is not None:
        description.remove(group)
    seq = ours.find(qname("rdf", "Seq"))
    assert seq is not None  # mask_group_element always makes one
    for index, li in enumerate(kept):
        seq.insert(index, li)
    description.append(ours)
    packet.set("atelier", "MaskCorrections", json.dumps(new_ids))
    return True


def apply_develop(
    packet: Packet, settings: Mapping[str, float], *, is_raw: bool, provenance: Provenance,
    masks: Sequence[pb.MaskedAdjustment] = (), orientation: int = 1,
    replace_names: Collection[str] | None = None,
) -> bool:
    """Global settings (`apply_develop_settings`) and, when any, masks (`set_mask_group`)
    in one step; True if the packet changed."""
    changed = apply_develop_settings(packet, settings, is_raw=is_raw, provenance=provenance)
    if masks:
        changed = set_mask_group(packet, masks, orientation=orientation,
                                 replace_names=replace_names) or changed
    return changed
