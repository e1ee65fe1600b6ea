"""Lightroom mask corrections as develop-settings tables: the XMP writer's output as JSON.

``photo:applyDevelopSettings`` takes ``MaskGroupBasedCorrections`` as a list of tables
holding the ``crs:`` fields without prefix: numbers as numbers, ``true``/``false`` as
booleans, ``rdf:Seq`` as lists (``Dabs`` = ``"d x y"`` strings).  `correction_table`
builds that form from the element `xmp.lightroom_masks.correction_element` writes into
the XMP, so the bridge's ``--json`` and the XMP come from one writer: the same ``Local*``
values (exposure EV/4, the others /100), components, geometry in the stored frame, dabs.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from typing import Any

from atelier.v1 import engine_pb2 as pb
from xmp.packet import qname

__all__ = ["TEXT_FIELDS", "correction_table", "element_table"]

#: Fields that stay text whatever they look like (a mask named "2024" is a name).
TEXT_FIELDS = frozenset({"What", "CorrectionName", "CorrectionSyncID", "MaskName",
                         "MaskSyncID", "ReferencePoint", "LumRange", "Dabs"})

_CRS = qname("crs", "")
_SEQ, _DESCRIPTION = qname("rdf", "Seq"), qname("rdf", "Description")

Value = bool | int | float | str


def _value(name: str, text: str) -> Value:
    """An XMP value as Lightroom's table holds it."""
    if name in TEXT_FIELDS:
        return text
    if text in ("true", "false"):
        return text == "true"
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return text
    return number if math.isfinite(number) else text


def element_table(node: ET.Element) -> dict[str, Any]:
    """The ``crs:`` fields of ``node`` (and of its ``rdf:Description``, the element form):
    attributes and child elements, a child's ``rdf:Seq`` as a list."""
    out: dict[str, Any] = {}
    for part in (node, *node.findall(_DESCRIPTION)):
        for key, text in part.attrib.items():
            if key.startswith(_CRS):
                name = key.removeprefix(_CRS)
                out[name] = _value(name, text)
        for child in part:
            if not child.tag.startswith(_CRS):
                continue
            name = child.tag.removeprefix(_CRS)
            seq = child.find(_SEQ)
            if seq is not None:
                out[name] = [element_table(li) if li.attrib or len(li)
                             else _value(name, li.text or "") for li in seq]
            elif child.attrib or len(child):
                out[name] = element_table(child)
            else:
                out[name] = _value(name, child.text or "")
    return out


def correction_table(
    masked: pb.MaskedAdjustment, index: int = 0, *, orientation: int = 1,
) -> dict[str, Any]:
    """The correction the XMP writer writes for ``masked`` at ``index`` in its group, as
    a develop-settings table (plain JSON types); ``orientation`` EXIF 1..8.

    Raises:
        xmp.lightroom_masks.MaskWriteError: no form Lightroom renders, bad orientation.
        xmp.vocabulary.SliderRangeError: a local value outside its slider range.
    """
    from xmp.lightroom_masks import correction_element  # numpy/scipy: only when needed

    return element_table(correction_element(masked, index, orientation=orientation))
