"""One ``atelier enhance`` run: discover, resume, analyse + write, report, print."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc

from atelier.v1 import engine_pb2 as pb
from bridge.batch import (
    BatchOptions,
    PhotoOutcome,
    enhance_batch,
    grpc_analyses,
    record_for_failure,
)
from bridge.connect import connect
from bridge.discover import PhotoFile, find_photos
from bridge.engine_process import EngineStartError
from bridge.journal import Journal
from bridge.output import Progress, print_critiques, print_summary, write_json
from bridge.writers import WriterPool
from engine import __version__

__all__ = ["MAX_ENGINE_RESTARTS", "EnhanceRun"]

#: Times a batch restarts (or waits for) a failed engine before giving up.
MAX_ENGINE_RESTARTS = 3
#: Stream failures that mean "the engine went away", not "this request is wrong".
_RECOVERABLE = {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.INTERNAL,
                grpc.StatusCode.UNKNOWN, grpc.StatusCode.CANCELLED}


class EnhanceRun:
    """State of one run (records in input order, the journal job, the report entries).

    Args:
        args: the command line (``enhance`` or ``critique``).
        options: what to ask the engine.
        command: ``"enhance"`` writes develop settings (and a critique when asked);
            ``"critique"`` only stores critiques.
    """

    def __init__(
        self, args: argparse.Namespace, options: pb.AnalyzeOptions, command: str = "enhance"
    ) -> None:
        self.args = args
        self.options = options
        self.command = command
        #: What makes two runs give the same result (the journal's resume key).
        self.job_options: dict[str, object] = {
            "predictor": options.predictor, "style": options.style_profile,
            "masks": args.masks, "sidecar": args.sidecar, "critique": options.critique,
            "rating": args.write_rating, "describe": args.describe,
            "darktable": getattr(args, "darktable", False),
        }
        if options.critic:  # another critic is another result: not resumed from the default's
            self.job_options.update(critic=options.critic, critic_model=options.critic_model)
        self.records: dict[Path, dict[str, Any]] = {}
        self.engine = connect(args, quiet=args.json)
        self.outcomes: list[PhotoOutcome] = []

    def run(self) -> int:
        """Process everything; returns the number of failed photos."""
        # The engine imports for seconds: launched first, it gets ready while we find
        # the photos and start ExifTool.
        if getattr(self.args, "executor", "engine") != "ray":
            self.engine.launch()
        try:
            return self._run_all()
        finally:
            self.engine.close()

    def _run_all(self) -> int:
        photos, problems = find_photos(self.args.paths)
        for path, message in problems:
            self.records[path] = record_for_failure(path, message)
        if not photos and not problems:
            print("atelier enhance: no photos found in " +
                  ", ".join(str(p) for p in self.args.paths), file=sys.stderr)
        journal = None if self.args.dry_run else Journal(self.args.journal)
        try:
            todo = self._resume(photos, journal)
            if todo:
                self._process(todo, journal)
        finally:
            if journal is not None:
                journal.close()
        ordered = [self.records[p] for p in [*[q for q, _ in problems], *(p.path for p in photos)]
                   if p in self.records]
        self._print(ordered)
        return sum(r["status"] == "failed" for r in ordered)

    def _resume(self, photos: list[PhotoFile], journal: Journal | None) -> list[PhotoFile]:
        """Photos still to do; those finished by an earlier identical run are skipped, with
        the critique that run made (so ``critique`` run again shows it, not only "skipped")."""
        if journal is None or self.args.force:
            return photos
        todo = []
        for photo in photos:
            earlier = journal.earlier_result(photo.path, self.command, self.job_options)
            if earlier is None:
                todo.append(photo)
                continue
            record = record_for_failure(
                photo.path, f"already done by an earlier {self.command} with these options "
                "(unchanged since); --force redoes it", status="skipped")
            if earlier.get("critique"):
                record["critique"] = earlier["critique"]
            self.records[photo.path] = record
        return todo

    def _process(self, photos: list[PhotoFile], journal: Journal | None) -> None:
        job = journal.start_job(self.command, self.job_options, [p.path for p in photos]) \
            if journal else 0
        progress = Progress(len(photos))
        batch = BatchOptions(self.options, sidecar=self.args.sidecar,
                             dry_run=self.args.dry_run, in_flight=self.args.in_flight,
                             write_settings=self.command == "enhance",
                             rating=self.args.write_rating, describe=self.args.describe,
                             darktable=self.job_options["darktable"] is True)
        try:
            with WriterPool() as writers:
                if getattr(self.args, "executor", "engine") == "ray":
                    self._run_on_ray(photos, batch, writers, journal, job, progress)
                else:
                    self._run_on_engine(photos, batch, writers, journal, job, progress)
        except EngineStartError as exc:
            self._fail(photos, f"engine unavailable: {exc}")
        if journal is not None:
            journal.finish_job(job)

    def _run_on_engine(
        self, photos: list[PhotoFile], batch: BatchOptions, writers: WriterPool,
        journal: Journal | None, job: int, progress: Progress,
    ) -> None:
        """Through the gRPC engine, restarting (or waiting for) it when it fails."""
        with self.engine as engine:
            remaining = photos
            for attempt in range(MAX_ENGINE_RESTARTS + 1):
                try:
                    for outcome in enhance_batch(
                        grpc_analyses(engine.client), remaining, batch,
                        engine_version=engine.client.info().version, writers=writers,
                        journal=journal, job=job,
                    ):
                        self._keep(outcome, progress)
                    break
                except grpc.RpcError as exc:
                    remaining = [p for p in remaining if p.path not in self.records]
                    why = f"{exc.code().name}: {exc.details()}"
                    if attempt == MAX_ENGINE_RESTARTS or exc.code() not in _RECOVERABLE \
                            or not engine.recover():
                        self._fail(remaining, f"engine failed: {why}")
                        break
                    print(f"atelier: the engine failed ({why}); restarted, continuing "
                          f"with {len(remaining)} photos", file=sys.stderr, flush=True)
            if self.args.report:
                self._report(engine.client)

    def _run_on_ray(
        self, photos: list[PhotoFile], batch: BatchOptions, writers: WriterPool,
        journal: Journal | None, job: int, progress: Progress,
    ) -> None:
        """Analysis on a Ray cluster; the writes stay here, where the files are."""
        from bridge.executors.ray_analysis import analyze_with_ray

        def analyses(paths: list[Path], options: pb.AnalyzeOptions,
                     in_flight: int) -> Iterator[tuple[Path, pb.AnalyzeResponse]]:
            return analyze_with_ray(paths, options, address=self.args.ray_address,
                                    workers=self.args.workers)

        for outcome in enhance_batch(analyses, photos, batch, engine_version=__version__,
                                     writers=writers, journal=journal, job=job):
            self._keep(outcome, progress)
        if self.args.report:
            with connect(self.args, quiet=True) as engine:  # previews need an engine
                self._report(engine.client)

    def _keep(self, outcome: PhotoOutcome, progress: Progress) -> None:
        record = outcome.record
        self.records[Path(record["path"])] = record
        self.outcomes.append(outcome)
        progress.step(Path(record["path"]).name, record["status"])

    def _fail(self, photos: list[PhotoFile], message: str) -> None:
        for photo in photos:
            self.records.setdefault(photo.path, record_for_failure(photo.path, message))

    def _report(self, client: Any) -> None:
        from bridge.report import write_report
        from bridge.report.previews import report_entry

        by_path = {Path(o.record["path"]): o for o in self.outcomes}
        entries = []
        for path, record in self.records.items():
            outcome = by_path.get(path)
            entries.append(report_entry(client, record, outcome.analysis if outcome else None,
                                        critique_only=self.command == "critique"))
        written = write_report(self.args.report, entries)
        print(f"atelier: review report: {written}", file=sys.stderr)

    def _print(self, records: list[dict[str, Any]]) -> None:
        summary = {"total": len(records)}
        for status in ("ok", "failed", "skipped"):
            summary[status] = sum(r["status"] == status for r in records)
        if self.args.json:
            write_json({"atelier": __version__, "command": self.command,
                        "dry_run": self.args.dry_run, "summary": summary, "photos": records})
            return
        if records and self.command == "critique":
            print_critiques(records)
        elif records:
            print_summary(records)
        done = "enhanced" if self.command == "enhance" else "critiqued"
        print(f"\n{summary['ok']} {done}, {summary['failed']} failed, "
              f"{summary['skipped']} skipped" + (" (dry run: nothing written)"
                                                 if self.args.dry_run else ""))
