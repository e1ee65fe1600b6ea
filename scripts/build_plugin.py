"""Build the installable Lightroom plugin: ``build/Atelier-<version>.lrplugin.zip``.

The zip holds one folder, ``Atelier.lrplugin/``, with the plugin's Lua files from
``plugin_lua/Atelier.lrdevplugin/`` (Lightroom treats ``.lrdevplugin`` as the development
copy and ``.lrplugin`` as the release).  The version is ``VERSION.display`` from
``Info.lua``.  Every file is syntax-checked with ``luac5.1 -p`` first.  The archive is
reproducible: sorted entries, fixed timestamps (``SOURCE_DATE_EPOCH`` or 1980-01-01) and
permissions, so two builds of the same sources are byte-identical.

Usage: ``python scripts/build_plugin.py [--out DIR] [--no-check]``
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

__all__ = ["PLUGIN_DIR", "build", "main", "plugin_files", "plugin_version"]

ROOT = Path(__file__).resolve().parent.parent
PLUGIN_DIR = ROOT / "plugin_lua" / "Atelier.lrdevplugin"
RELEASE_FOLDER = "Atelier.lrplugin"

_VERSION = re.compile(
    r"VERSION\s*=\s*\{\s*major\s*=\s*(\d+),\s*minor\s*=\s*(\d+),\s*revision\s*=\s*(\d+),"
    r"\s*build\s*=\s*(\d+),\s*display\s*=\s*'([^']+)'\s*\}"
)


def plugin_version(plugin_dir: Path = PLUGIN_DIR) -> str:
    """``VERSION.display`` from Info.lua, checked against major.minor.revision."""
    text = (plugin_dir / "Info.lua").read_text(encoding="utf-8")
    found = _VERSION.search(text)
    if not found:
        raise ValueError("Info.lua has no VERSION = {major=…, minor=…, revision=…, build=…, "
                         "display='…'}")
    major, minor, revision, _build, display = found.groups()
    if display != f"{major}.{minor}.{revision}":
        raise ValueError(f"Info.lua VERSION.display {display!r} != {major}.{minor}.{revision}")
    return display


def plugin_files(plugin_dir: Path = PLUGIN_DIR) -> list[Path]:
    """The plugin's files to ship (Lua only, flat), sorted by name."""
    return sorted(p for p in plugin_dir.iterdir() if p.is_file() and p.suffix == ".lua")


def _check_syntax(files: list[Path]) -> None:
    luac = shutil.which("luac5.1")
    if luac is None:
        raise RuntimeError("luac5.1 not found (apt install lua5.1), or pass --no-check")
    for f in files:
        proc = subprocess.run([luac, "-p", str(f)], capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"syntax error: {proc.stderr.strip()}")


def build(out_dir: Path, *, check: bool = True, plugin_dir: Path = PLUGIN_DIR) -> Path:
    """Write ``<out_dir>/Atelier-<version>.lrplugin.zip`` and return its path.

    Args:
        out_dir: folder for the zip (created if missing).
        check: syntax-check every file with ``luac5.1 -p`` first.
        plugin_dir: the development plugin folder.
    """
    files = plugin_files(plugin_dir)
    if not files:
        raise RuntimeError(f"no Lua files in {plugin_dir}")
    if check:
        _check_syntax(files)
    version = plugin_version(plugin_dir)
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))  # 1980-01-01, zip's earliest
    stamp = time.gmtime(max(epoch, 315532800))[:6]
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"Atelier-{version}.lrplugin.zip"
    fd, tmp_name = tempfile.mkstemp(prefix=".Atelier-", suffix=".zip", dir=out_dir)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp_name, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            folder = zipfile.ZipInfo(f"{RELEASE_FOLDER}/", date_time=stamp)
            folder.external_attr = (0o40755 << 16) | 0x10
            zf.writestr(folder, b"")
            for f in files:
                info = zipfile.ZipInfo(f"{RELEASE_FOLDER}/{f.name}", date_time=stamp)
                info.external_attr = 0o100644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, f.read_bytes())
        os.replace(tmp_name, target)  # atomic: never a half-written zip under the real name
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return target


def main(argv: list[str] | None = None) -> int:
    """Command line: build the zip and print its path."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build",
                        help="output folder (default build/)")
    parser.add_argument("--no-check", action="store_true", help="skip the luac5.1 -p syntax check")
    args = parser.parse_args(argv)
    try:
        path = build(args.out, check=not args.no_check)
    except (RuntimeError, ValueError) as exc:
        print(f"build_plugin: {exc}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
