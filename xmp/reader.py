"""Read what a packet holds as plain data keyed by Lightroom's names.

`rdf_value` turns any RDF property (attribute or element form, ``rdf:Seq``/``Bag``/``Alt``,
nested ``rdf:Description``, ``rdf:parseType="Resource"``) into Python values; `read_lightroom`
builds on it: global ``crs:`` settings in slider units, every local correction (the current
``MaskGroupBasedCorrections`` and the legacy ``PaintBasedCorrections``,
``GradientBasedCorrections``, ``CircularGradientBasedCorrections``) with its ``Local*``
settings in slider units (local exposure in EV, not the stored EV/4) and its mask
components, and Atelier's provenance.
"""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from typing import Any

from xmp.packet import NS, Packet, qname
from xmp.vocabulary import GLOBAL_SLIDERS, LOCAL_SLIDERS

__all__ = ["CORRECTION_GROUPS", "rdf_value", "read_lightroom"]

#: Properties holding local corrections, current first.
CORRECTION_GROUPS = ("MaskGroupBasedCorrections", "PaintBasedCorrections",
                     "GradientBasedCorrections", "CircularGradientBasedCorrections")
_RDF = f"{{{NS['rdf']}}}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_GLOBAL = {s.name for s in GLOBAL_SLIDERS}
_LOCAL = {s.name: s for s in LOCAL_SLIDERS}
# Names, sync IDs and digests are text even when they look like numbers ("007", a
# 32-digit ID, "1E400").
_TEXT_SUFFIXES = ("Name", "SyncID", "Digest")
_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _scalar(text: str, name: str = "") -> Any:
    """XMP text of property ``name`` → bool, int, float or the text itself."""
    if name.endswith(_TEXT_SUFFIXES):
        return text
    if text in ("True", "true"):
        return True
    if text in ("False", "false"):
        return False
    if _INTEGER.fullmatch(stripped := text.strip()):
        return int(stripped)
    if _DECIMAL.fullmatch(stripped) and math.isfinite(number := float(stripped)):
        return number
    return text


def _resource(node: ET.Element) -> dict[str, Any]:
    """The properties of a resource node (attributes, child properties, nested
    descriptions), keyed by local name."""
    found: dict[str, Any] = {}
    for key, text in node.attrib.items():
        if not key.startswith(_RDF) and key != _XML_LANG:
            found[_local_name(key)] = _scalar(text, _local_name(key))
    for child in node:
        if child.tag == f"{_RDF}Description":
            found.update(_resource(child))
        else:
            found[_local_name(child.tag)] = rdf_value(child)
    return found


def rdf_value(prop: ET.Element) -> Any:
    """The value of one RDF property element as plain Python data.

    ``rdf:Seq``/``rdf:Bag`` → list, ``rdf:Alt`` → ``{lang: text}``, a structure
    (``rdf:parseType="Resource"``, a nested ``rdf:Description`` or attributes) → dict,
    text → bool/int/float/str.
    """
    if prop.get(f"{_RDF}parseType") == "Resource" or (len(prop) == 0 and any(
            not k.startswith(_RDF) for k in prop.attrib)):
        return _resource(prop)
    if len(prop) == 0:
        return _scalar(prop.text or "", _local_name(prop.tag))
    container = prop[0]
    kind = _local_name(container.tag)
    if kind in ("Seq", "Bag"):
        return [_item(li) for li in container.findall(f"{_RDF}li")]
    if kind == "Alt":
        return {li.get(_XML_LANG, "x-default"): li.text or "" for li in container}
    return _resource(container)  # rdf:Description


def _item(li: ET.Element) -> Any:
    if len(li) == 0 and not any(not k.startswith(_RDF) for k in li.attrib):
        return _scalar(li.text or "")
    if li.get(f"{_RDF}parseType") == "Resource" or len(li) > 0 or li.attrib:
        return _resource(li)
    return _scalar(li.text or "")


def _correction(group: str, raw: dict[str, Any]) -> dict[str, Any]:
    settings = {name: round(_LOCAL[name].from_xmp(float(value)), 4) for name, value in raw.items()
                if name in _LOCAL and isinstance(value, (int, float))}
    others = {k: v for k, v in raw.items()
              if k not in _LOCAL and k not in ("CorrectionMasks", "What")}
    return {"group": group, **others, "settings": settings,
            "components": raw.get("CorrectionMasks", [])}


def read_lightroom(packet: Packet) -> dict[str, Any]:
    """Global settings, local corrections and Atelier provenance of a packet.

    Returns:
        ``{"settings": {...}, "other_crs": {...}, "corrections": [...], "atelier": {...}}``;
        ``settings`` holds the PV2012 sliders (slider units), ``other_crs`` every other
        simple ``crs:`` property, ``corrections`` one dict per local correction with
        ``group``, its ``Correction*`` fields, ``settings`` (``Local*``, slider units)
        and ``components`` (each mask component's fields, ``What`` included).
    """
    settings: dict[str, Any] = {}
    other: dict[str, Any] = {}
    for name, text in packet.properties("crs").items():
        (settings if name in _GLOBAL else other)[name] = _scalar(text, name)
    corrections = []
    for description in packet.descriptions():
        for group in CORRECTION_GROUPS:
            for prop in description.findall(qname("crs", group)):
                items = rdf_value(prop)
                corrections += [_correction(group, c) for c in items if isinstance(c, dict)]
    atelier: dict[str, Any] = {}
    for name, text in packet.properties("atelier").items():
        try:
            atelier[name] = json.loads(text) if name in (
                "Previous", "Reasons", "MaskCorrections") else _scalar(text, name)
        except json.JSONDecodeError:
            atelier[name] = text
    return {"settings": settings, "other_crs": other, "corrections": corrections,
            "atelier": atelier}
