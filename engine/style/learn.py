"""Learning a style profile from the user's edited photos (``atelier learn-style``)."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from engine.decode import DEFAULT_ANALYSIS_SIZE, decode_photo
from engine.errors import PhotoError
from engine.predictors import get_predictor
from engine.style.edited import find_photos, read_edit
from engine.style.model import MIN_EXAMPLES
from engine.style.profile import StyleProfile, make_example
from xmp.exiftool import ExifToolSession

__all__ = ["LearnRecord", "NotEnoughExamples", "learn_profile"]


@dataclass(frozen=True)
class LearnRecord:
    """What happened to one photo.

    Attributes:
        path: the photo.
        status: ``ok`` (an example), ``skipped`` (no usable settings) or ``failed``
            (settings found but the photo could not be decoded).
        settings: its Lightroom settings (``ok`` only).
        source: ``embedded`` / ``sidecar`` (``ok`` only).
        reason: why skipped or failed.
    """

    path: Path
    status: str
    settings: dict[str, float] = field(default_factory=dict)
    source: str = ""
    reason: str = ""


class NotEnoughExamples(ValueError):
    """Fewer than `MIN_EXAMPLES` edited photos were usable (the message says why)."""

    def __init__(self, message: str, records: list[LearnRecord]) -> None:
        super().__init__(message)
        self.records = records


def learn_profile(
    paths: Iterable[Path],
    *,
    predictor: str = "analytic",
    long_side: int = DEFAULT_ANALYSIS_SIZE,
    progress: Callable[[LearnRecord, int, int], None] | None = None,
) -> tuple[StyleProfile, list[LearnRecord]]:
    """Read every photo's settings, decode its unedited pixels, measure the examples.

    From `engine.style.finetune.HEAD_MIN_EXAMPLES` usable photos on, a FilterNet head is
    also fine-tuned on the frozen backbone of the shipped model (its features computed
    as each photo is decoded) and kept for the sliders where it beats the few-shot model.

    Args:
        paths: photos and folders (searched recursively).
        predictor: the base predictor the style is learned relative to.
        long_side: analysis thumbnail size, px (the engine analyses at the same size).
        progress: called after each photo with (record, done, total).

    Returns:
        The profile (not saved) and one record per photo found.

    Raises:
        FileNotFoundError: a path does not exist.
        NotEnoughExamples: fewer than `MIN_EXAMPLES` usable edited photos.
    """
    from engine.style.finetune import HEAD_MIN_EXAMPLES, Backbone, fit_profile_head

    photos = list(find_photos(paths))
    base = get_predictor(predictor)
    backbone = None
    if len(photos) >= HEAD_MIN_EXAMPLES:
        try:
            backbone = Backbone()
        except (FileNotFoundError, ValueError) as exc:  # no shipped model: few-shot only
            warnings.warn(f"no FilterNet head fine-tuned: {exc}", stacklevel=2)
    maps = []
    profile = StyleProfile(base=base.name)
    records: list[LearnRecord] = []
    with ExifToolSession() as et:
        for done, path in enumerate(photos, 1):
            edit = read_edit(path, et)
            if edit.skip_reason:
                record = LearnRecord(path, "skipped", reason=edit.skip_reason)
            else:
                try:
                    photo = decode_photo(path, long_side=long_side)
                    example = make_example(path.name, photo, edit.settings, base)
                    if backbone is not None:  # once per photo, while it is decoded
                        maps.append(backbone.features([photo.linear]))
                    profile.examples.append(example)
                    record = LearnRecord(path, "ok", edit.settings, edit.source)
                except PhotoError as exc:
                    record = LearnRecord(path, "failed", reason=str(exc))
            records.append(record)
            if progress is not None:
                progress(record, done, len(photos))
    if len(profile.examples) < MIN_EXAMPLES:
        skipped = sum(r.status == "skipped" for r in records)
        failed = sum(r.status == "failed" for r in records)
        raise NotEnoughExamples(
            f"a style is learned from at least {MIN_EXAMPLES} edited photos; found "
            f"{len(profile.examples)} usable among {len(photos)} photos ({skipped} without "
            f"Lightroom develop settings, {failed} unreadable). Edit more photos in Lightroom "
            "(or save their settings to XMP: Metadata › Save Metadata to File) and run again.",
            records)
    if backbone is not None and len(profile.examples) >= HEAD_MIN_EXAMPLES:
        import torch

        fit_profile_head(profile, torch.cat(maps), backbone)
    return profile, records
