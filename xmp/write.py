"""Where develop settings go, and writing them there safely.

- Proprietary raw (NEF, CR3, …) → sidecar ``<stem>.xmp`` (extension replaced, with
  ``photoshop:SidecarForExtension``).
- JPEG, TIFF, PNG, DNG → embedded with ExifTool; or, with ``sidecar=True``, a
  ``<stem>.xmp`` sidecar — unless a raw file shares the stem, whose sidecar that name is:
  then the settings are embedded anyway so the pair never overwrite each other.

Every write merges into what is there, is atomic (temporary file + fsync + rename for
sidecars; ExifTool's own temporary copy for embedding), and is skipped with
`FileChangedError` when the target changed since it was read.  A write killed between
its temporary file and the rename (``kill -9``, power loss) leaves that hidden temporary
file behind, named ``.<name>.atelier-<pid>-<random>.tmp``; a later run removes it when it
first updates or writes a file in that folder (`remove_stale_temps`).  ExifTool cleans
its own copy when Atelier dies (`xmp.exiftool`); one a crash of the machine left is
removed once stale (`remove_stale_exiftool_temp`).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from atelier.v1 import engine_pb2 as pb
from xmp.exiftool import ExifToolSession
from xmp.lightroom import Provenance, apply_develop
from xmp.packet import Packet, XmpError

__all__ = [
    "EMBEDDABLE",
    "QUIET_TEMP_S",
    "STALE_TEMP_S",
    "FileChangedError",
    "Fingerprint",
    "WriteResult",
    "atomic_write",
    "destination",
    "fingerprint",
    "remove_stale_exiftool_temp",
    "remove_stale_temps",
    "update_xmp",
    "write_develop_settings",
]

#: Formats whose settings Adobe keeps inside the file.
EMBEDDABLE = {".jpg", ".jpeg", ".tif", ".tiff", ".png", ".dng"}
_RAW_EXTENSIONS = {
    ".nef", ".nrw", ".cr2", ".cr3", ".crw", ".arw", ".srf", ".sr2", ".raf", ".orf", ".rw2",
    ".pef", ".srw", ".3fr", ".iiq", ".erf", ".kdc", ".mef", ".mos", ".mrw", ".x3f", ".gpr",
    ".rwl",
}

Mode = Literal["embedded", "sidecar"]

#: Our temporary files: ``.<target name>`` + this + ``<pid>-<random>.tmp``.
_TEMP_MARK = ".atelier-"
#: Age (s) after which a temporary file of ours is stale even if its pid runs (reused
#: pid); a write holds one for milliseconds, so this only has to beat a stalled disk.
STALE_TEMP_S = 600.0
#: Seconds without a write after which ExifTool's copy that no process holds open is a
#: dead ExifTool's (a live one writes it continuously and renames it on closing).
QUIET_TEMP_S = 1.0
# Folders this process has already swept: one directory scan per folder and run, not
# per write (a 10,000-file folder takes ~20 ms to scan).
_swept: set[Path] = set()


class FileChangedError(XmpError):
    """The file changed between reading and writing: skipped, nothing written."""


@dataclass(frozen=True)
class WriteResult:
    """Where settings went: the file written, how, and whether anything changed."""

    path: Path
    mode: Mode
    changed: bool


def destination(photo: Path, *, sidecar: bool = False) -> tuple[Mode, Path]:
    """Where ``photo``'s settings belong (see the module docstring)."""
    ext = photo.suffix.lower()
    side = photo.with_suffix(".xmp")
    if ext not in EMBEDDABLE:
        return "sidecar", side
    if sidecar:
        raw_twin = any(photo.with_suffix(e).exists() or photo.with_suffix(e.upper()).exists()
                       for e in _RAW_EXTENSIONS)
        if not raw_twin:
            return "sidecar", side
    return "embedded", photo


#: A version of a file: ``(size, mtime_ns, ctime_ns, inode, sha256 or "")``.
Fingerprint = tuple[int, int, int, int, str]


def fingerprint(path: Path) -> Fingerprint | None:
    """What tells this version of ``path`` from any later one; None when it does not exist.

    Any write to a file, or replacing it, changes its change time (``st_ctime``), which
    no program can set back the way ``touch`` sets back a modification time: with
    sub-second times the ``stat`` facts identify a version without reading megabytes of
    photo at every check (two writes of the same size within one kernel clock tick,
    a few ms, would look alike).  Where the file system keeps whole seconds (FAT, some
    network shares) that window is a second, so there the content's SHA-256 is added.
    """
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    coarse = st.st_mtime_ns % 1_000_000_000 == 0 and st.st_ctime_ns % 1_000_000_000 == 0
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if coarse else ""
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, digest


def _running(pid: int) -> bool:
    """Whether process ``pid`` exists on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, another user's
        return True
    return True


def remove_stale_temps(folder: Path) -> list[Path]:
    """Remove the temporary files killed writes of ours left in ``folder``; returns them.

    Ours are recognised by name (``.<name>.atelier-<pid>-<random>.tmp``, from
    `atomic_write`); one is stale when its writer process is gone or it is older than
    `STALE_TEMP_S` — a live writer's file, in this process or another, is left alone.
    Nothing else in the folder is touched.
    """
    removed: list[Path] = []
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        mark = name.rfind(_TEMP_MARK)  # the target's own name may hold it too
        if not name.startswith(".") or mark < 0 or not name.endswith(".tmp"):
            continue
        pid_text = name[mark + len(_TEMP_MARK):].split("-", 1)[0]
        if not pid_text.isdigit():
            continue
        try:
            age = now - entry.stat(follow_symlinks=False).st_mtime
        except FileNotFoundError:  # its writer renamed it meanwhile
            continue
        if age < STALE_TEMP_S and _running(int(pid_text)):
            continue
        Path(entry.path).unlink(missing_ok=True)
        removed.append(Path(entry.path))
    return removed


def _sweep_once(folder: Path) -> None:
    """`remove_stale_temps` on ``folder`` unless this process did already."""
    key = folder.resolve()
    if key not in _swept:
        remove_stale_temps(key)
        _swept.add(key)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file, fsync and rename; keeps the mode.

    The first write into a folder in this process also removes stale temporary files of
    earlier, killed writes there (`remove_stale_temps`).
    """
    _sweep_once(path.parent)
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}{_TEMP_MARK}{os.getpid()}-", suffix=".tmp",
                               dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def update_xmp(
    photo: Path,
    mutate: Callable[[Packet], bool],
    *,
    sidecar: bool = False,
    exiftool: ExifToolSession | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """Read ``photo``'s XMP where it belongs, let ``mutate`` change it, write it back safely.

    Args:
        photo: the photo (never has its pixels changed).
        mutate: changes the packet in place; returns True if anything changed.
        sidecar: prefer a sidecar for embeddable formats (see `destination`).
        exiftool: the batch's ExifTool session (one is started when None and needed).
        dry_run: compute, write nothing.

    Raises:
        FileChangedError: the target changed while we worked; nothing written.
        XmpError: the existing XMP is unsafe or unreadable; nothing written.
    """
    mode, target = destination(photo, sidecar=sidecar)
    if mode == "embedded":
        if exiftool is None:
            with ExifToolSession() as et:
                return _update_embedded(photo, mutate, et, dry_run)
        return _update_embedded(photo, mutate, exiftool, dry_run)
    if not dry_run:  # also when nothing changes: a resumed run cleans what a kill left
        _sweep_once(target.parent)
    before = fingerprint(target)
    packet = Packet.parse(target.read_bytes()) if before else Packet.empty()
    changed = mutate(packet)
    if photo.suffix.lower() not in EMBEDDABLE or not before:
        packet.set("photoshop", "SidecarForExtension", photo.suffix.lstrip(".").upper())
    if changed and not dry_run:
        if fingerprint(target) != before:
            raise FileChangedError(f"{target.name} changed while Atelier worked; skipped")
        atomic_write(target, packet.to_bytes())
    return WriteResult(target, "sidecar", changed)


def _held_open(path: Path) -> bool | None:
    """Whether a process has ``path`` open (Linux ``/proc``); None when that cannot be told
    (no ``/proc``, or an ExifTool whose open files are hidden from us: another user's)."""
    proc = Path("/proc")
    if not (proc / "self" / "fd").is_dir():
        return None
    target, hidden = os.fspath(path.resolve()), False
    for fds in proc.glob("[0-9]*/fd"):
        try:
            if any(os.readlink(fd) == target for fd in fds.iterdir()):
                return True
        except PermissionError:
            try:
                hidden = hidden or b"exiftool" in (fds.parent / "cmdline").read_bytes().lower()
            except OSError:
                hidden = True
        except OSError:  # the process ended while we looked
            continue
    return None if hidden else False


def remove_stale_exiftool_temp(photo: Path) -> bool:
    """Remove ``<photo>_exiftool_tmp`` when no ExifTool can still be writing it; True if
    removed.  ExifTool rewrites a file through that copy and refuses to start while it
    exists; one a crash left (power loss, ExifTool killed) would block ``photo``.

    Stale: untouched for `STALE_TEMP_S`, or for `QUIET_TEMP_S` with no process holding it
    open (ExifTool keeps it open while it writes and renames it as soon as it closes it).
    """
    temp = photo.with_name(photo.name + "_exiftool_tmp")
    try:
        age = time.time() - temp.stat().st_mtime  # it grows while ExifTool writes it
    except FileNotFoundError:
        return False
    if age < STALE_TEMP_S and (age < QUIET_TEMP_S or _held_open(temp) is not False):
        return False
    temp.unlink(missing_ok=True)
    return True


def _update_embedded(
    photo: Path, mutate: Callable[[Packet], bool], et: ExifToolSession, dry_run: bool
) -> WriteResult:
    before = fingerprint(photo)
    if before is None:
        raise XmpError(f"{photo} does not exist")
    existing = et.read_xmp(photo)
    packet = Packet.parse(existing) if existing else Packet.empty()
    changed = mutate(packet)
    if changed and not dry_run:
        if fingerprint(photo) != before:
            raise FileChangedError(f"{photo.name} changed while Atelier worked; skipped")
        remove_stale_exiftool_temp(photo)
        et.embed_xmp(photo, packet.to_bytes())
    return WriteResult(photo, "embedded", changed)


def write_develop_settings(
    photo: Path,
    settings: Mapping[str, float],
    *,
    is_raw: bool,
    provenance: Provenance,
    sidecar: bool = False,
    exiftool: ExifToolSession | None = None,
    masks: Sequence[pb.MaskedAdjustment] = (),
    orientation: int = 1,
    dry_run: bool = False,
) -> WriteResult:
    """Merge Lightroom develop settings into ``photo``'s XMP (see `update_xmp`).

    Args:
        photo: the photo (never has its pixels changed).
        settings: Lightroom names → values in slider units.
        is_raw: raw photo (Kelvin white balance) or rendered (incremental).
        provenance: recorded in the ``atelier:`` namespace.
        sidecar: prefer a sidecar for embeddable formats.
        exiftool: the batch's ExifTool session (one is started when None and needed).
        masks: local adjustments, written as ``crs:MaskGroupBasedCorrections``.
        orientation: EXIF orientation of the photo (mask geometry is converted).
        dry_run: compute, write nothing.

    Raises:
        FileChangedError: the target changed while we worked; nothing written.
        XmpError: the existing XMP is unsafe or unreadable; nothing written.
    """

    def mutate(packet: Packet) -> bool:
        return apply_develop(packet, settings, is_raw=is_raw, provenance=provenance,
                             masks=masks, orientation=orientation)

    return update_xmp(photo, mutate, sidecar=sidecar, exiftool=exiftool, dry_run=dry_run)
