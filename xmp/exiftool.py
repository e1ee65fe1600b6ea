"""One long-lived ExifTool process per batch (PyExifTool) to read and embed packets.

ExifTool only moves finished packets in and out of files (``-xmp -b`` to read,
``"-xmp<=FILE"`` to write); the XML is made by `xmp.packet`, because ExifTool drops
structure fields it does not know.  ExifTool rewrites a file through a temporary copy
and leaves the image data byte-identical.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any

import exiftool
import exiftool.exiftool as _pyexiftool

from xmp.packet import XmpError

__all__ = ["ExifToolSession"]

_SETPRIV = shutil.which("setpriv")  # util-linux, on every Debian


class _SpawnWithoutPreexec:
    """The ``subprocess`` module as PyExifTool sees it, with ExifTool started safely.

    PyExifTool passes a ``preexec_fn`` (``prctl(PR_SET_PDEATHSIG)`` via ctypes) so that
    ExifTool dies with us; a ``preexec_fn`` makes Python ``fork()`` and run code in the
    child, which deadlocks when gRPC threads are running (the bridge, the tests).  Here
    the ``preexec_fn`` is dropped (Python then spawns with ``vfork``/``exec``) and a
    death signal is set by ``setpriv --pdeathsig INT``: ExifTool is stopped when the
    thread that started it ends — ``-stay_open`` alone would keep it running after a
    ``kill -9`` of Atelier.  INT, not TERM: ExifTool's INT handler deletes the
    ``<file>_exiftool_tmp`` copy it was writing (and defers while it renames it over the
    file); killed by TERM it leaves that copy, and ExifTool then refuses every later
    write to the file ("Temporary file already exists").
    """

    def __getattr__(self, name: str) -> Any:
        return getattr(subprocess, name)

    @staticmethod
    def Popen(args: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:  # noqa: N802
        kwargs.pop("preexec_fn", None)
        if _SETPRIV:
            args = [_SETPRIV, "--pdeathsig", "INT", "--", *args]
        return subprocess.Popen(args, **kwargs)


_pyexiftool.subprocess = _SpawnWithoutPreexec()


_WARM_UP_PACKET = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf='
                   b'"http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>')


class ExifToolSession:
    """``with ExifToolSession() as et: et.read_xmp(path); et.embed_xmp(path, packet)``."""

    def __init__(self, executable: str = "exiftool") -> None:
        self._tool = exiftool.ExifTool(executable=executable)

    def __enter__(self) -> ExifToolSession:
        self._tool.run()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._tool.terminate()

    def warm_up(self) -> None:
        """Embed a packet into a throw-away 1×1 JPEG: ExifTool compiles its writer code
        at the first write (~0.1 s of CPU), better spent while the engine starts than
        on the first photos of a batch."""
        from PIL import Image

        with tempfile.TemporaryDirectory(prefix="atelier-warm-") as folder:
            jpeg = Path(folder) / "warm.jpg"
            Image.new("RGB", (1, 1)).save(jpeg)
            # a failure loses nothing: the photos' own writes report what is wrong
            with contextlib.suppress(XmpError):
                self.embed_xmp(jpeg, _WARM_UP_PACKET)

    def read_xmp(self, path: Path) -> bytes | None:
        """The file's XMP packet bytes, or None if it has none."""
        out = self._tool.execute(b"-xmp", b"-b", os.fsencode(path), raw_bytes=True)
        return bytes(out) or None

    def embed_xmp(self, path: Path, packet: bytes) -> None:
        """Replace the file's XMP with ``packet`` (image data untouched).

        Raises:
            XmpError: ExifTool refused (the message says why); the file is unchanged.
        """
        fd, tmp = tempfile.mkstemp(suffix=".xmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(packet)
            self._tool.execute(b"-q", b"-q", b"-overwrite_original", b"-xmp<=" + os.fsencode(tmp),
                               os.fsencode(path), raw_bytes=True)
            error = self._stderr().removeprefix("Error: ")
            if self._tool.last_status:
                raise XmpError(f"ExifTool could not embed XMP into {path.name}: {error}")
        finally:
            Path(tmp).unlink(missing_ok=True)

    def copy_tags(self, source: Path, target: Path, tags: tuple[str, ...]) -> None:
        """Copy ``tags`` (ExifTool names, e.g. ``"XMP-xmp:Rating"``) from ``source`` into
        ``target`` (rewritten in place; its image data untouched).

        Raises:
            XmpError: ExifTool refused; ``target`` is unchanged.
        """
        args = [b"-q", b"-q", b"-overwrite_original", b"-tagsFromFile", os.fsencode(source)]
        args += [b"-" + t.encode() for t in tags]
        self._tool.execute(*args, os.fsencode(target), raw_bytes=True)
        if self._tool.last_status:
            raise XmpError(f"ExifTool could not copy metadata into {target.name}: "
                           f"{self._stderr()}")

    def _stderr(self) -> str:
        """The last command's error output as text (``raw_bytes=True`` gives bytes)."""
        stderr = self._tool.last_stderr or ""
        if isinstance(stderr, bytes):
            stderr = stderr.decode("utf-8", "replace")
        return stderr.strip()
