"""Safe XMP packets: parse without entity expansion, keep everything, write back.

A `Packet` wraps the parsed ``x:xmpmeta`` tree.  Nothing is dropped: unknown
namespaces, element and attribute forms, ``rdf:Seq/Bag/Alt`` and nested structures stay
as they were; only the properties Atelier sets change.  Parsing refuses DOCTYPE and
ENTITY declarations outright (XXE, billion laughs), packets over `MAX_PACKET_BYTES`,
and bytes that are not UTF-8/UTF-16, each with an `XmpError` that says which.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

__all__ = ["MAX_PACKET_BYTES", "NS", "Packet", "XmpError", "qname"]

MAX_PACKET_BYTES = 16 * 1024 * 1024

#: Well-known prefixes → namespace URIs (written with these prefixes).
NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "crs": "http://ns.adobe.com/camera-raw-settings/1.0/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
    "stRef": "http://ns.adobe.com/xap/1.0/sType/ResourceRef#",
    "stEvt": "http://ns.adobe.com/xap/1.0/sType/ResourceEvent#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "tiff": "http://ns.adobe.com/tiff/1.0/",
    "exif": "http://ns.adobe.com/exif/1.0/",
    "aux": "http://ns.adobe.com/exif/1.0/aux/",
    "lr": "http://ns.adobe.com/lightroom/1.0/",
    "darktable": "http://darktable.sf.net/",
    "atelier": "http://atelier.local/ns/1.0/",
}
for _prefix, _uri in NS.items():
    ET.register_namespace(_prefix, _uri)

_FORBIDDEN = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_XPACKET = re.compile(rb"<\?xpacket[^>]*\?>")


class XmpError(ValueError):
    """An XMP packet Atelier will not read or write (named reason)."""


def qname(prefix: str, local: str) -> str:
    """``"crs", "Exposure2012"`` → ElementTree's ``{uri}Exposure2012``."""
    return f"{{{NS[prefix]}}}{local}"


def _decode(data: bytes) -> bytes:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            raise XmpError(f"invalid UTF-16 in XMP packet: {exc}") from None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise XmpError(f"invalid UTF-8 in XMP packet at byte {exc.start}") from None
    return data


class Packet:
    """A parsed XMP packet (``x:xmpmeta`` root)."""

    def __init__(self, root: ET.Element) -> None:
        self.root = root

    @classmethod
    def empty(cls) -> Packet:
        root = ET.Element(qname("x", "xmpmeta"))
        rdf = ET.SubElement(root, qname("rdf", "RDF"))
        ET.SubElement(rdf, qname("rdf", "Description"), {qname("rdf", "about"): ""})
        return cls(root)

    @classmethod
    def parse(cls, data: bytes) -> Packet:
        """Parse packet bytes (with or without ``<?xpacket?>`` wrappers).

        Raises:
            XmpError: DOCTYPE/ENTITY declarations, too large, bad encoding, not XML,
                or no ``rdf:RDF``.
        """
        if len(data) > MAX_PACKET_BYTES:
            raise XmpError(
                f"XMP packet is {len(data)} bytes, over the {MAX_PACKET_BYTES} byte limit"
            )
        if _FORBIDDEN.search(data):
            raise XmpError("XMP packet declares a DOCTYPE or ENTITY; refused (XXE / entity bomb)")
        body = _XPACKET.sub(b"", _decode(data)).strip()
        if not body:
            raise XmpError("empty XMP packet")
        # Keep the input's own prefixes for namespaces we do not know.
        try:
            for _event, (prefix, uri) in ET.iterparse(io.BytesIO(body), events=("start-ns",)):
                if prefix and uri not in NS.values() and not prefix.startswith("ns"):
                    ET.register_namespace(prefix, uri)
            root = ET.fromstring(body)
        except ET.ParseError as exc:
            raise XmpError(f"XMP packet is not well-formed XML: {exc}") from None
        except ValueError as exc:  # register_namespace rejects reserved prefixes
            raise XmpError(f"XMP packet has an unusable namespace prefix: {exc}") from None
        if root.tag == qname("rdf", "RDF"):
            wrapper = ET.Element(qname("x", "xmpmeta"))
            wrapper.append(root)
            root = wrapper
        if root.find(qname("rdf", "RDF")) is None:
            raise XmpError("XMP packet has no rdf:RDF element")
        return cls(root)

    # -- structure ----------------------------------------------------------------------

    @property
    def rdf(self) -> ET.Element:
        found = self.root.find(qname("rdf", "RDF"))
        assert found is not None  # guaranteed by parse/empty
        return found

    def descriptions(self) -> Iterator[ET.Element]:
        """Top-level ``rdf:Description`` elements."""
        return iter(self.rdf.findall(qname("rdf", "Description")))

    def main_description(self) -> ET.Element:
        """The top description to write into (the one holding ``crs:``, else the first)."""
        descriptions = list(self.descriptions())
        for d in descriptions:
            if any(k.startswith(f"{{{NS['crs']}}}") for k in d.attrib) or any(
                c.tag.startswith(f"{{{NS['crs']}}}") for c in d
            ):
                return d
        if descriptions:
            return descriptions[0]
        return ET.SubElement(self.rdf, qname("rdf", "Description"), {qname("rdf", "about"): ""})

    # -- simple properties --------------------------------------------------------------

    def get(self, prefix: str, name: str) -> str | None:
        """A simple property's text, from attribute or element form of any description."""
        key = qname(prefix, name)
        for d in self.descriptions():
            if key in d.attrib:
                return d.attrib[key]
            child = d.find(key)
            if child is not None and len(child) == 0:
                return child.text or ""
        return None

    def set(self, prefix: str, name: str, value: str) -> None:
        """Set a simple property as an attribute of the main description (one copy only)."""
        self.remove(prefix, name)
        self.main_description().set(qname(prefix, name), value)

    def remove(self, prefix: str, name: str) -> None:
        """Remove a property in any form from every top-level description."""
        key = qname(prefix, name)
        for d in self.descriptions():
            d.attrib.pop(key, None)
            for child in d.findall(key):
                d.remove(child)

    def properties(self, prefix: str) -> dict[str, str]:
        """Every simple property of a namespace (attribute and element forms)."""
        uri = f"{{{NS[prefix]}}}"
        found: dict[str, str] = {}
        for d in self.descriptions():
            for k, v in d.attrib.items():
                if k.startswith(uri):
                    found[k[len(uri):]] = v
            for child in d:
                if child.tag.startswith(uri) and len(child) == 0:
                    found[child.tag[len(uri):]] = child.text or ""
        return found

    # -- output -------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """The packet with ``<?xpacket?>`` wrappers, UTF-8, deterministic."""
        ET.indent(self.root, space=" ")
        body = ET.tostring(self.root, encoding="unicode")
        return (
            '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
            f"{body}\n<?xpacket end=\"w\"?>\n"
        ).encode()
