"""``atelier retry``: run a job's failed (and interrupted) photos again, same options."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bridge.cli import EXIT_OK, EXIT_USAGE

__all__ = ["enhance_argv", "register", "run"]


def register(sub: Any) -> None:
    """Add ``retry`` to the CLI's subparsers."""
    from bridge.arguments import add_journal_argument
    from bridge.connect import add_engine_arguments

    parser = sub.add_parser("retry", help="run the failed photos of the last batch again",
                            description="Enhance again the photos a job failed or never "
                            "reached (interrupted), with the options that job used.")
    parser.add_argument("--job", type=int, help="job id (default: the newest enhance job)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--report", type=Path, metavar="FILE", help="also write a review page")
    add_journal_argument(parser)
    add_engine_arguments(parser)
    parser.set_defaults(func=run)


def enhance_argv(paths: list[str], options: dict[str, object], args: argparse.Namespace,
                 ) -> list[str]:
    """The ``atelier enhance`` command line that repeats a job on ``paths``."""
    argv = ["enhance", *paths, "--force", "--masks", str(options.get("masks") or "none")]
    if options.get("predictor"):
        argv += ["--predictor", str(options["predictor"])]
    if options.get("style"):
        argv += ["--style", str(options["style"])]
    if options.get("sidecar"):
        argv.append("--sidecar")
    for flag, value in (("--journal", args.journal), ("--report", args.report),
                        ("--engine", args.engine), ("--token", args.token),
                        ("--workers", args.workers)):
        if value:
            argv += [flag, str(value)]
    if args.json:
        argv.append("--json")
    return argv


def run(args: argparse.Namespace) -> int:
    """Re-run the job's failed and pending photos through ``enhance``."""
    from bridge.cli import main
    from bridge.journal import Journal

    with Journal(args.journal) as journal:
        job = args.job or journal.last_job("enhance")
        if job is None:
            print("atelier retry: no enhance job in the journal yet", file=sys.stderr)
            return EXIT_USAGE
        command, options = journal.job_options(job)
        if command != "enhance":
            print(f"atelier retry: job {job} is {command!r}, not enhance", file=sys.stderr)
            return EXIT_USAGE
        paths = [p.path for state in ("failed", "pending") for p in journal.photos(job, state)]
    if not paths:
        print(f"atelier retry: job {job} has nothing to retry", file=sys.stderr)
        return EXIT_OK
    print(f"atelier retry: job {job}: {len(paths)} photos", file=sys.stderr)
    return main(enhance_argv(paths, options, args))
