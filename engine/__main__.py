"""``python -m engine serve …``: the engine without the bridge (what `LocalEngine` runs)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

# Before torch is imported: OpenMP's default busy-waiting makes two threads far slower
# than one on a machine that is busy with anything else (the develop model measured it).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine")
    sub = parser.add_subparsers(dest="command", required=True)
    add_serve_arguments(sub.add_parser("serve", help="run the gRPC engine"))
    args = parser.parse_args(argv)
    return run_serve(args)


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``serve`` (shared with ``atelier engine serve``)."""
    parser.add_argument("--listen", default="127.0.0.1:50051",
                        help="HOST:PORT to bind (port 0 = any free port; default %(default)s)")
    parser.add_argument("--workers", type=int, default=None,
                        help="analysis threads (default: one per core)")
    parser.add_argument("--token", default=os.environ.get("ATELIER_TOKEN"),
                        help="shared secret clients must send; required off loopback "
                             "(default: $ATELIER_TOKEN)")
    parser.add_argument("--allow-root", type=Path, action="append", default=[],
                        help="only read photos under this folder (repeatable)")


def run_serve(args: argparse.Namespace) -> int:
    from engine.server import serve

    try:
        serve(args.listen, workers=args.workers, token=args.token, allow_roots=args.allow_root)
    except (ValueError, RuntimeError) as exc:
        print(f"atelier engine: {exc}", file=sys.stderr)
        return 2
    # Served and shut down: nothing is left to save.  Skip the interpreter's teardown of
    # torch, colour-science & co. (0.6–2 s), which every private engine's bridge waits for.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
