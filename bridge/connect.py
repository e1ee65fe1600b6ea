"""The engine a command talks to: the one given with ``--engine``, or a private local one."""

from __future__ import annotations

import argparse
import os
import sys
from types import TracebackType

from bridge.client import EngineClient
from bridge.engine_process import EngineStartError, LocalEngine, wait_until_serving

__all__ = ["EngineConnection", "add_engine_arguments", "connect"]

#: How long a remote engine may be unreachable before a batch gives up, s.
REMOTE_RECOVERY_S = 30.0


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


class EngineConnection:
    """``with EngineConnection(args) as engine: engine.client…`` — and `recover` after a
    failure: a private engine is restarted, a remote one is waited for.

    Raises (on enter):
        EngineStartError: the engine is not reachable / did not start.
    """

    def __init__(self, args: argparse.Namespace, *, quiet: bool = False) -> None:
        self.address: str = args.engine or ""
        self.token: str | None = args.token
        self.quiet = quiet
        self.local = None if args.engine else LocalEngine(workers=args.workers)
        self._client: EngineClient | None = None

    @property
    def client(self) -> EngineClient:
        if self._client is None:
            raise RuntimeError("EngineConnection used outside its with-block")
        return self._client

    def launch(self) -> None:
        """Start a private engine now, without waiting; entering the block waits for it.

        Whoever launches must also enter (or `close`) the connection, which stops it.
        """
        if self.local is not None:
            self.local.launch()

    def _open(self) -> None:
        if self.local is not None:
            if not self.quiet:
                print("atelier: starting a local engine…", file=sys.stderr, flush=True)
            self.address = self.local.start()
        else:
            wait_until_serving(self.address, timeout=10)
        self._client = EngineClient(self.address, token=self.token)

    def close(self) -> None:
        """Close the channel and stop a private engine (also one launched, never entered)."""
        if self._client is not None:
            self._client.close()
            self._client = None
        if self.local is not None:
            self.local.stop()

    def recover(self) -> bool:
        """Make the engine usable again after a failed call; False if it cannot be."""
        self.close()
        try:
            if self.local is None:
                wait_until_serving(self.address, timeout=REMOTE_RECOVERY_S)
                self._client = EngineClient(self.address, token=self.token)
            else:
                self._open()
        except EngineStartError as exc:
            print(f"atelier: engine did not come back: {exc}", file=sys.stderr)
            return False
        return True

    def __enter__(self) -> EngineConnection:
        try:
            self._open()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def connect(args: argparse.Namespace, *, quiet: bool = False) -> EngineConnection:
    """An `EngineConnection` for the command line's engine options."""
    return EngineConnection(args, quiet=quiet)
