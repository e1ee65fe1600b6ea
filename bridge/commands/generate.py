"""``atelier generate PHOTO...``: the Artist's new pixels, each as a separate derived file.

For every photo the engine develops it (the predicted settings), plans what to fix —
from ``--instruction`` or, without one, from the Critic's issues — and streams progress
while it works; the result is written next to the photo (or in ``--out-dir``) as
``<name>.atelier-<operations>-<n>.tif|jpg`` by `bridge.derived.write_derived`: a new
name every run, written atomically, with XMP ``DerivedFrom`` pointing at the original
and the provenance (backend, model, instruction, seed, what was done) in ``atelier:``.
The original is only ever read.

Exit status: 0 every photo generated (or had nothing to fix), 1 some failed, 2 bad usage.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any, TextIO

from bridge.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE

__all__ = ["register", "run"]

_FORMATS = {"tiff": ("IMAGE_FORMAT_TIFF16", ".tif"), "jpeg": ("IMAGE_FORMAT_JPEG", ".jpg")}
#: Longest a single photo may take, s (a 24 MP sharpen on a busy laptop is minutes).
TIMEOUT_S = 3600.0


def register(sub: Any) -> None:
    """Add ``generate`` to the CLI's subparsers."""
    from bridge.connect import add_engine_arguments

    parser = sub.add_parser(
        "generate", help="new pixels (denoise, sharpen, low light, dehaze, or an edit in "
        "words) as a separate derived file per photo",
        description="Let the Artist fix what sliders cannot.  Each PHOTO is developed with the "
        "engine's predicted settings, then restored as --instruction says or, without one, as "
        "the Critic's issues call for (noise, blur, under-exposure, haze).  The result is a new "
        "file <name>.atelier-<operations>-<n>.tif (16-bit) or .jpg beside the photo (or in "
        "--out-dir), never overwriting anything, with XMP DerivedFrom pointing at the original. "
        "The original is never modified.",
    )
    parser.add_argument("paths", type=Path, nargs="+", metavar="PHOTO",
                        help="photos or folders (searched recursively)")
    parser.add_argument("--instruction", default="", metavar="TEXT",
                        help="what to do in words, e.g. \"reduce the noise\"; default: what the "
                             "Critic finds")
    parser.add_argument("--backend", choices=("classical", "diffusion"), default="classical",
                        help="classical (weight-free, default) or diffusion (needs --model)")
    parser.add_argument("--model", type=Path, metavar="DIR",
                        help="local diffusers model directory for --backend diffusion")
    parser.add_argument("--strength", type=float, default=0.0, metavar="S",
                        help="0..1 (0 = measured per photo; 0.5 = calibrated default)")
    parser.add_argument("--seed", type=int, default=0, metavar="N",
                        help="seed of the diffusion backend (default %(default)s)")
    parser.add_argument("--format", choices=sorted(_FORMATS), default="tiff",
                        help="tiff (16-bit) or jpeg (default %(default)s)")
    parser.add_argument("--size", type=int, default=0, metavar="PX",
                        help="long side in px (default: full resolution)")
    parser.add_argument("--out-dir", type=Path, metavar="DIR",
                        help="folder for the derived files (default: beside each photo)")
    parser.add_argument("--copy-metadata", action="store_true",
                        help="copy the original's rating, label and keywords to the derived file")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON document on stdout (see docs/json.md)")
    add_engine_arguments(parser)
    parser.set_defaults(func=run)


def _check(args: argparse.Namespace) -> str | None:
    """A usage problem, or None."""
    if not math.isfinite(args.strength) or not 0 <= args.strength <= 1:
        return f"--strength {args.strength} is outside 0..1"
    if args.size and not 16 <= args.size <= 65535:
        return f"--size {args.size} is outside 16..65535 px"
    if not -(2**63) <= args.seed < 2**63:
        return f"--seed {args.seed} does not fit in 64 bits"
    if args.backend == "diffusion":
        if args.model is None:
            return "--backend diffusion needs --model DIR (a local diffusers model folder)"
        if not (args.model / "model_index.json").is_file():
            return f"--model {args.model}: not a diffusers model folder (no model_index.json)"
    elif args.model is not None:
        return "--model is only for --backend diffusion"
    if args.out_dir is not None and args.out_dir.exists() and not args.out_dir.is_dir():
        return f"--out-dir {args.out_dir} is not a folder"
    return None


class _Progress:
    """Progress on stderr: one redrawn line on a terminal, stage changes otherwise."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr  # looked up now: tests and callers redirect it
        self.tty = self.stream.isatty()
        self._stage = ""

    def show(self, label: str, stage: str, fraction: float, message: str) -> None:
        if self.tty:
            self.stream.write(f"\r{label[:40]}: {100 * fraction:3.0f} % {message[:60]:<60}")
        elif stage != self._stage:
            self.stream.write(f"atelier: {label}: {100 * fraction:.0f} % {message}\n")
        self._stage = stage
        self.stream.flush()

    def end(self) -> None:
        if self.tty and self._stage:
            self.stream.write("\n")
        self._stage = ""


def _operation_name(operations: list[str]) -> str:
    """The file-name part: ``denoise-sharpen`` (≤ 32 characters), ``edit`` if none."""
    name = "-".join(operations) or "edit"
    while len(name) > 32 and "-" in name:
        name = name.rsplit("-", 1)[0]
    return name[:32]


#: What ``--copy-metadata`` carries from the original to the derived file.
COPIED_TAGS = ("XMP-xmp:Rating", "XMP-xmp:Label", "XMP-dc:Subject",
               "XMP-lr:HierarchicalSubject", "IPTC:Keywords")


def _one(engine: Any, request: Any, photo: Path, args: argparse.Namespace, label: str,
         progress: _Progress) -> dict[str, Any]:
    """Generate one photo and write its derived file; the JSON record."""
    from bridge.derived import write_derived

    call = engine.client.stub.Generate(request, timeout=TIMEOUT_S,
                                       metadata=engine.client.metadata)
    result = None
    try:
        for event in call:
            if event.HasField("progress"):
                p = event.progress
                progress.show(label, p.stage, p.fraction, p.message)
            else:
                result = event.result
    except KeyboardInterrupt:
        call.cancel()  # the engine stops at its next stage or strip
        raise
    finally:
        progress.end()
    if result is None:
        return {"path": str(photo), "status": "failed",
                "error": "the engine ended the stream without a result"}
    operations = list(result.operations)
    provenance = {
        "backend": result.backend, "operations": " ".join(operations),
        "instruction": args.instruction, "description": result.description,
        "seed": str(args.seed) if args.backend == "diffusion" else "",
        "model": str(args.model.resolve()) if args.model else "",
        "strength": f"{args.strength:g}" if args.strength else "",
    }
    derived = write_derived(
        photo, result.image, operation=_operation_name(operations),
        ext=_FORMATS[args.format][1], out_dir=args.out_dir,
        provenance={k: v for k, v in provenance.items() if v},
    )
    if args.copy_metadata:
        from xmp.exiftool import ExifToolSession

        with ExifToolSession() as et:
            et.copy_tags(photo, derived.path, COPIED_TAGS)
    return {
        "path": str(photo), "status": "ok",
        "derived": {
            "path": str(derived.path), "document_id": derived.document_id,
            "operations": operations, "backend": result.backend,
            "description": result.description, "width": result.width,
            "height": result.height, "mime_type": result.mime_type,
        },
    }


def run(args: argparse.Namespace) -> int:
    """Generate; see ``--help``."""
    import grpc

    from atelier.v1 import engine_pb2 as pb
    from bridge.connect import connect
    from bridge.discover import find_photos
    from bridge.engine_process import EngineStartError
    from bridge.output import write_json
    from engine import __version__

    if problem := _check(args):
        print(f"atelier generate: {problem}", file=sys.stderr)
        return EXIT_USAGE
    photos, problems = find_photos(args.paths)
    for path, message in problems:
        print(f"atelier generate: {path}: {message}", file=sys.stderr)
    if problems and not photos:
        return EXIT_USAGE
    records: list[dict[str, Any]] = []
    progress = _Progress()
    try:
        with connect(args, quiet=args.json) as engine:
            for i, found in enumerate(photos, 1):
                label = f"[{i}/{len(photos)}] {found.path.name}"
                request = pb.GenerateRequest(
                    photo=pb.PhotoRef(path=str(found.path)), instruction=args.instruction,
                    backend=args.backend, strength=args.strength, seed=args.seed,
                    format=getattr(pb, _FORMATS[args.format][0]), long_side=args.size,
                    model=str(args.model.resolve()) if args.model else "",
                )
                try:
                    record = _one(engine, request, found.path, args, label, progress)
                except grpc.RpcError as exc:
                    status = "skipped" if exc.code() == grpc.StatusCode.FAILED_PRECONDITION \
                        else "failed"
                    key = "reason" if status == "skipped" else "error"
                    record = {"path": str(found.path), "status": status, key: exc.details()}
                    if exc.code() == grpc.StatusCode.UNAVAILABLE:
                        engine.recover()
                except (OSError, RuntimeError) as exc:  # writing the derived file
                    record = {"path": str(found.path), "status": "failed", "error": str(exc)}
                records.append(record)
                if not args.json:
                    _print(record)
    except EngineStartError as exc:
        print(f"atelier generate: {exc}", file=sys.stderr)
        return EXIT_FAILED
    summary = {"total": len(records)} | {
        s: sum(r["status"] == s for r in records) for s in ("ok", "failed", "skipped")}
    if args.json:
        write_json({"atelier": __version__, "command": "generate", "summary": summary,
                    "photos": records})
    return EXIT_FAILED if summary["failed"] or problems else EXIT_OK


def _print(record: dict[str, Any]) -> None:
    name = Path(record["path"]).name
    if record["status"] == "ok":
        d = record["derived"]
        print(f"{name} → {d['path']} ({', '.join(d['operations'])}; {d['backend']})\n"
              f"  {d['description']}")
    else:
        print(f"{name}: {record['status']}: {record.get('error') or record.get('reason')}")
