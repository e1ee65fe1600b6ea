"""Command-line arguments several ``atelier`` commands share, defined once."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["add_journal_argument", "add_photo_arguments", "add_result_arguments"]


def add_photo_arguments(parser: argparse.ArgumentParser) -> None:
    """``PATH...``: photos or folders, searched recursively."""
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                        help="photos or folders (searched recursively)")


def add_result_arguments(
    parser: argparse.ArgumentParser, *, dry_run: str, sidecar: bool = True
) -> None:
    """``--json``, ``--dry-run`` (``dry_run`` is its help) and, for writers, ``--sidecar``."""
    if sidecar:
        parser.add_argument("--sidecar", action="store_true",
                            help="write <name>.xmp sidecars instead of embedding in "
                                 "JPEG/TIFF/PNG/DNG")
    parser.add_argument("--dry-run", action="store_true", help=dry_run)
    parser.add_argument("--json", action="store_true",
                        help="print one JSON document on stdout (see docs/json.md)")


def add_journal_argument(parser: argparse.ArgumentParser, *, force: str | None = None) -> None:
    """``--journal FILE`` and, when ``force`` (its help) is given, ``--force``."""
    parser.add_argument("--journal", type=Path, metavar="FILE",
                        help="job journal database (default: $ATELIER_STATE_DIR/journal.sqlite)")
    if force:
        parser.add_argument("--force", action="store_true", help=force)
