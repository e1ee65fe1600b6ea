"""The Lightroom plugin (plugin_lua/): real Lua 5.1, luacheck, busted, the zip, the contract.

Lightroom itself cannot run here.  These tests run everything that can run outside it:
``luac5.1 -p`` on every file, luacheck with the "lightroom" sandbox std, the busted specs
(fake SDK for the catalog, real ``/bin/sh`` and the real ``atelier`` end to end), the release
zip, and the contract between the Lua code and the bridge: the argv the Lua code builds
(taken from the Lua code, not retyped) is accepted by the real CLI parser, what the real
``atelier enhance --json`` prints is made of Lightroom develop keys in range that the plugin's
mapping applies without dropping anything, and the masks the real ``enhance`` and ``mask``
print become, in Masks.lua, the corrections the Python XMP writer writes for them: each mask's
``lightroom`` key is what ExifTool reads from the XMP the bridge writes, and Masks.lua applies
it unchanged (AI masks, gradients, radial gradients, brush dabs).
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

from atelier.settings import local_adjustments_from_settings
from atelier.v1 import engine_pb2 as pb
from xmp.lightroom_masks import SEMANTIC_CODES, correction_element
from xmp.packet import qname
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
    assert len(ok) >= 145, f"only {len(ok)} specs ran"


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
        got = lua["l"][ls.name]
        assert (got["min"], got["max"], got["scale"]) == (ls.minimum, ls.maximum, ls.xmp_scale)


def _class_name(semantic_class: int) -> str:
    """A semantic class as the bridge's ``--json`` names it (bridge.output.mask_records)."""
    return pb.SemanticClass.Name(semantic_class).removeprefix("SEMANTIC_CLASS_").lower()


@needs_lua
def test_lua_ai_mask_codes_are_the_python_writer_s() -> None:
    lua = lua_json("local M = require 'Masks'; local J = require 'JSON'\n"
                   "local out = {}\n"
                   "for k, v in pairs(M.SEMANTIC) do out[k] = { v[1], v[2] or -1 } end\n"
                   "io.write(J.encode(out))")
    want = {_class_name(c): [sub, -1 if cat is None else cat]
            for c, (sub, cat) in SEMANTIC_CODES.items()}
    assert lua == want


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


needs_bridge = pytest.mark.skipif(not ATELIER.exists() or LUA is None or LUAC is None,
                                  reason="lua5.1 or the atelier CLI (.venv) is missing")
POND = "uhdr04_pixel6pro_pond_sky.jpg"


def run_plugin_command(action: str, photo: Path, cwd: Path, **opts: Any) -> str:
    """Run the real bridge with the command line the Lua code builds; its stdout."""
    argv = plugin_argv(action, [str(photo)], engine="", style="", dryRun=True, **opts)
    proc = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=180,
                          cwd=cwd, env={**os.environ, "ATELIER_STATE_DIR": str(cwd)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


@pytest.fixture(scope="module")
def real_enhance(shared_photos: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """What the real ``atelier enhance --masks sky,subject`` prints for the pond photo."""
    if not ATELIER.exists() or LUA is None:
        pytest.skip("lua5.1 or the atelier CLI (.venv) is missing")
    return run_plugin_command("enhanceMasks", shared_photos / "photos" / POND,
                              tmp_path_factory.mktemp("enhance"))


@needs_bridge
def test_real_enhance_output_is_what_the_plugin_applies(real_enhance: str) -> None:
    """Run the real bridge with the Lua-built command; every key must be Lightroom's, in range,
    and pass the plugin's own mapping untouched (nothing dropped, WhiteBalance kept)."""
    doc = json.loads(real_enhance)
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

    mapped = lua_json(
        "local D = require 'Develop'; local J = require 'JSON'\n"
        f"local doc = J.decode({json.dumps(real_enhance)})\n"
        "local p = doc.photos[1]\n"
        "local apply, notes = D.settingsFor(p.settings, 'JPG', p.is_raw)\n"
        "io.write(J.encode({ apply = apply, notes = J.asArray(notes) }))")
    assert mapped["notes"] == []
    assert mapped["apply"] == settings


#: Keys of a ``masks[]`` entry (docs/json.md) and their JSON types.
MASK_KEYS: dict[str, type | tuple[type, ...]] = {
    "name": str, "kind": str, "semantic_class": str, "settings": dict, "reason": str,
    "confidence": (int, float), "coverage": (int, float), "bbox": list, "backend": str,
    "png": str, "lightroom": dict}
MASK_KINDS = {"semantic", "linear_gradient", "radial_gradient", "brush", "raster",
              "luminance_range"}


def check_mask_record(mask: dict[str, Any]) -> None:
    """A bridge ``masks[]`` entry: known keys of the right types, Local* values in range."""
    assert set(mask) <= set(MASK_KEYS), set(mask) - set(MASK_KEYS)
    for key, value in mask.items():
        assert isinstance(value, MASK_KEYS[key]) and not isinstance(value, bool), (key, value)
    assert mask["name"] and mask["kind"] in MASK_KINDS, mask
    assert ("semantic_class" in mask) == (mask["kind"] == "semantic"), mask
    for key, value in mask.get("settings", {}).items():
        assert isinstance(value, int | float) and not isinstance(value, bool), key
        local_slider(key).check(value)
    for key in ("confidence", "coverage"):
        assert 0 <= mask.get(key, 0) <= 1, (key, mask[key])
    if "bbox" in mask:
        left, top, right, bottom = mask["bbox"]
        assert 0 <= left <= right <= 1 and 0 <= top <= bottom <= 1, mask["bbox"]


def _typed(text: str) -> bool | float | str:
    """An XMP attribute as the develop-settings table holds it (booleans, numbers, text)."""
    if text in ("true", "false"):
        return text == "true"
    try:
        return float(text)
    except ValueError:
        return text


def _attributes(node: Any) -> dict[str, bool | float | str]:
    return {key.rsplit("}", 1)[1]: _typed(value) for key, value in node.attrib.items()}


def python_correction(mask: dict[str, Any], index: int) -> dict[str, Any]:
    """The correction the Python XMP writer writes for a semantic ``masks[]`` entry, as a
    develop-settings table (the reference point at the centre, as the plugin sends it)."""
    semantic = pb.SemanticMask(semantic_class="SEMANTIC_CLASS_" + mask["semantic_class"].upper(),
                               reference_point=pb.Point(x=0.5, y=0.5))
    masked = pb.MaskedAdjustment(
        name=mask["name"], amount=1.0,
        forms=[pb.MaskForm(components=[pb.Mask(semantic=semantic)])],
        adjustments=local_adjustments_from_settings(mask.get("settings", {})))
    description = correction_element(masked, index).find(qname("rdf", "Description"))
    assert description is not None
    table: dict[str, Any] = _attributes(description)
    seq = description.find(f"{qname('crs', 'CorrectionMasks')}/{qname('rdf', 'Seq')}")
    assert seq is not None
    table["CorrectionMasks"] = [_attributes(li) for li in seq.findall(qname("rdf", "li"))]
    return table


def _without_ids(table: dict[str, Any]) -> dict[str, Any]:
    """``table`` without its sync ids (checked for form: 32 upper-case hex digits)."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key in ("CorrectionSyncID", "MaskSyncID"):
            assert re.fullmatch(r"[0-9A-F]{32}", value), (key, value)
        elif isinstance(value, list):
            out[key] = [_without_ids(v) for v in value]
        else:
            out[key] = pytest.approx(value, abs=1e-9) if isinstance(value, float) else value
    return out


def lua_plans(stdout: str) -> list[dict[str, Any]]:
    """Masks.plan of each photo's ``masks`` in the bridge document ``stdout``:
    {corrections, left (how many were left out)} per photo."""
    plans = lua_json(
        "local M = require 'Masks'; local J = require 'JSON'\n"
        f"local doc = J.decode({json.dumps(stdout)})\n"
        "local out = {}\n"
        "for i, p in ipairs(doc.photos) do\n"
        "  local c, left = M.plan(p.masks)\n"
        "  out[i] = { corrections = J.asArray(c), left = #left }\n"
        "end\n"
        "io.write(J.encode(J.asArray(out)))")
    assert isinstance(plans, list)
    return plans


def check_lua_applies_lightroom_keys(stdout: str) -> list[dict[str, Any]]:
    """Every mask entry of the bridge document ``stdout`` is well formed and has a
    ``lightroom`` key that Masks.lua applies as it is; returns the masks."""
    doc = json.loads(stdout)
    masks = [m for p in doc["photos"] for m in p.get("masks", [])]
    assert masks, "the bridge found no mask to check"
    for mask in masks:
        check_mask_record(mask)
        assert "lightroom" in mask, f"mask {mask['name']!r} has no lightroom form"
    for photo, plan in zip(doc["photos"], lua_plans(stdout), strict=True):
        assert plan["left"] == 0
        assert plan["corrections"] == [m["lightroom"] for m in photo.get("masks", [])]
    return masks


def check_masks_as_python_writes_them(stdout: str) -> None:
    """`check_lua_applies_lightroom_keys`; and without that key (an older bridge) every
    mask Masks.lua builds itself equals the Python writer's correction key for key (and at
    least one is compared)."""
    check_lua_applies_lightroom_keys(stdout)
    doc = json.loads(stdout)
    for mask in (m for p in doc["photos"] for m in p.get("masks", [])):
        del mask["lightroom"]
    plans = lua_plans(json.dumps(doc))
    compared = 0
    for photo, plan in zip(doc["photos"], plans, strict=True):
        semantic = [m for m in photo.get("masks", []) if m["kind"] == "semantic"]
        assert len(plan["corrections"]) == len(semantic)
        assert plan["left"] == len(photo.get("masks", [])) - len(semantic)
        for index, (mask, lua) in enumerate(zip(semantic, plan["corrections"], strict=True)):
            assert _without_ids(lua) == _without_ids(python_correction(mask, index)), mask["name"]
            compared += 1
    assert compared > 0, "no semantic mask to compare"


@needs_bridge
def test_real_enhance_masks_are_what_the_python_writer_writes(real_enhance: str) -> None:
    check_masks_as_python_writes_them(real_enhance)
    # the plugin replaces, on a later run, exactly the masks enhance makes
    replaced = lua_json("local C = require 'Commands'; local J = require 'JSON'\n"
                        "io.write(J.encode({ C.SPECS.enhance.replaceMasks,"
                        " C.SPECS.enhanceMasks.replaceMasks }))")
    names = {m["name"] for p in json.loads(real_enhance)["photos"] for m in p.get("masks", [])}
    for listed in replaced:
        assert names <= set(listed), (names, listed)


@needs_bridge
def test_real_mask_masks_are_what_the_python_writer_writes(
    shared_photos: Path, tmp_path: Path,
) -> None:
    stdout = run_plugin_command("mask", shared_photos / "photos" / POND, tmp_path,
                                prompt="the sky")
    doc = json.loads(stdout)
    assert doc["command"] == "mask" and doc["photos"][0]["status"] == "ok", stdout[-2000:]
    check_masks_as_python_writes_them(stdout)


# -- the `lightroom` key against the XMP the bridge writes ----------------------------------

EXIFTOOL = shutil.which("exiftool")
needs_exiftool = pytest.mark.skipif(EXIFTOOL is None, reason="exiftool not installed")


def exiftool_corrections(path: Path) -> dict[str, dict[str, Any]]:
    """``crs:MaskGroupBasedCorrections`` as ExifTool reads it from ``path``, by sync id."""
    assert EXIFTOOL is not None
    proc = subprocess.run([EXIFTOOL, "-j", "-struct", "-n", "-XMP-crs:MaskGroupBasedCorrections",
                           str(path)], capture_output=True, text=True, check=True, timeout=60)
    group = json.loads(proc.stdout)[0].get("MaskGroupBasedCorrections", [])
    return {c["CorrectionSyncID"]: c for c in group}


def approx_tree(value: Any) -> Any:
    """``value`` with every float compared to 1e-9."""
    if isinstance(value, dict):
        return {k: approx_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [approx_tree(v) for v in value]
    if isinstance(value, float):
        return pytest.approx(value, abs=1e-9)
    return value


def check_lightroom_is_the_xmp(masks: list[dict[str, Any]], xmp: Path) -> int:
    """Each mask's ``lightroom`` key equals, field for field (dabs included), the correction
    ExifTool reads from ``xmp``; returns how many dabs were compared."""
    stored = exiftool_corrections(xmp)
    dabs = 0
    for mask in masks:
        want = mask["lightroom"]
        got = stored.get(want["CorrectionSyncID"])
        assert got is not None, f"{mask['name']!r} is not in {xmp}"
        assert approx_tree(got) == want, mask["name"]
        assert [len(c.get("Dabs", [])) for c in got["CorrectionMasks"]] == [
            len(c.get("Dabs", [])) for c in want["CorrectionMasks"]]
        dabs += sum(len(c.get("Dabs", [])) for c in want["CorrectionMasks"])
    return dabs


@needs_bridge
@needs_exiftool
@pytest.mark.parametrize(("action", "photo", "opts", "what"), [
    ("mask", POND, {"prompt": "the shadows"}, {"Mask/Paint"}),
    ("enhanceMasks", "uhdr05_pixel6pro_backlit_sun_clouds.jpg", {}, {"Mask/Image"}),
])
def test_real_lightroom_key_is_what_exiftool_reads_from_the_written_xmp(
    shared_photos: Path, tmp_path: Path, action: str, photo: str, opts: dict[str, Any],
    what: set[str],
) -> None:
    """The real bridge, run with the command line the Lua code builds (writing this time):
    the ``lightroom`` key of its ``--json`` is what it wrote into the photo's XMP."""
    copy = tmp_path / photo
    shutil.copy(shared_photos / "photos" / photo, copy)
    argv = plugin_argv(action, [str(copy)], engine="", style="", dryRun=False, **opts)
    proc = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=300,
                          cwd=tmp_path, env={**os.environ, "ATELIER_STATE_DIR": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    record = json.loads(proc.stdout)["photos"][0]
    assert record["status"] == "ok", record
    masks = record["masks"]
    assert masks and all("lightroom" in m for m in masks), masks
    assert {c["What"] for m in masks for c in m["lightroom"]["CorrectionMasks"]} == what
    dabs = check_lightroom_is_the_xmp(masks, Path(record["xmp"]["path"]))
    assert (dabs > 0) == ("Mask/Paint" in what)
    check_lua_applies_lightroom_keys(proc.stdout)


GEOMETRY_FIXTURE = PLUGIN_LUA / "spec" / "fixtures" / "masks_geometry_bridge.json"


def geometry_masks() -> list[pb.MaskedAdjustment]:
    """Drawn masks as the engine sends them (displayed frame): a linear gradient, a radial
    gradient and a two-stroke brush — forms the weight-free engine gives only as fallbacks."""
    def masked(name: str, mask: pb.Mask, settings: dict[str, float],
               amount: float = 1.0) -> pb.MaskedAdjustment:
        return pb.MaskedAdjustment(
            name=name, amount=amount, forms=[pb.MaskForm(components=[mask])],
            adjustments=local_adjustments_from_settings(settings), reason=f"{name} test")

    linear = pb.LinearGradient(zero=pb.Point(x=0.5, y=0.62), full=pb.Point(x=0.45, y=0.3))
    radial = pb.RadialGradient(top=0.2, left=0.3, bottom=0.7, right=0.8, angle=15.0,
                               feather=50.0, roundness=0.0, flipped=True)
    brush = pb.BrushMask(strokes=[
        pb.BrushStroke(radius=0.05, flow=1.0, center_weight=0.5, value=1.0,
                       dabs=[pb.Point(x=0.2, y=0.3), pb.Point(x=0.25, y=0.35)]),
        pb.BrushStroke(radius=0.02, flow=0.8, center_weight=0.25, value=1.0,
                       dabs=[pb.Point(x=0.6, y=0.65)]),
    ])
    return [
        masked("Sky gradient", pb.Mask(linear_gradient=linear),
               {"LocalExposure2012": -0.5, "LocalHighlights2012": -20}),
        masked("Spot", pb.Mask(radial_gradient=radial), {"LocalExposure2012": 0.3}, 0.8),
        masked("Painted", pb.Mask(brush=brush), {"LocalClarity2012": 20}),
    ]


#: The displayed photo is turned (EXIF 6): geometry must reach the stored frame.
GEOMETRY_ORIENTATION = 6


def geometry_document() -> str:
    """The ``--json`` document the bridge prints for `geometry_masks` (bridge.output)."""
    import io

    from bridge.output import mask_records, write_json

    out = io.StringIO()
    write_json({"atelier": "0.1.0", "command": "enhance", "dry_run": True,
                "summary": {"total": 1, "ok": 1, "failed": 0, "skipped": 0},
                "photos": [{"path": "/tmp/h10lr/drawn.jpg", "status": "ok", "format": "JPEG",
                            "is_raw": False, "predictor": "analytic/1",
                            "settings": {"Exposure2012": 0.2},
                            "masks": mask_records(geometry_masks(),
                                                  orientation=GEOMETRY_ORIENTATION)}]}, out)
    return out.getvalue()


def test_geometry_fixture_is_what_the_bridge_prints() -> None:
    """spec/fixtures/masks_geometry_bridge.json is bridge.output's document, not retyped."""
    assert GEOMETRY_FIXTURE.read_text() == geometry_document()


@needs_exiftool
def test_geometry_lightroom_key_is_what_exiftool_reads_from_the_xmp(tmp_path: Path) -> None:
    from xmp.lightroom import set_mask_group
    from xmp.packet import Packet

    packet = Packet.empty()
    assert set_mask_group(packet, geometry_masks(), orientation=GEOMETRY_ORIENTATION)
    (tmp_path / "drawn.xmp").write_bytes(packet.to_bytes())
    masks = json.loads(geometry_document())["photos"][0]["masks"]
    assert [c["What"] for m in masks for c in m["lightroom"]["CorrectionMasks"]] == [
        "Mask/Gradient", "Mask/CircularGradient", "Mask/Paint", "Mask/Paint"]
    assert check_lightroom_is_the_xmp(masks, tmp_path / "drawn.xmp") == 3
    # stored frame: EXIF 6 turns the displayed (x, y) into stored (y, 1 − x)
    gradient = masks[0]["lightroom"]["CorrectionMasks"][0]
    assert (gradient["ZeroX"], gradient["ZeroY"]) == (0.62, 0.5)


@needs_lua
def test_lua_applies_the_geometry_masks_as_the_bridge_gives_them() -> None:
    masks = check_lua_applies_lightroom_keys(geometry_document())
    assert [m["kind"] for m in masks] == ["linear_gradient", "radial_gradient", "brush"]
