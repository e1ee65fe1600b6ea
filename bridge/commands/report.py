"""``atelier report -o FILE``: the review page of a job from the journal, re-rendered."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bridge.cli import EXIT_FAILED, EXIT_OK

__all__ = ["analysis_from_record", "register", "run"]


def register(sub: Any) -> None:
    """Add ``report`` to the CLI's subparsers."""
    from bridge.arguments import add_journal_argument
    from bridge.connect import add_engine_arguments

    parser = sub.add_parser(
        "report", help="write the HTML review page of the last (or a given) job",
        description="Build a self-contained HTML page for a job in the journal: before/after "
        "previews rendered by the engine from the settings that were written, the settings "
        "with their reasons, critiques and scores, failures.  Opens offline.",
    )
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    parser.add_argument("--job", type=int, help="job id (default: the newest)")
    add_journal_argument(parser)
    add_engine_arguments(parser)
    parser.set_defaults(func=run)


def analysis_from_record(record: dict[str, Any]) -> Any:
    """An ``atelier.v1.Analysis`` holding a ``--json`` record's settings and critique with
    its suggestions (masks are not in records: previews show the global settings)."""
    from atelier.settings import adjustments_from_settings
    from atelier.v1 import engine_pb2 as pb

    def develop(settings: dict[str, Any]) -> dict[str, float]:
        return {k: float(v) for k, v in settings.items() if k != "WhiteBalance"}

    analysis = pb.Analysis(adjustments=adjustments_from_settings(
        develop(record.get("settings", {})), record.get("reasons", {})))
    if critique := record.get("critique"):
        analysis.critique.score = critique["score"]
        analysis.critique.reasoning = critique.get("reasoning", critique.get("summary", ""))
        for s in critique.get("suggestions", []):
            analysis.critique.suggestions.add(
                text=s["text"], attribute=s.get("attribute", ""),
                expected_gain=s.get("expected_gain", 0.0),
                adjustments=adjustments_from_settings(develop(s.get("settings", {}))))
    return analysis


def run(args: argparse.Namespace) -> int:
    """Write the page; exit 1 if the job or engine cannot be found."""
    from bridge.connect import connect
    from bridge.engine_process import EngineStartError
    from bridge.journal import Journal
    from bridge.report import write_report
    from bridge.report.previews import report_entry

    with Journal(args.journal) as journal:
        job = args.job or journal.last_job()
        if job is None:
            print("atelier report: no jobs in the journal yet", file=sys.stderr)
            return EXIT_FAILED
        try:
            command, _ = journal.job_options(job)
        except KeyError as exc:
            print(f"atelier report: {exc.args[0]}", file=sys.stderr)
            return EXIT_FAILED
        rows = list(journal.photos(job))
    records = [{"path": r.path, "status": "ok" if r.state == "done" else r.state,
                **{k: v for k, v in r.result.items() if k not in ("path", "status")}}
               for r in rows]
    for r, row in zip(records, rows, strict=True):
        if r["status"] != "ok" and "error" not in r and "reason" not in r:
            r["error" if r["status"] == "failed" else "reason"] = row.message or row.state
    try:
        with connect(args, quiet=True) as engine:
            entries = [report_entry(engine.client, r,
                                    analysis_from_record(r) if r["status"] == "ok" else None,
                                    critique_only=command == "critique")
                       for r in records]
    except EngineStartError as exc:
        print(f"atelier report: {exc}", file=sys.stderr)
        return EXIT_FAILED
    page = write_report(args.output, entries, title=f"Atelier review — job {job}")
    print(f"{page}: {len(entries)} photos")
    return EXIT_OK
