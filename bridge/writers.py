"""A small pool of writer threads, each with its own long-lived ExifTool process.

Embedding XMP is ExifTool work in another process, so a few writers in parallel keep up
with the engine instead of writing one photo at a time behind it.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import TypeVar

from xmp.exiftool import ExifToolSession

__all__ = ["WriterPool", "default_writers"]

T = TypeVar("T")


def default_writers() -> int:
    """Writer threads: two per core, at most 4 (ExifTool processes are ~20 MB each)."""
    return max(1, min(4, 2 * (os.cpu_count() or 1)))


class WriterPool:
    """``with WriterPool(2) as pool: pool.submit(fn, …)`` — ``fn(exiftool, …)`` runs on a
    writer thread and gets that thread's own `ExifToolSession`.

    The sessions are started in the thread that makes the pool (ExifTool is tied to
    that thread's life, see `xmp.exiftool`), so make the pool in the main thread.
    """

    def __init__(self, writers: int | None = None) -> None:
        self.writers = writers or default_writers()
        self._local = threading.local()
        # Started here, one after the other, before any writer thread runs.
        self._sessions = [ExifToolSession().__enter__() for _ in range(self.writers)]
        for session in self._sessions:
            session.warm_up()
        self._free: queue.SimpleQueue[ExifToolSession] = queue.SimpleQueue()
        for session in self._sessions:
            self._free.put(session)
        self._pool = ThreadPoolExecutor(self.writers, thread_name_prefix="atelier-write")

    def _session(self) -> ExifToolSession:
        session: ExifToolSession | None = getattr(self._local, "session", None)
        if session is None:  # each writer thread takes one session for good
            session = self._local.session = self._free.get()
        return session

    def submit(self, fn: Callable[..., T], *args: object) -> Future[T]:
        """Run ``fn(exiftool, *args)`` on a writer thread."""
        return self._pool.submit(lambda: fn(self._session(), *args))

    def __enter__(self) -> WriterPool:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._pool.shutdown(wait=True, cancel_futures=exc is not None)
        for session in self._sessions:
            session.__exit__(None, None, None)
