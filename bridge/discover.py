"""Find photos under the paths a user gives, by content (magic bytes), not by name."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from engine.decode.sniff import HEAD_BYTES, sniff_format

__all__ = ["PhotoFile", "find_photos"]

#: Files never worth opening (our own outputs and sidecars, catalog data).
_SKIP_SUFFIXES = {".xmp", ".json", ".txt", ".md", ".lrcat", ".db", ".sqlite", ".html", ".xml"}


class PhotoFile:
    """A discovered photo: its path and sniffed format."""

    __slots__ = ("format", "path")

    def __init__(self, path: Path, fmt: str) -> None:
        self.path = path
        self.format = fmt

    def __repr__(self) -> str:
        return f"PhotoFile({str(self.path)!r}, {self.format!r})"


def _sniff(path: Path) -> str | None:
    try:
        with open(path, "rb") as f:
            head = f.read(HEAD_BYTES)
    except OSError:
        return None
    return sniff_format(head, path.name)


def _walk(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith(".") and ".atelier-" not in name:
                yield Path(dirpath) / name


def find_photos(paths: Sequence[Path]) -> tuple[list[PhotoFile], list[tuple[Path, str]]]:
    """Photos under ``paths`` (files or folders, recursively), in a stable order.

    Returns:
        (photos, problems): problems are given paths that do not exist or are not photos,
        each with a message; files found inside folders that are not photos are skipped
        silently.  Zero-byte or unreadable files named explicitly are returned as photos
        so the engine reports their specific error.
    """
    photos: list[PhotoFile] = []
    problems: list[tuple[Path, str]] = []
    seen: set[Path] = set()
    for given in paths:
        if given.is_dir():
            candidates = list(_walk(given))
            explicit = False
        elif given.exists():
            candidates, explicit = [given], True
        else:
            problems.append((given, "no such file or folder"))
            continue
        for path in candidates:
            resolved = path.resolve()
            if resolved in seen or path.suffix.lower() in _SKIP_SUFFIXES:
                continue
            fmt = _sniff(path)
            if fmt is None and explicit:
                # Let the engine say precisely what is wrong (zero bytes, unreadable, …).
                fmt = "unknown"
            if fmt is not None:
                seen.add(resolved)
                photos.append(PhotoFile(resolved, fmt))
    return photos, problems
