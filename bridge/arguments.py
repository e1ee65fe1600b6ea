"""Command-line arguments several ``atelier`` commands share, defined once."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = [
    "add_critic_arguments", "add_journal_argument", "add_photo_arguments", "add_result_arguments",
    "critic_choice",
]


def add_photo_arguments(parser: argparse.ArgumentParser) -> None:
    """``PATH...``: photos or folders, searched recursively."""
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                        help="photos or folders (searched recursively)")


def add_result_arguments(
    parser: argparse.ArgumentParser, *, dry_run: str, sidecar: bool = True
) -> None:
    """``--json``, ``--dry-run`` (``dry_run`` is its help) and, for writers, ``--sidecar``."""
    if sidecar:
        parser.add_argument("--sidecar", action="store_true",
                            help="write <name>.xmp sidecars instead of embedding in "
                                 "JPEG/TIFF/PNG/DNG")
    parser.add_argument("--dry-run", action="store_true", help=dry_run)
    parser.add_argument("--json", action="store_true",
                        help="print one JSON document on stdout (see docs/json.md)")


def add_journal_argument(parser: argparse.ArgumentParser, *, force: str | None = None) -> None:
    """``--journal FILE`` and, when ``force`` (its help) is given, ``--force``."""
    parser.add_argument("--journal", type=Path, metavar="FILE",
                        help="job journal database (default: $ATELIER_STATE_DIR/journal.sqlite)")
    if force:
        parser.add_argument("--force", action="store_true", help=force)


def add_critic_arguments(parser: argparse.ArgumentParser, *, implies: str = "") -> None:
    """``--critic technical|vlm`` and ``--critic-model DIR``; ``implies`` ends their help."""
    parser.add_argument("--critic", choices=("technical", "vlm"), default="technical",
                        help="technical (measured, weight-free; default) or vlm (a local "
                        f"vision-language model, needs --critic-model){implies}")
    parser.add_argument("--critic-model", type=Path, metavar="DIR",
                        help="local Qwen2.5-VL-class transformers model directory for "
                        "--critic vlm")


def critic_choice(args: argparse.Namespace) -> tuple[str, str]:
    """The engine's critic name (``""`` = technical) and model path from the command line.

    A local model directory is passed absolute; with ``--engine`` the remote engine resolves
    the path itself, so it is passed as given.

    Raises:
        ValueError: ``--critic vlm`` without a model, a model for the technical critic, or a
            local model directory that does not exist.
    """
    model = args.critic_model
    if args.critic == "vlm" and model is None:
        raise ValueError("--critic vlm needs --critic-model DIR (a local Qwen2.5-VL-class "
                         "transformers model directory; nothing is downloaded)")
    if args.critic == "technical" and model is not None:
        raise ValueError("--critic-model is only for --critic vlm")
    if model is None:
        return "", ""
    if not args.engine and not model.is_dir():
        raise ValueError(f"--critic-model {model}: no such directory")
    return args.critic, str(model.resolve() if model.is_dir() else model)
