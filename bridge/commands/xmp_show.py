"""``atelier xmp show PATH...``: what a photo's XMP holds, as JSON keyed by Lightroom names."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bridge.cli import EXIT_FAILED, EXIT_OK

__all__ = ["register", "run_show", "show"]


def register(sub: Any) -> None:
    """Add ``xmp`` (``show``) to the CLI's subparsers."""
    parser = sub.add_parser("xmp", help="inspect XMP: develop settings, masks, provenance",
                            description="Read XMP sidecars and packets embedded in photos.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    show_parser = actions.add_parser(
        "show", help="print global settings, masks and Atelier provenance as JSON",
        description="For each photo (its sidecar and embedded packet) or .xmp file, print the "
        "global crs: settings (slider units), every local correction with its Local* settings "
        "(local exposure in EV) and mask components, and Atelier's provenance.")
    show_parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    show_parser.set_defaults(func=run_show)


def show(path: Path, exiftool: Any) -> dict[str, Any]:
    """The record for one photo or ``.xmp`` file (``sources``: one per packet found)."""
    from xmp.packet import Packet
    from xmp.reader import read_lightroom
    from xmp.write import EMBEDDABLE, destination

    if not path.exists():
        return {"path": str(path), "status": "failed", "error": "no such file"}
    packets: list[tuple[Path, str, bytes]] = []
    if path.suffix.lower() == ".xmp":
        packets.append((path, "sidecar", path.read_bytes()))
    else:
        mode, sidecar = destination(path, sidecar=True)
        if (mode == "sidecar" or path.suffix.lower() not in EMBEDDABLE) and sidecar.exists():
            packets.append((sidecar, "sidecar", sidecar.read_bytes()))
        if path.suffix.lower() in EMBEDDABLE and (data := exiftool.read_xmp(path)):
            packets.append((path, "embedded", data))
    sources = [{"path": str(p), "mode": mode, **read_lightroom(Packet.parse(data))}
               for p, mode, data in packets]
    return {"path": str(path), "status": "ok", "sources": sources}


def run_show(args: argparse.Namespace) -> int:
    """Print one JSON document; exit 1 if a file is missing or its XMP unreadable."""
    from xmp.exiftool import ExifToolSession
    from xmp.packet import XmpError

    records = []
    with ExifToolSession() as et:
        for path in args.paths:
            try:
                records.append(show(path, et))
            except XmpError as exc:
                records.append({"path": str(path), "status": "failed", "error": str(exc)})
    json.dump({"files": records}, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
    return EXIT_FAILED if any(r["status"] == "failed" for r in records) else EXIT_OK
