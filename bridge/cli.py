"""The ``atelier`` command line: one sub-command per module in `bridge.commands`.

Exit status: 0 all good, 1 some photos failed, 2 bad usage.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

import bridge.commands

__all__ = ["COMMAND_MODULES", "EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

#: Sub-command modules under ``bridge.commands`` (every public module there); each
#: defines ``register(subparsers)``, which adds its parser and sets ``func(args) -> int``.
COMMAND_MODULES: tuple[str, ...] = tuple(sorted(
    m.name for m in pkgutil.iter_modules(bridge.commands.__path__) if not m.name.startswith("_")
))


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (also used by the plugin contract tests)."""
    parser = argparse.ArgumentParser(
        prog="atelier",
        description="Local, private develop assistant: editable Lightroom settings as XMP.",
    )
    from engine import __version__ as version  # light import: no torch

    parser.add_argument("--version", action="version", version=f"atelier {version}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(f"bridge.commands.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help
        return int(exc.code or 0)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("atelier: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
