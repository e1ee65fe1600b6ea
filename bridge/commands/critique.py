"""``atelier critique PATH...``: what is wrong with each photo, what to do, and a score."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from atelier.v1 import engine_pb2 as pb
from bridge.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE

__all__ = ["register", "run"]

_EPILOG = """\
The critique (reasoning with the measured numbers, issues by severity, suggestions in
Lightroom's develop vocabulary, a 0..100 score with sub-scores) is printed, and stored in
the photo's XMP as atelier:CritiqueScore / atelier:Critique (nothing else changes unless
asked).  --write-rating sets xmp:Rating from the score: 90+ 5 stars, 75+ 4, 60+ 3, 40+ 2,
else 1 (the replaced rating is kept; `atelier revert` restores it).
--critic vlm --critic-model DIR asks a local vision-language model (Qwen2.5-VL class)
instead, with the measurements as context; its suggestions are kept only where they
measurably help (docs/critic.md).
exit status: 0 all photos ok, 1 some failed, 2 bad usage."""


def register(sub: Any) -> None:
    """Add ``critique`` to the CLI's subparsers."""
    from bridge import arguments
    from bridge.connect import add_engine_arguments

    parser = sub.add_parser(
        "critique", help="critique photos: issues, suggestions and a score",
        description="Measure exposure, colour, sharpness, noise and composition of each photo "
        "and explain, like a photographer, what to fix and how.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    arguments.add_photo_arguments(parser)
    parser.add_argument("--write-rating", action="store_true",
                        help="also set the star rating (xmp:Rating) from the score")
    parser.add_argument("--describe", action="store_true",
                        help="also add the critique to the photo's description (dc:description)")
    arguments.add_critic_arguments(parser)
    arguments.add_result_arguments(parser, dry_run="critique only; write nothing")
    parser.add_argument("--report", type=Path, metavar="FILE",
                        help="also write an HTML review page, sortable by score")
    arguments.add_journal_argument(parser, force="redo photos an earlier run already critiqued")
    add_engine_arguments(parser)
    parser.set_defaults(func=run, masks="none", predictor="", style=None, in_flight=8,
                        critique=True)


def run(args: argparse.Namespace) -> int:
    """Critique; see ``--help``."""
    from bridge.arguments import critic_choice
    from bridge.enhance_run import EnhanceRun

    if args.in_flight < 1:
        print("atelier critique: --in-flight must be ≥ 1", file=sys.stderr)
        return EXIT_USAGE
    try:
        critic, model_path = critic_choice(args)
    except ValueError as exc:
        print(f"atelier critique: {exc}", file=sys.stderr)
        return EXIT_USAGE
    options = pb.AnalyzeOptions(critique=True, critic=critic, critic_model=model_path)
    failed = EnhanceRun(args, options, command="critique").run()
    return EXIT_FAILED if failed else EXIT_OK

