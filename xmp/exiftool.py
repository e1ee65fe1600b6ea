"""One long-lived ExifTool process per batch (PyExifTool) to read and embed packets.

ExifTool only moves finished packets in and out of files (``-xmp -b`` to read,
``"-xmp<=FILE"`` to write); the XML is made by `xmp.packet`, because ExifTool drops
structure fields it does not know.  ExifTool rewrites a file through a temporary copy
and leaves the image data byte-identical.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from types import TracebackType

import exiftool

from xmp.packet import XmpError

__all__ = ["ExifToolSession"]


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
            stderr = self._tool.last_stderr or ""
            if isinstance(stderr, bytes):  # raw_bytes=True gives bytes
                stderr = stderr.decode("utf-8", "replace")
            error = stderr.strip().removeprefix("Error: ")
            if self._tool.last_status:
                raise XmpError(f"ExifTool could not embed XMP into {path.name}: {error}")
        finally:
            Path(tmp).unlink(missing_ok=True)
