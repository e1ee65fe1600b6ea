"""``atelier mask "PROMPT" PHOTO...``: find what the words name; with --enhance, edit it."""

from __future__ import annotations

import argparse
import io
import re
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from atelier.v1 import engine_pb2 as pb
from bridge.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE

__all__ = ["mask_record", "register", "run"]

_EPILOG = """\
Without a CocoGold model (--model DIR, or $ATELIER_COCOGOLD on the engine) only what the
weight-free masks find is understood: sky, subject (person, the main subject),
background, shadows, highlights.  With --enhance the region's local adjustment
(COCONET: predicted on the region's bounding box, or --coconet full on its own pixels)
is written into the photo's XMP as a Lightroom mask — the semantic class when the prompt
names one Lightroom recomputes (sky, hair, water, …), else brush dabs fitted to the mask.
The photo's global settings and the user's own masks stay; an earlier Atelier mask with
the same name is replaced.  With --darktable the same adjustment also goes into the
darktable sidecar <file>.<ext>.xmp as drawn (brush) masks, with the same replacing rule.
`atelier revert` removes Atelier's masks.
exit status: 0 all photos ok, 1 some failed, 2 bad usage."""


def register(sub: Any) -> None:
    """Add ``mask`` to the CLI's subparsers."""
    from bridge.arguments import add_result_arguments
    from bridge.connect import add_engine_arguments

    parser = sub.add_parser(
        "mask", help="mask what a text prompt names (CocoGold); optionally edit it",
        description='Find the region PROMPT names in each photo ("the sky", "the dog") and '
        "print its size, place and confidence; with --enhance also write a local "
        "adjustment for it into the photo's XMP.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("prompt", metavar="PROMPT", help="what to find, 1..200 characters")
    parser.add_argument("paths", nargs="+", type=Path, metavar="PHOTO",
                        help="photos or folders (searched recursively)")
    parser.add_argument("--enhance", action="store_true",
                        help="predict a local adjustment inside the mask and write it to XMP")
    parser.add_argument("--model", type=Path, metavar="DIR",
                        help="a CocoGold model directory (default: the engine's, if any)")
    parser.add_argument("--steps", type=int, default=0, metavar="N",
                        help="denoising steps 1..50 (default 4, trailing DDIM)")
    parser.add_argument("--ensemble", type=int, default=0, metavar="N",
                        help="predictions combined by median, 1..16 (default 1)")
    parser.add_argument("--seed", type=int, default=0, help="noise seed (default 0)")
    parser.add_argument("--coconet", choices=("bbox", "full"), default="bbox",
                        help="predict the local edit on the bounding box or the region's "
                             "own pixels (default %(default)s)")
    parser.add_argument("--darktable", action="store_true",
                        help="with --enhance, also write the adjustment as darktable drawn "
                             "masks into <file>.<ext>.xmp")
    parser.add_argument("--save-masks", type=Path, metavar="DIR",
                        help="also write each mask as DIR/<photo>.<prompt>.png")
    add_result_arguments(parser, dry_run="find and predict; write nothing")
    add_engine_arguments(parser)
    parser.set_defaults(func=run)


def _check(args: argparse.Namespace) -> str | None:
    """A usage problem, or None."""
    prompt = " ".join(args.prompt.split())
    if not 1 <= len(prompt) <= 200:
        return "PROMPT must have 1..200 characters"
    if args.steps and not 1 <= args.steps <= 50:
        return f"--steps {args.steps} is outside 1..50"
    if args.darktable and not args.enhance:
        return "--darktable writes the local adjustment: it needs --enhance"
    if args.ensemble and not 1 <= args.ensemble <= 16:
        return f"--ensemble {args.ensemble} is outside 1..16"
    if args.model is not None and not args.engine and not args.model.is_dir():
        return f"--model {args.model}: no such directory"  # a remote engine checks its own
    if not -(2**63) <= args.seed < 2**63:
        return "--seed must fit in 64 bits"
    return None


def _model_path(args: argparse.Namespace) -> str:
    """``--model`` as the engine should read it: absolute when it is a local directory."""
    if args.model is None:
        return ""
    return str(args.model.resolve()) if args.model.is_dir() else str(args.model)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "mask"


def _coverage(raster: pb.RasterMask) -> float:
    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(raster.png)).convert("L"))
    return float((pixels > 127).mean())


def mask_record(reply: pb.SegmentResponse, prompt: str) -> dict[str, Any]:
    """One ``masks[]`` entry (docs/json.md): name, kind, semantic_class, Local* settings,
    reason, lightroom (the correction as the XMP stores it) — plus the segmentation's
    confidence, coverage 0..1, bbox [left, top, right, bottom] (normalised) and backend."""
    from bridge.output import mask_records

    if reply.HasField("masked"):
        record = mask_records([reply.masked], orientation=reply.info.orientation or 1)[0]
    else:
        record = {"name": prompt, "kind": "raster"}
    box = reply.bbox
    record.update(
        confidence=round(reply.confidence, 3), coverage=round(_coverage(reply.mask), 4),
        bbox=[round(v, 4) for v in (box.left, box.top, box.right, box.bottom)],
        backend=reply.backend)
    return record


def _replace_same_name(packet: Any, masked: pb.MaskedAdjustment, orientation: int) -> bool:
    """`set_mask_group` for one mask: Atelier's masks of other names stay, one of the same
    name is replaced, the user's own are untouched."""
    from xmp.lightroom import CRS_HEADER, set_mask_group

    if not set_mask_group(packet, [masked], orientation=orientation,
                          replace_names={masked.name}):
        return False
    # Lightroom reads Local*2012 values only under a process version: a photo that had
    # no develop settings gets the header (no slider is set or changed).
    for key, value in CRS_HEADER.items():
        if packet.get("crs", key) is None:
            packet.set("crs", key, value)
    return True


def _one(
    args: argparse.Namespace, engine: Any, photo: Path, prompt: str, exiftool: Any,
) -> dict[str, Any]:
    """Segment one photo (and write its mask); its JSON record."""
    import grpc

    from xmp.lightroom_masks import MaskWriteError
    from xmp.packet import XmpError
    from xmp.vocabulary import SliderRangeError
    from xmp.write import FileChangedError, atomic_write, update_xmp

    record: dict[str, Any] = {"path": str(photo)}
    request = pb.SegmentRequest(
        photo=pb.PhotoRef(path=str(photo.resolve())), prompt=prompt, steps=args.steps,
        ensemble=args.ensemble, seed=args.seed, enhance=args.enhance,
        model=_model_path(args), coconet_mode=args.coconet)
    try:
        reply = engine.client.stub.Segment(request, timeout=3600,
                                           metadata=engine.client.metadata)
    except grpc.RpcError as exc:
        return {**record, "status": "failed", "error": exc.details() or str(exc.code())}
    record.update(format=reply.info.format, is_raw=reply.info.is_raw,
                  masks=[mask_record(reply, prompt)])
    if record["masks"][0]["coverage"] == 0:
        return {**record, "status": "skipped",
                "reason": f'nothing matching "{prompt}" was found'}
    if args.save_masks:
        args.save_masks.mkdir(parents=True, exist_ok=True)
        target = args.save_masks / f"{photo.stem}.{_slug(prompt)}.png"
        atomic_write(target, reply.mask.png)
        record["masks"][0]["png"] = str(target)
    if args.enhance:
        orientation = reply.info.orientation or 1
        try:
            written = update_xmp(
                photo, lambda p: _replace_same_name(p, reply.masked, orientation),
                sidecar=args.sidecar, exiftool=exiftool, dry_run=args.dry_run)
        except FileChangedError as exc:
            return {**record, "status": "skipped", "reason": str(exc)}
        except (XmpError, MaskWriteError, SliderRangeError) as exc:
            return {**record, "status": "failed", "error": str(exc)}
        if not args.dry_run:
            record["xmp"] = {"path": str(written.path), "mode": written.mode}
        if args.darktable:
            record.update(_darktable(args, photo, reply))
    return {**record, "status": "ok"}


def _darktable(args: argparse.Namespace, photo: Path, reply: pb.SegmentResponse,
               ) -> dict[str, str]:
    """Write the mask's adjustment into the darktable sidecar: ``{"darktable": path}``,
    ``{"darktable_error": why}`` (the Lightroom XMP is written either way), or nothing
    on a dry run or when darktable has no module for the adjustment."""
    from xmp.darktable import write_darktable_sidecar
    from xmp.packet import XmpError
    from xmp.write import FileChangedError

    try:
        side = write_darktable_sidecar(
            photo, {}, is_raw=reply.info.is_raw, masks=[reply.masked],
            orientation=reply.info.orientation or 1, replace_names={reply.masked.name},
            dry_run=args.dry_run)
    except (FileChangedError, XmpError, OSError) as exc:
        return {"darktable_error": str(exc)}
    return {} if args.dry_run or not side.exists() else {"darktable": str(side)}


def _print_line(record: dict[str, Any]) -> None:
    name = Path(record["path"]).name
    if record["status"] != "ok":
        print(f"{name}: {record['status'].upper()}: {record.get('error') or record['reason']}")
        return
    m = record["masks"][0]
    left, top, right, bottom = m["bbox"]
    settings = ", ".join(f"{k} {v:+g}" for k, v in m.get("settings", {}).items())
    where = f" → {record['xmp']['path']}" if "xmp" in record else ""
    print(f"{name}: {m['coverage']:.0%} of the frame, confidence {m['confidence']:.2f}, "
          f"box {left:.2f},{top:.2f}–{right:.2f},{bottom:.2f} [{m['backend']}]"
          + (f"; {m.get('kind')}: {settings or m.get('reason', 'no change')}"
             if "settings" in m or "xmp" in record else "") + where)


def run(args: argparse.Namespace) -> int:
    """Mask; see ``--help``."""
    from bridge.connect import connect
    from bridge.discover import find_photos
    from bridge.engine_process import EngineStartError
    from bridge.output import write_json
    from engine import __version__
    from xmp.exiftool import ExifToolSession

    if problem := _check(args):
        print(f"atelier mask: {problem}", file=sys.stderr)
        return EXIT_USAGE
    prompt = " ".join(args.prompt.split())
    photos, problems = find_photos(args.paths)
    records: list[dict[str, Any]] = [
        {"path": str(p), "status": "failed", "error": why} for p, why in problems]
    if photos:
        try:
            with ExitStack() as stack:
                engine = stack.enter_context(connect(args, quiet=args.json))
                exiftool = (stack.enter_context(ExifToolSession())
                            if args.enhance and not args.dry_run else None)
                for found in photos:
                    records.append(_one(args, engine, found.path, prompt, exiftool))
                    if not args.json:
                        _print_line(records[-1])
        except EngineStartError as exc:
            print(f"atelier mask: {exc}", file=sys.stderr)
            return EXIT_FAILED
    summary = {"total": len(records)}
    for status in ("ok", "failed", "skipped"):
        summary[status] = sum(r["status"] == status for r in records)
    if args.json:
        write_json({"atelier": __version__, "command": "mask", "dry_run": args.dry_run,
                    "prompt": prompt, "summary": summary, "photos": records}, sys.stdout)
    else:
        for r in records[: len(problems)]:
            _print_line(r)
        print(f"\n{summary['ok']} masked, {summary['failed']} failed, {summary['skipped']} "
              f"skipped" + (" (dry run: nothing written)" if args.dry_run else ""))
    return EXIT_FAILED if summary["failed"] else EXIT_OK
