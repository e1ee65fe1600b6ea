"""A critique in XMP: score and text in ``atelier:``, optionally a rating and a description.

- always: ``atelier:CritiqueScore`` (0..100), ``atelier:Critique`` (the reasoning),
  ``atelier:CritiqueBackend``;
- ``rating=True``: ``xmp:Rating`` from the score (`rating_for_score`), the rating it
  replaces kept in ``atelier:PreviousRating`` ("" = there was none) for `revert_critique`;
- ``describe=True``: a paragraph starting with `DESCRIPTION_MARK` appended to the
  ``x-default`` entry of ``dc:description`` (replacing an earlier Atelier paragraph).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from xmp.packet import Packet, qname

__all__ = ["DESCRIPTION_MARK", "apply_critique", "rating_for_score", "revert_critique"]

#: Start of the paragraph Atelier adds to ``dc:description``.
DESCRIPTION_MARK = "[Atelier critique]"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def rating_for_score(score: float) -> int:
    """Stars (1..5) for a 0..100 critique score: ≥ 90 → 5, ≥ 75 → 4, ≥ 60 → 3, ≥ 40 → 2,
    else 1 — the one mapping: ``--write-rating`` writes it and the JSON's ``rating``
    carries it to the Lightroom plugin.

    Anchored on the critic's severities: one major issue (25 points) in exposure or
    sharpness alone leaves exactly 90 (`engine.critic.scoring`), so five stars means no
    fault worse than moderate there.  On the shared photos (technical critic, 512 px;
    ``benchmarks/critic_eval.py --stars``): 23 of the 33 originals get five stars, 9 four
    and 1 three; darkened 1.5 EV or blurred σ 2 px, none keeps five (blurred: 13 four, 19
    three, 1 two).  Zero stars ("unrated") is never written.
    """
    if not 0 <= score <= 100:
        raise ValueError(f"score {score} is outside 0..100")
    for stars, limit in ((1, 40), (2, 60), (3, 75), (4, 90)):
        if score < limit:
            return stars
    return 5


def _default_li(packet: Packet, create: bool) -> ET.Element | None:
    description = packet.main_description()
    prop = description.find(qname("dc", "description"))
    if prop is None:
        if not create:
            return None
        prop = ET.SubElement(description, qname("dc", "description"))
    alt = prop.find(qname("rdf", "Alt"))
    if alt is None:
        if not create:
            return None
        alt = ET.SubElement(prop, qname("rdf", "Alt"))
    for li in alt.findall(qname("rdf", "li")):
        if li.get(_XML_LANG) == "x-default":
            return li
    if not create:
        return None
    li = ET.SubElement(alt, qname("rdf", "li"))
    li.set(_XML_LANG, "x-default")
    return li


def _strip_ours(text: str) -> str:
    return text.split(DESCRIPTION_MARK)[0].rstrip()


def apply_critique(
    packet: Packet, *, score: float, text: str, backend: str, rating: bool = False,
    describe: bool = False,
) -> bool:
    """Store a critique in ``packet``; True if anything changed.

    Raises:
        ValueError: ``score`` outside 0..100.
    """
    before = packet.to_bytes()
    packet.set("atelier", "CritiqueScore", f"{score:.1f}")
    packet.set("atelier", "Critique", text)
    packet.set("atelier", "CritiqueBackend", backend)
    if rating:
        stars = str(rating_for_score(score))
        if packet.get("atelier", "PreviousRating") is None:
            packet.set("atelier", "PreviousRating", packet.get("xmp", "Rating") or "")
        packet.set("xmp", "Rating", stars)
    if describe:
        li = _default_li(packet, create=True)
        assert li is not None
        own = _strip_ours(li.text or "")
        li.text = (own + "\n\n" if own else "") + f"{DESCRIPTION_MARK} {score:.0f}/100. {text}"
    return packet.to_bytes() != before


def revert_critique(packet: Packet) -> bool:
    """Remove what `apply_critique` added, restoring the rating; True if anything went."""
    touched = packet.get("atelier", "CritiqueScore") is not None
    previous = packet.get("atelier", "PreviousRating")
    if previous is not None:
        if previous:
            packet.set("xmp", "Rating", previous)
        else:
            packet.remove("xmp", "Rating")
    li = _default_li(packet, create=False)
    if li is not None and DESCRIPTION_MARK in (li.text or ""):
        li.text = _strip_ours(li.text or "")
        touched = True
    for name in ("CritiqueScore", "Critique", "CritiqueBackend", "PreviousRating"):
        packet.remove("atelier", name)
    return touched
