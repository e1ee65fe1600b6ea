"""Enhance a batch: stream photos through the engine, write their XMP, journal each one.

This is the only place `atelier enhance` touches users' files.  Each photo ends in one
record (the ``photos[]`` entries of docs/json.md) whatever happens to it: an engine
error, an unsafe XMP packet or a file changed underneath fail or skip that photo only.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc

from atelier.masks import AUTO_MASK_NAMES
from atelier.settings import settings_from_adjustments
from atelier.v1 import engine_pb2 as pb
from bridge.client import EngineClient
from bridge.discover import PhotoFile
from bridge.journal import Journal, PhotoState
from bridge.output import critique_record, lightroom_settings, mask_records
from bridge.writers import WriterPool
from xmp.critique import apply_critique
from xmp.darktable import write_darktable_sidecar
from xmp.exiftool import ExifToolSession
from xmp.lightroom import Provenance, apply_develop
from xmp.packet import Packet, XmpError
from xmp.vocabulary import SliderRangeError
from xmp.write import FileChangedError, update_xmp

__all__ = [
    "Analyses",
    "BatchOptions",
    "PhotoOutcome",
    "enhance_batch",
    "grpc_analyses",
    "record_for_failure",
]

_JOURNAL_STATE: dict[str, PhotoState] = {"ok": "done", "failed": "failed", "skipped": "skipped"}


@dataclass(frozen=True)
class BatchOptions:
    """What a batch asks of the engine and of the writer.

    Attributes:
        analyze: options sent with every photo.
        sidecar: prefer ``.xmp`` sidecars to embedding for JPEG/TIFF/PNG/DNG.
        dry_run: analyse and report, write nothing.
        in_flight: photos outstanding at the engine at once (back-pressure), ≥ 1.
        write_settings: write the develop settings and masks (``enhance``); False only
            stores the critique (``critique``).
        rating / describe: with a critique, also set ``xmp:Rating`` / add to
            ``dc:description`` (see `xmp.critique`).
        darktable: also write a native darktable sidecar ``<file>.<ext>.xmp``.
    """

    analyze: pb.AnalyzeOptions
    sidecar: bool = False
    dry_run: bool = False
    in_flight: int = 8
    write_settings: bool = True
    rating: bool = False
    describe: bool = False
    darktable: bool = False


@dataclass
class PhotoOutcome:
    """One photo's result: its ``--json`` record and, when analysed, the engine's answer."""

    record: dict[str, Any]
    analysis: pb.Analysis | None = None


def record_for_failure(path: Path, message: str, status: str = "failed") -> dict[str, Any]:
    """A ``failed`` (``error``) or ``skipped`` (``reason``) record."""
    key = "error" if status == "failed" else "reason"
    return {"path": str(path), "status": status, key: message}


def _journal_result(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` as the journal keeps it: each mask without its ``lightroom`` table.

    The table is for the plugin, which reads ``--json``; the XMP holds the same
    correction, and a brush mask's table is about 20 KB, so a catalog's journal would
    grow by megabytes per batch for nothing the report or ``--retry`` reads.
    """
    masks = record.get("masks")
    if not masks:
        return record
    return {**record, "masks": [{k: v for k, v in m.items() if k != "lightroom"}
                                for m in masks]}


def _record_for_analysis(photo: PhotoFile, analysis: pb.Analysis) -> dict[str, Any]:
    info = analysis.info
    return {
        "path": str(photo.path),
        "status": "ok",
        "format": info.format or photo.format,
        "is_raw": info.is_raw,
        "predictor": analysis.predictor,
        "settings": lightroom_settings(analysis.adjustments),
        "reasons": dict(analysis.adjustments.reasons),
        "masks": mask_records(analysis.masks, orientation=info.orientation or 1),
        "critique": (critique_record(analysis.critique, orientation=info.orientation or 1)
                     if analysis.HasField("critique") else None),
    }


def _write(
    exiftool: ExifToolSession, photo: PhotoFile, analysis: pb.Analysis, options: BatchOptions,
    engine_version: str,
) -> dict[str, Any]:
    """Write one photo's XMP; returns its record (failed/skipped on a write problem)."""
    record = _record_for_analysis(photo, analysis)
    provenance = Provenance(backend=analysis.predictor, engine_version=engine_version,
                            reasons=dict(analysis.adjustments.reasons))
    settings = settings_from_adjustments(analysis.adjustments)

    def mutate(packet: Packet) -> bool:
        changed = False
        if options.write_settings:
            # of Atelier's earlier masks only the automatic ones: `atelier mask`'s stay
            changed = apply_develop(packet, settings, is_raw=analysis.info.is_raw,
                                    provenance=provenance, masks=analysis.masks,
                                    orientation=analysis.info.orientation or 1,
                                    replace_names=set(AUTO_MASK_NAMES.values()))
        if analysis.HasField("critique"):
            critique = analysis.critique
            changed = apply_critique(packet, score=critique.score, text=critique.reasoning,
                                     backend=critique.backend, rating=options.rating,
                                     describe=options.describe) or changed
        return changed

    try:
        result = update_xmp(photo.path, mutate, sidecar=options.sidecar, exiftool=exiftool,
                            dry_run=options.dry_run)
    except FileChangedError as exc:
        return record_for_failure(photo.path, str(exc), status="skipped")
    except (XmpError, SliderRangeError, OSError) as exc:
        return record_for_failure(photo.path, f"could not write XMP: {exc}")
    except Exception as exc:  # a bug or a dead ExifTool must fail this photo, not the batch
        return record_for_failure(photo.path, f"could not write XMP: {type(exc).__name__}: {exc}")
    if not options.dry_run:
        record["xmp"] = {"path": str(result.path), "mode": result.mode}
    if options.darktable and options.write_settings:
        try:
            side = write_darktable_sidecar(
                photo.path, settings, is_raw=analysis.info.is_raw, masks=list(analysis.masks),
                provenance=provenance, orientation=analysis.info.orientation or 1,
                dry_run=options.dry_run)
        except (XmpError, SliderRangeError, OSError) as exc:
            # the Lightroom settings are written: report, but keep the photo ok
            record["darktable_error"] = str(exc)
        else:
            if not options.dry_run:
                record["darktable"] = str(side)
    return record


#: Where analyses come from: ``(paths, options, in_flight) → (path, response)`` pairs in
#: any order — the gRPC engine's stream, or Ray (`bridge.executors`).
Analyses = Callable[[list[Path], pb.AnalyzeOptions, int],
                    Iterator[tuple[Path, pb.AnalyzeResponse]]]


def grpc_analyses(client: EngineClient) -> Analyses:
    """The engine's ``AnalyzeStream`` as an `Analyses` source."""
    def analyses(paths: list[Path], options: pb.AnalyzeOptions,
                 in_flight: int) -> Iterator[tuple[Path, pb.AnalyzeResponse]]:
        return client.analyze_stream(paths, options, in_flight=in_flight)

    return analyses


def enhance_batch(
    analyses: Analyses,
    photos: Sequence[PhotoFile],
    options: BatchOptions,
    *,
    engine_version: str,
    writers: WriterPool,
    journal: Journal | None = None,
    job: int = 0,
) -> Iterator[PhotoOutcome]:
    """Analyse and write ``photos``; yields one outcome per photo as each finishes.

    Analyses arrive as they finish; each is written by a writer thread while the next
    ones are analysed.  At most ``2 × writers`` writes wait at a time.

    Args:
        analyses: where the analyses come from (`grpc_analyses` or Ray).
        photos: what to process (already filtered for resume).
        options: see `BatchOptions`.
        engine_version: recorded as provenance in the XMP.
        writers: the writer threads (see `WriterPool`).
        journal / job: where each photo's state is recorded (not for dry runs); only
            this thread touches the journal.
    """
    by_path = {p.path: p for p in photos}
    pending: deque[tuple[Path, pb.Analysis, Future[dict[str, Any]]]] = deque()

    def finish(path: Path, record: dict[str, Any], analysis: pb.Analysis | None) -> PhotoOutcome:
        if journal is not None and not options.dry_run:
            message = record.get("error", record.get("reason", ""))
            journal.mark(job, path, _JOURNAL_STATE[record["status"]], message=message,
                         result=_journal_result(record))
        return PhotoOutcome(record, analysis)

    def drain(limit: int) -> Iterator[PhotoOutcome]:
        while len(pending) > limit or (pending and pending[0][2].done()):
            path, analysis, future = pending.popleft()
            yield finish(path, future.result(), analysis)

    stream = analyses([p.path for p in photos], options.analyze, options.in_flight)
    try:
        for path, response in stream:
            if response.WhichOneof("result") == "error":
                yield finish(path, record_for_failure(path, response.error.message), None)
            else:
                analysis = response.analysis
                future = writers.submit(_write, by_path[path], analysis, options, engine_version)
                pending.append((path, analysis, future))
            yield from drain(2 * writers.writers)
    except grpc.RpcError:
        yield from drain(0)  # what was analysed is still written before the error goes up
        raise
    yield from drain(0)
