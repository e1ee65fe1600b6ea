"""The Lightroom plugin (plugin_lua/): real Lua 5.1, luacheck, busted, the zip, the contract.

Lightroom itself cannot run here.  These tests run everything that can run outside it:
``luac5.1 -p`` on every file, luacheck with the "lightroom" sandbox std, the busted specs
(fake SDK for the catalog, real ``/bin/sh`` and the real ``atelier`` end to end), the release
zip, and the contract between the Lua code and the bridge: the argv the Lua code builds
(taken from the Lua code, not retyped) is accepted by the real CLI parser, and what the real
``atelier enhance --json`` prints is made of Lightroom develop keys in range that the plugin's
mapping applies without dropping anything.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from xmp.vocabulary import GLOBAL_SLIDERS, LOCAL_SLIDERS, global_slider, local_slider

REPO = Path(__file__).resolve().parents[1]
PLUGIN_LUA = REPO / "plugin_lua"
PLUGIN_DIR = PLUGIN_LUA / "Atelier.lrdevplugin"
ATELIER = REPO / ".venv" / "bin" / "atelier"

sys.path.insert(0, str(REPO / "scripts"))
import build_plugin  # noqa: E402

LUA = shutil.which("lua5.1")
LUAC = shutil.which("luac5.1")
LUACHECK = shutil.which("luacheck")
BUSTED = shutil.which("busted")
needs_lua = pytest.mark.skipif(LUA is None or LUAC is None, reason="lua5.1 not installed")


def lua_json(code: str) -> Any:
    """Run Lua 5.1 ``code`` with the plugin modules on the path; it writes JSON on stdout."""
    assert LUA is not None
    prelude = f"package.path = {json.dumps(str(PLUGIN_DIR) + '/?.lua;')} .. package.path\n"
    proc = subprocess.run([LUA, "-e", prelude + code], capture_output=True, text=True,
                          check=False, timeout=30)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@needs_lua
def test_every_lua_file_parses() -> None:
    files = sorted(PLUGIN_LUA.rglob("*.lua"))
    assert len(files) >= 30
    for f in files:
        proc = subprocess.run([str(LUAC), "-p", str(f)], capture_output=True, text=True,
                              check=False)
        assert proc.returncode == 0, proc.stderr


@pytest.mark.skipif(LUACHECK is None, reason="luacheck not installed")
def test_luacheck_is_clean() -> None:
    proc = subprocess.run([str(LUACHECK), "--no-color", "."], cwd=PLUGIN_LUA, capture_output=True,
                          text=True, check=False, timeout=60)
    assert proc.returncode == 0, proc.stdout
    assert re.search(r"Total: 0 warnings / 0 errors in \d+ files", proc.stdout), proc.stdout


@pytest.mark.skipif(LUACHECK is None, reason="luacheck not installed")
@pytest.mark.parametrize(("std", "code", "names"), [
    ("lightroom", "print(os.execute('ls'), os.getenv('HOME'), package.path, io.open('x'), debug)\n",
     ["print", "os.execute", "os.getenv", "package", "io", "debug"]),
    ("lightroom", "local t = os.time() + os.clock()\n"
     "return import 'LrTasks', LOC 'x', _PLUGIN, t\n", []),
    ("lightroom_info", "local M = require 'Foo'\n"
     "return { M, table.concat({}), LOC 'x', WIN_ENV }\n", ["require", "table"]),
])
def test_lightroom_std_encodes_the_sandbox(std: str, code: str, names: list[str]) -> None:
    """The std is real: what the sandbox lacks is reported, what it has is not."""
    proc = subprocess.run(
        [str(LUACHECK), "--no-color", "--config", str(PLUGIN_LUA / ".luacheckrc"), "--std", std,
         "--formatter", "plain", "-"],
        input=code, capture_output=True, text=True, check=False, timeout=60)
    reported = re.findall(r"undefined (?:variable|field) '?([\w.]+)'?", proc.stdout)
    flat = " ".join(proc.stdout.splitlines())
    for name in names:
        assert name.split(".")[-1] in reported or name in flat, (name, proc.stdout)
    assert (proc.returncode == 0) == (not names), proc.stdout


@pytest.mark.skipif(LUA is None or BUSTED is None, reason="lua5.1 / busted not installed")
def test_busted_specs_pass_under_lua51(tmp_path: Path) -> None:
    # the end-to-end specs run the real atelier: keep its job journal out of the user's state
    env = {**os.environ, "ATELIER_STATE_DIR": str(tmp_path)}
    proc = subprocess.run([str(LUA), str(BUSTED), "--output=TAP"], cwd=PLUGIN_LUA, env=env,
                          capture_output=True, text=True, check=False, timeout=300)
    ok = re.findall(r"^ok \d+", proc.stdout, re.M)
    not_ok = re.findall(r"^not ok \d+.*$", proc.stdout, re.M)
    assert proc.returncode == 0 and not not_ok, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert len(ok) >= 110, f"only {len(ok)} specs ran"


@needs_lua
def test_specs_run_under_lua_51_not_another_lua() -> None:
    assert lua_json("io.write(string.format('%q', _VERSION))") == "Lua 5.1"


@needs_lua
def test_build_zip_is_versioned_complete_and_reproducible(tmp_path: Path) -> None:
    found = re.search(r'^version = "([^"]+)"', (REPO / "pyproject.toml").read_text(), re.M)
    assert found
    version = found.group(1)
    assert build_plugin.plugin_version() == version, "Info.lua VERSION must follow pyproject.toml"
    proc = subprocess.run(["sh", str(PLUGIN_LUA / "build.sh"), "--out", str(tmp_path / "a")],
                          capture_output=True, text=True, check=False, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "PYTHON": sys.executable})
    assert proc.returncode == 0, proc.stderr
    first = Path(proc.stdout.strip())
    assert first == tmp_path / "a" / f"Atelier-{version}.lrplugin.zip"
    second = build_plugin.build(tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()

    with zipfile.ZipFile(first) as zf:
        names = zf.namelist()
        assert names[0] == "Atelier.lrplugin/"
        shipped = sorted(n.removeprefix("Atelier.lrplugin/") for n in names[1:])
        assert shipped == sorted(p.name for p in PLUGIN_DIR.glob("*.lua"))
        assert {"Info.lua", "Sdk.lua", "JSON.lua", "MenuEnhance.lua"} <= set(shipped)
        zf.extractall(tmp_path / "x")
    for f in (tmp_path / "x" / "Atelier.lrplugin").iterdir():
        subprocess.run([str(LUAC), "-p", str(f)], check=True)
        assert f.read_bytes() == (PLUGIN_DIR / f.name).read_bytes()


@needs_lua
def test_build_refuses_a_syntax_error(tmp_path: Path) -> None:
    bad = tmp_path / "Atelier.lrdevplugin"
    shutil.copytree(PLUGIN_DIR, bad)
    (bad / "Broken.lua").write_text("local x = \n")
    with pytest.raises(RuntimeError, match=r"Broken\.lua"):
        build_plugin.build(tmp_path / "out", plugin_dir=bad)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@needs_lua
def test_lua_vocabulary_is_the_python_vocabulary() -> None:
    lua = lua_json("local D = require 'Develop'; local J = require 'JSON'\n"
                   "io.write(J.encode({ g = D.GLOBAL, l = D.LOCAL }))")
    assert set(lua["g"]) == {s.name for s in GLOBAL_SLIDERS}
    for s in GLOBAL_SLIDERS:
        got = lua["g"][s.name]
        assert (got["min"], got["max"], got["decimals"], got["scope"]) == (
            s.minimum, s.maximum, s.decimals, s.scope), s.name
    assert set(lua["l"]) == {s.name for s in LOCAL_SLIDERS}
    for ls in LOCAL_SLIDERS:
        assert (lua["l"][ls.name]["min"], lua["l"][ls.name]["max"]) == (ls.minimum, ls.maximum)


def plugin_argv(action: str, paths: list[str], **opts: Any) -> list[str]:
    """The argv the plugin's Commands.lua builds (from the Lua code itself)."""
    options = {"exe": str(ATELIER), "engine": "127.0.0.1:50051", "predictor": "analytic",
               "style": "/tmp/style", "masks": "sky,subject", "dryRun": True, "writeRating": True,
               "out": "/tmp/style-out", "prompt": "the red car", **opts}
    code = ("local C = require 'Commands'; local J = require 'JSON'\n"
            f"local argv, err = C.argv({json.dumps(action)},"
            f" J.decode({json.dumps(json.dumps(options))}),"
            f" J.decode({json.dumps(json.dumps(paths))}))\n"
            "io.write(J.encode(argv or { error = err }))")
    argv = lua_json(code)
    assert isinstance(argv, list), argv
    return [str(a) for a in argv]


ACTIONS = ["enhance", "enhanceMasks", "mask", "critique", "generate", "learnStyle", "revert"]


@needs_lua
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("dry_run", [True, False])
def test_cli_accepts_every_argv_the_plugin_builds(action: str, dry_run: bool) -> None:
    from bridge.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    argv = plugin_argv(action, ["/photos/-odd name.jpg", "/photos/b.dng"], dryRun=dry_run)
    command = argv[1]
    if command not in sub.choices:
        pytest.skip(f"`atelier {command}` is not in the bridge yet")
    try:
        args = parser.parse_args(argv[1:])
    except SystemExit as exc:  # argparse's way of saying "bad usage"
        pytest.fail(f"atelier rejects the plugin's command line {argv[1:]}: exit {exc.code}")
    paths = [str(p) for p in getattr(args, "paths", [])]
    assert paths[-2:] == ["/photos/-odd name.jpg", "/photos/b.dng"]
    assert args.json is True


@needs_lua
@pytest.mark.skipif(not ATELIER.exists(), reason="the atelier CLI is not installed in .venv")
def test_real_enhance_output_is_what_the_plugin_applies(
    shared_photos: Path, tmp_path: Path,
) -> None:
    """Run the real bridge with the Lua-built command; every key must be Lightroom's, in range,
    and pass the plugin's own mapping untouched (nothing dropped, WhiteBalance kept)."""
    photo = shared_photos / "photos" / "uhdr04_pixel6pro_pond_sky.jpg"
    argv = plugin_argv("enhanceMasks", [str(photo)], engine="", style="", dryRun=True)
    proc = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=180,
                          cwd=tmp_path, env={**os.environ, "ATELIER_STATE_DIR": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    doc = json.loads(proc.stdout)
    assert doc["command"] == "enhance" and doc["dry_run"] is True
    record = doc["photos"][0]
    assert record["status"] == "ok" and record["is_raw"] is False
    settings = record["settings"]
    assert settings, "enhance returned no settings"
    for key, value in settings.items():
        if key == "WhiteBalance":
            assert value == "Custom"
            continue
        slider = global_slider(key)
        assert slider.scope != "raw", f"{key} on a JPEG"
        assert isinstance(value, int | float) and not isinstance(value, bool), key
        slider.check(value)
        if slider.decimals == 0:
            assert float(value) == int(value), f"{key}={value} is not stored as an integer"
    for mask in record.get("masks", []):
        for key, value in mask.get("settings", {}).items():
            local_slider(key).check(value)

    mapped = lua_json(
        "local D = require 'Develop'; local J = require 'JSON'\n"
        f"local doc = J.decode({json.dumps(proc.stdout)})\n"
        "local p = doc.photos[1]\n"
        "local apply, notes = D.settingsFor(p.settings, 'JPG', p.is_raw)\n"
        "io.write(J.encode({ apply = apply, notes = J.asArray(notes) }))")
    assert mapped["notes"] == []
    assert mapped["apply"] == settings
