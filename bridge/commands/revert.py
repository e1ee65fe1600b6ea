"""``atelier revert PATH...``: put back what photos' XMP held before Atelier's last write."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bridge.cli import EXIT_FAILED, EXIT_OK

__all__ = ["register", "run"]


def register(sub: Any) -> None:
    """Add ``revert`` to the CLI's subparsers."""
    from bridge.arguments import add_journal_argument, add_photo_arguments, add_result_arguments

    parser = sub.add_parser(
        "revert", help="undo Atelier's last write to photos' XMP",
        description="Restore every develop setting Atelier changed to what it was before its "
        "last write, remove the keys and masks it added (your own masks stay) and its "
        "provenance.  Pixels are never touched.",
    )
    add_photo_arguments(parser)
    add_result_arguments(parser, dry_run="say what would be reverted", sidecar=False)
    add_journal_argument(parser)
    parser.set_defaults(func=run)


def _revert_one(path: Path, args: argparse.Namespace, et: Any, journal: Any) -> dict[str, Any]:
    from xmp.darktable import darktable_sidecar_path, revert_darktable
    from xmp.packet import XmpError
    from xmp.revert import revert_photo
    from xmp.write import FileChangedError

    record: dict[str, Any] = {"path": str(path)}
    try:
        results = [{"path": str(r.path), "mode": r.mode}
                   for r in revert_photo(path, exiftool=et, dry_run=args.dry_run)]
        if revert_darktable(path, dry_run=args.dry_run):
            results.append({"path": str(darktable_sidecar_path(path)), "mode": "darktable"})
    except FileChangedError as exc:
        return {**record, "status": "skipped", "reason": str(exc)}
    except (XmpError, OSError) as exc:
        return {**record, "status": "failed", "error": str(exc)}
    if not results:
        return {**record, "status": "skipped", "reason": "Atelier has not written to this photo"}
    if journal is not None:
        journal.forget(path)
    return {**record, "status": "ok", "reverted": results}


def run(args: argparse.Namespace) -> int:
    """Revert each photo; failures are per photo."""
    from bridge.discover import find_photos
    from bridge.journal import Journal
    from bridge.output import Progress, write_json
    from engine import __version__
    from xmp.exiftool import ExifToolSession

    photos, problems = find_photos(args.paths)
    records: list[dict[str, Any]] = [
        {"path": str(p), "status": "failed", "error": m} for p, m in problems]
    progress = Progress(len(photos))
    journal = None if args.dry_run else Journal(args.journal)
    try:
        with ExifToolSession() as et:
            for photo in photos:
                records.append(_revert_one(photo.path, args, et, journal))
                progress.step(photo.path.name, records[-1]["status"])
    finally:
        if journal is not None:
            journal.close()
    summary = {"total": len(records)} | {
        s: sum(r["status"] == s for r in records) for s in ("ok", "failed", "skipped")}
    if args.json:
        write_json({"atelier": __version__, "command": "revert", "dry_run": args.dry_run,
                    "summary": summary, "photos": records})
    else:
        for r in records:
            why = r.get("error") or r.get("reason") or ", ".join(
                f"{x['mode']} {x['path']}" for x in r.get("reverted", []))
            print(f"{Path(r['path']).name}: {r['status']}: {why}")
        print(f"\n{summary['ok']} reverted, {summary['failed']} failed, "
              f"{summary['skipped']} skipped")
    return EXIT_FAILED if summary["failed"] else EXIT_OK
