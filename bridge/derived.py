"""Derived files: new pixels go to a new file next to the original, never over anything.

``<stem>.atelier-<operation>-<n>.<ext>`` with the smallest free ``n``.  The file is
written to a temporary name in the same folder, its XMP (``xmpMM:DocumentID``, a
``xmpMM:DerivedFrom`` reference to the original, ``xmp:CreatorTool``, Atelier
provenance) is embedded there with ExifTool, and only then is it linked to its final
name — ``os.link`` fails rather than overwrite, so two runs can never clobber each other
and a crash leaves no partial file under a real name.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

__all__ = ["DerivedFile", "derived_name", "original_ids", "write_derived"]

ATELIER_NS = "http://atelier.local/ns/1.0/"
_OPERATION = re.compile(r"^[a-z][a-z0-9-]{0,31}$")


@dataclass(frozen=True)
class DerivedFile:
    """A written derived file and its identity."""

    path: Path
    document_id: str
    derived_from: Path


def derived_name(original: Path, operation: str, n: int, ext: str) -> str:
    """``<stem>.atelier-<operation>-<n><ext>`` (``ext`` with its dot)."""
    if not _OPERATION.match(operation):
        raise ValueError(f"operation {operation!r} must be lower-case letters, digits or '-'")
    return f"{original.stem}.atelier-{operation}-{n}{ext}"


def original_ids(original: Path) -> tuple[str, str]:
    """The original's ``xmpMM:DocumentID`` and ``InstanceID`` ("" when it has none)."""
    out = subprocess.run(
        ["exiftool", "-s3", "-f", "-XMP-xmpMM:DocumentID", "-XMP-xmpMM:InstanceID", str(original)],
        capture_output=True, text=True, check=False,
    ).stdout.splitlines()
    values = [v if v != "-" else "" for v in out] + ["", ""]
    return values[0], values[1]


def _packet(
    document_id: str, original: Path, ids: tuple[str, str], provenance: Mapping[str, str],
    creator: str,
) -> str:
    atelier = "".join(
        f"<atelier:{k}>{escape(v)}</atelier:{k}>" for k, v in sorted(provenance.items())
    )
    return (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
        'xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/" '
        'xmlns:stRef="http://ns.adobe.com/xap/1.0/sType/ResourceRef#" '
        f'xmlns:atelier="{ATELIER_NS}" '
        f"xmp:CreatorTool={quoteattr(creator)} "
        f"xmpMM:DocumentID={quoteattr(document_id)} "
        f"xmpMM:InstanceID={quoteattr(document_id.replace('did', 'iid'))}>"
        '<xmpMM:DerivedFrom rdf:parseType="Resource">'
        f"<stRef:documentID>{escape(ids[0])}</stRef:documentID>"
        f"<stRef:instanceID>{escape(ids[1])}</stRef:instanceID>"
        f"<stRef:filePath>{escape(str(original))}</stRef:filePath>"
        f"</xmpMM:DerivedFrom>{atelier}</rdf:Description></rdf:RDF></x:xmpmeta>"
    )


def write_derived(
    original: Path,
    image: bytes,
    *,
    operation: str,
    ext: str = ".tif",
    out_dir: Path | None = None,
    provenance: Mapping[str, str] | None = None,
    creator: str = "Atelier",
) -> DerivedFile:
    """Write ``image`` (an encoded TIFF/JPEG) as a new derived file of ``original``.

    Args:
        original: the photo it was made from (read, never written).
        image: the encoded file bytes.
        operation: short name for the file name (``"denoise"``, ``"edit"``…).
        ext: ``".tif"`` or ``".jpg"``.
        out_dir: folder for the file (default: the original's folder).
        provenance: Atelier facts (backend, model, instruction, seed, critique) stored in
            the ``atelier:`` namespace.

    Raises:
        OSError: the folder is not writable; nothing is left behind.
        RuntimeError: ExifTool could not embed the XMP.
    """
    original = original.resolve()
    folder = (out_dir or original.parent).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    document_id = f"xmp.did:{uuid.uuid4()}"
    packet = _packet(document_id, original, original_ids(original), provenance or {}, creator)
    fd, tmp_name = tempfile.mkstemp(prefix=".atelier-", suffix=ext, dir=folder)
    tmp = Path(tmp_name)
    xmp_tmp = tmp.with_suffix(".xmp-packet")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(image)
        xmp_tmp.write_text(packet, encoding="utf-8")
        done = subprocess.run(
            ["exiftool", "-q", "-overwrite_original", f"-xmp<={xmp_tmp}", str(tmp)],
            capture_output=True, text=True, check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"ExifTool could not embed XMP: {done.stderr.strip()}")
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        for n in range(1, 10_000):
            final = folder / derived_name(original, operation, n, ext)
            try:
                os.link(tmp, final)  # fails if the name exists: never overwrite
            except FileExistsError:
                continue
            return DerivedFile(final, document_id, original)
        raise OSError(f"no free derived-file name for {original.name} in {folder}")
    finally:
        tmp.unlink(missing_ok=True)
        xmp_tmp.unlink(missing_ok=True)
