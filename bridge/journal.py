"""The job journal: every photo's state in SQLite, so batches resume and never work twice.

One database per user (``$ATELIER_STATE_DIR/journal.sqlite``, default
``$XDG_STATE_HOME/atelier`` or ``~/.local/state/atelier``).  A *job* is one run of a
command over some photos; each photo of a job is ``pending`` → ``done`` | ``failed`` |
``skipped``.  A photo counts as already done for a new run when an earlier job finished it
with the same options and the file still has the size and modification time recorded
right after Atelier wrote it — so a resumed run skips it, and a photo edited since is
done again.

SQLite runs in WAL mode with ``synchronous=NORMAL``: a killed process loses at most the
last uncommitted state change, never the database.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = [
    "STATES",
    "Journal",
    "JournalPhoto",
    "PhotoState",
    "default_journal_path",
    "file_fingerprint",
    "options_key",
]

PhotoState = Literal["pending", "done", "failed", "skipped"]
STATES: tuple[PhotoState, ...] = ("pending", "done", "failed", "skipped")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY,
    command TEXT NOT NULL,
    options_key TEXT NOT NULL,
    options TEXT NOT NULL,
    started REAL NOT NULL,
    finished REAL
);
CREATE TABLE IF NOT EXISTS photos (
    job_id INTEGER NOT NULL REFERENCES jobs(id),
    path TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed', 'skipped')),
    message TEXT NOT NULL DEFAULT '',
    result TEXT NOT NULL DEFAULT '{}',
    size INTEGER,
    mtime_ns INTEGER,
    updated REAL NOT NULL,
    PRIMARY KEY (job_id, path)
);
CREATE INDEX IF NOT EXISTS photos_by_path ON photos (path, state);
"""


def default_journal_path() -> Path:
    """Where the journal lives: ``$ATELIER_STATE_DIR`` or the XDG state directory."""
    if state := os.environ.get("ATELIER_STATE_DIR"):
        return Path(state) / "journal.sqlite"
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "atelier" / "journal.sqlite"


def options_key(command: str, options: Mapping[str, object]) -> str:
    """A short stable hash of what makes two runs produce the same result."""
    blob = json.dumps({"command": command, **options}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def file_fingerprint(path: Path) -> tuple[int, int]:
    """``(size in bytes, mtime in ns)`` of ``path``."""
    st = path.stat()
    return st.st_size, st.st_mtime_ns


@dataclass(frozen=True)
class JournalPhoto:
    """One photo's row in a job."""

    path: str
    state: PhotoState
    message: str
    result: dict[str, object]


class Journal:
    """A connection to the journal database (one per process; not shared across threads).

    Args:
        path: database file; created with its folder when missing.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path else default_journal_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- jobs ---------------------------------------------------------------------------

    def start_job(self, command: str, options: Mapping[str, object], paths: Sequence[Path]) -> int:
        """Record a new job with every photo ``pending``; returns the job id."""
        now = time.time()
        with self._transaction():
            cur = self._db.execute(
                "INSERT INTO jobs (command, options_key, options, started) VALUES (?, ?, ?, ?)",
                (command, options_key(command, options), json.dumps(options, default=str), now),
            )
            job = int(cur.lastrowid or 0)
            self._db.executemany(
                "INSERT OR IGNORE INTO photos (job_id, path, state, updated) "
                "VALUES (?, ?, 'pending', ?)",
                [(job, str(p), now) for p in paths],
            )
        return job

    def finish_job(self, job: int) -> None:
        self._db.execute("UPDATE jobs SET finished = ? WHERE id = ?", (time.time(), job))

    def last_job(self, command: str | None = None) -> int | None:
        """The newest job id (of ``command`` when given)."""
        if command:
            cur = self._db.execute("SELECT max(id) FROM jobs WHERE command = ?", (command,))
        else:
            cur = self._db.execute("SELECT max(id) FROM jobs")
        row = cur.fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def job_times(self, job: int) -> tuple[float, float | None]:
        """``(started, finished)`` of a job, Unix seconds (finished None while running or
        interrupted)."""
        row = self._db.execute("SELECT started, finished FROM jobs WHERE id = ?",
                               (job,)).fetchone()
        if row is None:
            raise KeyError(f"no job {job} in {self.path}")
        return float(row[0]), None if row[1] is None else float(row[1])

    def job_options(self, job: int) -> tuple[str, dict[str, object]]:
        """``(command, options)`` a job ran with."""
        row = self._db.execute("SELECT command, options FROM jobs WHERE id = ?", (job,)).fetchone()
        if row is None:
            raise KeyError(f"no job {job} in {self.path}")
        return row[0], json.loads(row[1])

    # -- photos -------------------------------------------------------------------------

    def earlier_result(
        self, path: Path, command: str, options: Mapping[str, object]
    ) -> dict[str, object] | None:
        """The result an earlier job recorded for ``path`` finished with these options, the
        file unchanged since (the latest such job's); None when there is none."""
        try:
            size, mtime = file_fingerprint(path)
        except OSError:
            return None
        row = self._db.execute(
            "SELECT p.result FROM photos p JOIN jobs j ON j.id = p.job_id "
            "WHERE p.path = ? AND p.state = 'done' AND j.options_key = ? "
            "AND p.size = ? AND p.mtime_ns = ? ORDER BY p.job_id DESC LIMIT 1",
            (str(path), options_key(command, options), size, mtime),
        ).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def mark(
        self,
        job: int,
        path: Path,
        state: PhotoState,
        *,
        message: str = "",
        result: Mapping[str, object] | None = None,
    ) -> None:
        """Record a photo's new state; for ``done``, fingerprint the file as it is now."""
        if state not in STATES:
            raise ValueError(f"state {state!r} is not one of {', '.join(STATES)}")
        size = mtime = None
        if state == "done":
            with contextlib.suppress(OSError):
                size, mtime = file_fingerprint(path)
        self._db.execute(
            "INSERT INTO photos (job_id, path, state, message, result, size, mtime_ns, updated) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (job_id, path) DO UPDATE SET "
            "state = excluded.state, message = excluded.message, result = excluded.result, "
            "size = excluded.size, mtime_ns = excluded.mtime_ns, updated = excluded.updated",
            (job, str(path), state, message, json.dumps(dict(result or {})), size, mtime,
             time.time()),
        )

    def forget(self, path: Path) -> int:
        """Mark every finished run of ``path`` as undone (after a revert); returns how many."""
        cur = self._db.execute(
            "UPDATE photos SET state = 'skipped', message = 'reverted', updated = ? "
            "WHERE path = ? AND state = 'done'", (time.time(), str(path)))
        return cur.rowcount

    def photos(self, job: int, state: PhotoState | None = None) -> Iterator[JournalPhoto]:
        """Photos of a job (in one state when given), by path."""
        sql = "SELECT path, state, message, result FROM photos WHERE job_id = ?"
        args: tuple[object, ...] = (job,)
        if state:
            sql, args = sql + " AND state = ?", (*args, state)
        for path, st, message, result in self._db.execute(sql + " ORDER BY path", args):
            yield JournalPhoto(path, st, message, json.loads(result))

    def counts(self, job: int) -> dict[str, int]:
        """``{"pending": n, "done": n, "failed": n, "skipped": n}`` for a job."""
        counts: dict[str, int] = dict.fromkeys(STATES, 0)
        for st, n in self._db.execute(
            "SELECT state, count(*) FROM photos WHERE job_id = ? GROUP BY state", (job,)
        ):
            counts[st] = n
        return counts

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (``ROLLBACK`` on error) on an autocommit connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")
