"""``atelier enhance PATH...``: editable Lightroom settings for every photo, written as XMP."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from atelier.v1 import engine_pb2 as pb
from bridge.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE

__all__ = ["analyze_options", "register", "run"]

_EPILOG = """\
examples:
  atelier enhance ~/Pictures/2024-wedding            auto-enhance a folder (recursively)
  atelier enhance IMG_0001.NEF --masks auto          also sky / subject local adjustments
  atelier enhance photos/ --dry-run --json           show what would be written, as JSON
  atelier enhance photos/ --report review.html       and a before/after review page

Raw files get a <name>.xmp sidecar; JPEG, TIFF, PNG and DNG get the settings embedded
(pixels untouched) unless --sidecar.  Existing edits and metadata are merged, never lost.
A run can be interrupted and run again: photos done before are skipped (--force redoes).
exit status: 0 all photos ok, 1 some failed, 2 bad usage."""


def register(sub: Any) -> None:
    """Add ``enhance`` to the CLI's subparsers."""
    from bridge import arguments
    from bridge.connect import add_engine_arguments

    parser = sub.add_parser(
        "enhance", help="auto-enhance photos: develop settings written as XMP",
        description="Analyse photos and write the develop settings a careful photographer "
        "would choose, as ordinary Lightroom / Camera Raw settings in XMP.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    arguments.add_photo_arguments(parser)
    parser.add_argument("--predictor", default="",
                        help="analytic (default) or another installed predictor")
    parser.add_argument("--style", type=Path, metavar="PROFILE",
                        help="personal style profile from `atelier learn-style`")
    parser.add_argument("--masks", default="none", metavar="auto|none|CLASS,…",
                        help="local adjustments: auto, none (default), or classes such as "
                             "sky,subject")
    parser.add_argument("--darktable", action="store_true",
                        help="also write native darktable sidecars (<file>.<ext>.xmp)")
    arguments.add_result_arguments(parser, dry_run="analyse only; write nothing")
    parser.add_argument("--report", type=Path, metavar="FILE",
                        help="also write a self-contained HTML review page")
    parser.add_argument("--critique", action="store_true",
                        help="also critique each photo (score and text stored in XMP, shown "
                             "in the summary and the report)")
    arguments.add_critic_arguments(parser, implies="; --critic vlm implies --critique")
    arguments.add_journal_argument(parser, force="redo photos an earlier run already finished")
    parser.add_argument("--in-flight", type=int, default=8, metavar="N",
                        help="photos outstanding at the engine at once (default %(default)s)")
    add_engine_arguments(parser)
    scale = parser.add_argument_group("scale-out")
    scale.add_argument("--executor", choices=("engine", "ray"), default="engine",
                       help="where analysis runs: the gRPC engine (default) or a Ray cluster "
                            "(pip install '.[ray]'; photos at the same path on every node)")
    scale.add_argument("--ray-address", metavar="ADDR",
                       help="Ray cluster address (ray://HOST:10001, HOST:6379 or auto); "
                            "default: a private local Ray instance")
    parser.set_defaults(func=run, write_rating=False, describe=False)


def analyze_options(args: argparse.Namespace) -> pb.AnalyzeOptions:
    """The engine options the command line asks for.

    Raises:
        ValueError: an empty ``--masks`` list, or a ``--critic`` problem
            (:func:`bridge.arguments.critic_choice`).
    """
    from bridge.arguments import critic_choice

    critic, critic_model = critic_choice(args)
    options = pb.AnalyzeOptions(predictor=args.predictor, critique=args.critique or bool(critic),
                                critic=critic, critic_model=critic_model,
                                style_profile=str(args.style.resolve()) if args.style else "")
    masks = args.masks.strip().lower()
    if masks == "auto":
        options.mask_mode = pb.MASK_MODE_AUTO
    elif masks != "none":
        classes = [c.strip() for c in masks.split(",") if c.strip()]
        if not classes:
            raise ValueError(f"--masks {args.masks!r}: give auto, none or classes like sky,subject")
        options.mask_mode = pb.MASK_MODE_LIST
        options.mask_classes.extend(classes)
    return options


def run(args: argparse.Namespace) -> int:
    """Enhance; see the module docstring and ``--help``."""
    from bridge.enhance_run import EnhanceRun

    try:
        options = analyze_options(args)
    except ValueError as exc:
        print(f"atelier enhance: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.style and not args.style.is_dir():
        print(f"atelier enhance: --style {args.style}: no such profile folder", file=sys.stderr)
        return EXIT_USAGE
    if args.ray_address and args.executor != "ray":
        print("atelier enhance: --ray-address needs --executor ray", file=sys.stderr)
        return EXIT_USAGE
    if args.in_flight < 1:
        print(f"atelier enhance: --in-flight must be ≥ 1 (got {args.in_flight})", file=sys.stderr)
        return EXIT_USAGE
    failed = EnhanceRun(args, options).run()
    return EXIT_FAILED if failed else EXIT_OK
