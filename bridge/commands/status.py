"""``atelier status``: what the last (or a given) job did, from the job journal."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from bridge.cli import EXIT_FAILED, EXIT_OK

__all__ = ["job_report", "register", "run"]


def register(sub: Any) -> None:
    """Add ``status`` to the CLI's subparsers."""
    from bridge.arguments import add_journal_argument

    parser = sub.add_parser("status", help="progress and failures of the last batch",
                            description="Show a job from the journal: how many photos are "
                            "done, failed, skipped or still pending, and why each failed.")
    parser.add_argument("--job", type=int, help="job id (default: the newest)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    add_journal_argument(parser)
    parser.set_defaults(func=run)


def job_report(journal: Any, job: int) -> dict[str, Any]:
    """A job's summary: id, command, options, times, counts and the unfinished photos."""
    command, options = journal.job_options(job)
    started, finished = journal.job_times(job)
    report: dict[str, Any] = {
        "id": job, "command": command, "options": options,
        "started": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(started)),
        "state": "finished" if finished else "interrupted or running",
        "counts": journal.counts(job),
    }
    for state, key in (("failed", "error"), ("skipped", "reason")):
        rows = [{"path": p.path, key: p.message} for p in journal.photos(job, state)]
        if rows:
            report[state] = rows
    return report


def run(args: argparse.Namespace) -> int:
    """Print the job; exit 1 when it has failed photos."""
    from bridge.journal import Journal
    from bridge.output import write_json
    from engine import __version__

    with Journal(args.journal) as journal:
        job = args.job or journal.last_job()
        if job is None:
            print(f"atelier status: no jobs in {journal.path} yet", file=sys.stderr)
            return EXIT_OK
        try:
            report = job_report(journal, job)
        except KeyError as exc:
            print(f"atelier status: {exc.args[0]}", file=sys.stderr)
            return EXIT_FAILED
    if args.json:
        write_json({"atelier": __version__, "command": "status", "job": report})
    else:
        c = report["counts"]
        print(f"job {job}: {report['command']} started {report['started']}, {report['state']}")
        print(f"  {c['done']} done, {c['failed']} failed, {c['skipped']} skipped, "
              f"{c['pending']} pending")
        for row in report.get("failed", []):
            print(f"  failed  {row['path']}: {row['error']}")
        if c["failed"]:
            print("  `atelier retry` runs the failed photos again")
    return EXIT_FAILED if report["counts"]["failed"] else EXIT_OK
