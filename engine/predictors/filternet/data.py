"""Training photos: decode a folder once into linear thumbnails, split train/validation."""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import Tensor

from engine.predictors.filternet.preprocess import thumbnail

__all__ = ["PHOTO_SUFFIXES", "PhotoSet", "find_photos", "load_photos", "split_names"]

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".dng", ".gpr", ".cr2", ".cr3",
                  ".nef", ".arw", ".raf", ".orf", ".rw2"}


@dataclass
class PhotoSet:
    """Decoded photos: ``names[i]`` ↔ ``images[i]``, (3, S, S) linear RGB in [0, 1]."""

    names: list[str]
    images: list[Tensor]

    def stack(self) -> Tensor:
        return torch.stack(self.images)


def find_photos(root: str | Path) -> list[Path]:
    """Photo files under ``root`` (recursive, sorted), by suffix."""
    base = Path(root)
    if not base.is_dir():
        raise FileNotFoundError(f"photo folder {base} does not exist")
    return sorted(p for p in base.rglob("*") if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES)


def load_photos(paths: list[Path], size: int, root: str | Path | None = None) -> PhotoSet:
    """Decode each photo's analysis thumbnail and squash it to (3, size, size).

    Photos that fail to decode (metadata-only raw stubs, corrupt files) are skipped with a
    warning naming the file and the reason.
    """
    from engine.decode import decode_photo
    from engine.errors import PhotoError

    names, images = [], []
    for path in paths:
        try:
            photo = decode_photo(path, long_side=max(2 * size, 64))
        except PhotoError as exc:
            warnings.warn(f"skipping {path.name}: {exc}", stacklevel=2)
            continue
        names.append(str(path.relative_to(root)) if root else path.name)
        images.append(thumbnail(photo.linear, size))
    return PhotoSet(names, images)


def split_names(names: list[str], val_fraction: float) -> tuple[list[str], list[str]]:
    """Fixed train/validation split by a hash of each name (stable as folders grow).

    Returns ``(train, val)``; val holds about ``val_fraction`` of the names and at least one.
    """
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"val_fraction={val_fraction} must be in (0, 1)")
    ranked = sorted(names, key=lambda n: hashlib.sha256(n.encode()).hexdigest())
    n_val = max(1, round(val_fraction * len(names)))
    val = set(ranked[:n_val])
    return [n for n in names if n not in val], [n for n in names if n in val]
