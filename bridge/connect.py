"""The engine a command talks to: the one given with ``--engine``, or a private local one."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from bridge.client import EngineClient
from bridge.engine_process import LocalEngine, wait_until_serving

__all__ = ["add_engine_arguments", "connect"]


def add_engine_arguments(parser: argparse.ArgumentParser) -> None:
    """``--engine``, ``--token`` and ``--workers``, shared by every engine-using command."""
    group = parser.add_argument_group("engine")
    group.add_argument("--engine", metavar="HOST:PORT", default=os.environ.get("ATELIER_ENGINE"),
                       help="a running engine (`atelier engine serve`); default $ATELIER_ENGINE, "
                            "else a private engine is started for this command")
    group.add_argument("--token", default=os.environ.get("ATELIER_TOKEN"),
                       help="the engine's shared secret (default $ATELIER_TOKEN)")
    group.add_argument("--workers", type=int, default=None,
                       help="analysis threads of a private engine (default: one per core)")


@contextmanager
def connect(args: argparse.Namespace, *, quiet: bool = False) -> Iterator[EngineClient]:
    """A client for ``args.engine``, or for a local engine started (and stopped) here.

    Raises:
        bridge.engine_process.EngineStartError: the engine is not reachable / did not start.
    """
    if args.engine:
        wait_until_serving(args.engine, timeout=10)
        client = EngineClient(args.engine, token=args.token)
        try:
            yield client
        finally:
            client.close()
        return
    if not quiet:
        print("atelier: starting a local engine…", file=sys.stderr, flush=True)
    with LocalEngine(workers=args.workers) as address:
        client = EngineClient(address)
        try:
            yield client
        finally:
            client.close()
