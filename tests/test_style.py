"""Personal style: profiles, learning from really edited files, the StylePredictor."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from atelier.v1 import engine_pb2 as pb
from bridge.cli import main
from engine.decode import decode_photo
from engine.decode.types import PhotoInfo
from engine.predictors import get_predictor
from engine.style.features import FEATURE_NAMES, photo_features
from engine.style.learn import LearnRecord, NotEnoughExamples, learn_profile
from engine.style.predictor import StylePredictor
from engine.style.profile import TARGET_NAMES, StyleExample, StyleProfile
from engine.style.targets import settings_from_targets, targets_from_settings
from xmp.exiftool import ExifToolSession
from xmp.lightroom import Provenance
from xmp.packet import Packet
from xmp.vocabulary import global_slider
from xmp.write import write_develop_settings

PROV = Provenance("lightroom-user/1", "0.1.0")
RENDERED = (
    "kodak_pcd0992_img0004_16base_portrait_red_hat.jpg",
    "kodak_pcd0992_img0012_16base_couple_beach.tif",
    "kodak_pcd0992_img0015_16base_portrait_painted_face.jpg",
    "libjxl_flower_q85_444.jpg",
    "pd_usnavy_111117-N-UB993-082_sailor_examines_patient.png",
    "uhdr04_pixel6pro_pond_sky.jpg",
)
RAW = "gopro_hero6black_GOPR0024_from_gpr.dng"
EV_BIAS, TEMP_BIAS, VIBRANCE = 1.0, 12.0, 30.0


def _style(photo_path: Path) -> dict[str, float]:
    """A photographer: analytic exposure + 1 EV, warmer by 12, vibrance always 30."""
    photo = decode_photo(photo_path)
    auto = get_predictor("analytic").predict(photo).settings
    out = {"Exposure2012": round(auto["Exposure2012"] + EV_BIAS, 2), "Vibrance": VIBRANCE,
           "Contrast2012": 10.0}
    if photo.info.is_raw:
        out.update(Temperature=round(auto["Temperature"] * 1.1), Tint=auto.get("Tint", 0.0))
    else:
        out["IncrementalTemperature"] = round(auto.get("IncrementalTemperature", 0) + TEMP_BIAS)
    return {k: global_slider(k).clamp(v) for k, v in out.items()}


def make_edited(root: Path, shared_photos: Path) -> Path:
    """Fill ``root`` with really edited photos: embedded crs:, a raw + sidecar, and decoys."""
    root.mkdir(parents=True, exist_ok=True)
    with ExifToolSession() as et:
        for name in RENDERED:
            dst = root / name
            shutil.copy(shared_photos / "photos" / name, dst)
            write_develop_settings(dst, _style(dst), is_raw=False, provenance=PROV, exiftool=et)
        raw = root / RAW
        shutil.copy(shared_photos / "raw" / RAW, raw)
        write_develop_settings(raw, _style(raw), is_raw=True, provenance=PROV, sidecar=True,
                               exiftool=et)
        # Decoys: a photo never edited, and an export whose pixels carry a raw's edit.
        shutil.copy(shared_photos / "kodak" / "kodim03.png", root / "unedited.png")
        export = root / "export.jpg"
        shutil.copy(shared_photos / "photos" / "uhdr01_pixel6pro_sky_parking_lot.jpg", export)
        packet = Packet.empty()
        packet.set("crs", "RawFileName", "IMG_0001.CR3")
        packet.set("crs", "Exposure2012", "+0.50")
        et.embed_xmp(export, packet.to_bytes())
    return root


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory, shared_photos: Path) -> Path:
    return make_edited(tmp_path_factory.mktemp("edited"), shared_photos)


@pytest.fixture(scope="module")
def learning(edited: Path) -> tuple[StyleProfile, list[LearnRecord]]:
    return learn_profile([edited])


@pytest.fixture(scope="module")
def learned(learning: tuple[StyleProfile, list[LearnRecord]],
            tmp_path_factory: pytest.TempPathFactory) -> Path:
    return learning[0].save(tmp_path_factory.mktemp("profile") / "mine").parent


def _example(i: int, rng: np.random.Generator, is_raw: bool = False) -> StyleExample:
    features = rng.normal(size=len(FEATURE_NAMES)).tolist()
    features[FEATURE_NAMES.index("log2_iso")] = math.nan  # unknown EXIF
    wb = ("raw.temperature_shift", "raw.tint_shift") if is_raw else (
        "rendered.temperature_shift", "rendered.tint_shift")
    targets = {"Exposure2012": 0.5 + 0.3 * features[0], "Vibrance": 20.0, wb[0]: 5.0, wb[1]: 0.0}
    return StyleExample(f"p{i}.jpg", features, "", is_raw, targets,
                        {"Exposure2012": 0.3 * features[0], wb[0]: 1.0})


def test_profile_round_trip(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    profile = StyleProfile([_example(i, rng, is_raw=i % 3 == 0) for i in range(8)])
    path = profile.save(tmp_path / "p")
    assert path.name == "style.json"
    assert "NaN" not in path.read_text()  # strict JSON: unknowns are null
    loaded = StyleProfile.load(tmp_path / "p")
    assert loaded.base == "analytic"
    assert len(loaded.examples) == 8
    for ours, theirs in zip(profile.examples, loaded.examples, strict=True):
        assert ours.targets == theirs.targets and ours.analytic == theirs.analytic
        assert ours.name == theirs.name and ours.is_raw == theirs.is_raw
        np.testing.assert_array_equal(np.array(ours.features), np.array(theirs.features))
    x = np.array(profile.examples[0].features)
    a = np.array([profile.examples[0].analytic.get(t, 0.0) for t in TARGET_NAMES])
    assert profile.model().predict(x, a)[0] == loaded.model().predict(x, a)[0]


def test_load_refuses_non_profiles(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="learn-style"):
        StyleProfile.load(tmp_path)
    (tmp_path / "style.json").write_text(json.dumps({"format": 99, "examples": []}))
    with pytest.raises(ValueError, match="run learn-style again"):
        StyleProfile.load(tmp_path)


def test_white_balance_flavours_stay_apart() -> None:
    raw = PhotoInfo(100, 100, is_raw=True, as_shot_temperature=5000.0, as_shot_tint=4.0)
    rendered = PhotoInfo(100, 100)
    t_raw = targets_from_settings({"Temperature": 5500.0, "Tint": 10.0}, raw)
    assert "rendered.temperature_shift" not in t_raw
    assert t_raw["raw.temperature_shift"] > 0  # 5500 K on a 5000 K as-shot: warmer
    back = settings_from_targets(t_raw, raw)
    assert back["Temperature"] == pytest.approx(5500.0, abs=1)
    assert back["Tint"] == pytest.approx(10.0)
    assert "IncrementalTemperature" not in back
    t_ren = targets_from_settings({"IncrementalTemperature": 15.0}, rendered)
    assert "raw.temperature_shift" not in t_ren
    assert settings_from_targets(t_ren, raw).get("Temperature") is None  # never crosses over


def test_learns_from_really_edited_files(
    edited: Path, learning: tuple[StyleProfile, list[LearnRecord]]
) -> None:
    profile, records = learning
    status = {r.path.name: r for r in records}
    assert {n for n, r in status.items() if r.status == "ok"} == {*RENDERED, RAW}
    assert status["unedited.png"].status == "skipped"
    assert "no Lightroom develop settings" in status["unedited.png"].reason
    assert status["export.jpg"].status == "skipped"
    assert "IMG_0001.CR3" in status["export.jpg"].reason
    assert status[RAW].source == "sidecar" and status[RENDERED[0]].source == "embedded"
    # What was learned is exactly what was written, in its white-balance flavour.
    written = _style(edited / RENDERED[0])
    assert status[RENDERED[0]].settings["Exposure2012"] == pytest.approx(
        written["Exposure2012"])
    raw_example = next(e for e in profile.examples if e.name == RAW)
    assert raw_example.is_raw and "raw.temperature_shift" in raw_example.targets
    assert "rendered.temperature_shift" not in raw_example.targets
    assert raw_example.targets["raw.temperature_shift"] > 0  # 10 % more Kelvin = warmer
    assert profile.head is None and not profile.head_held_out  # < 200 examples: no head


def test_style_predictor_edits_like_the_photographer(learned: Path, shared_photos: Path) -> None:
    photo = decode_photo(shared_photos / "kodak" / "kodim05.png")  # not an example
    auto = get_predictor("analytic").predict(photo).settings
    style = StylePredictor(learned).predict(photo)
    s = style.settings
    assert s["Exposure2012"] == pytest.approx(auto["Exposure2012"] + EV_BIAS, abs=0.3)
    assert s["Vibrance"] == pytest.approx(VIBRANCE, abs=2)
    assert s["IncrementalTemperature"] == pytest.approx(
        auto["IncrementalTemperature"] + TEMP_BIAS, abs=5)
    assert "Temperature" not in s  # a rendered photo gets rendered white balance
    for name, value in s.items():
        assert global_slider(name).clamp(value) == value
    assert "like your photo" in style.reasons["Exposure2012"]
    assert "brightened by" in style.reasons["Exposure2012"]
    assert style.backend.startswith("style/mine (7 examples")


def test_far_photo_shrinks_to_analytic_plus_bias(learned: Path) -> None:
    model = StyleProfile.load(learned).model()
    base = np.array(StyleProfile.load(learned).examples[0].features)
    far = np.where(np.isfinite(base), base + 50.0, base)  # nothing like any example
    analytic = np.zeros(len(TARGET_NAMES))
    fit = model.fits["Exposure2012"]
    values, _ = model.predict(far, analytic)
    assert values["Exposure2012"] == pytest.approx(
        float(np.clip((fit.y - fit.a).mean(), fit.lo, fit.hi)), abs=1e-6)
    assert model.distance_ratio(far) > 10


def test_engine_uses_the_profile_through_the_registry(learned: Path, shared_photos: Path) -> None:
    from engine.server.analysis import predictor_for

    predictor = predictor_for(pb.AnalyzeOptions(predictor="", style_profile=str(learned)))
    assert isinstance(predictor, StylePredictor)
    photo = decode_photo(shared_photos / "photos" / "uhdr05_pixel6pro_backlit_sun_clouds.jpg")
    prediction = predictor.predict(photo)
    assert prediction.backend.startswith("style/")
    assert prediction.settings["Vibrance"] == pytest.approx(VIBRANCE, abs=2)
    assert len(photo_features(photo)) == len(FEATURE_NAMES)


def test_cli_learn_style_json(edited: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
                              ) -> None:
    out = tmp_path / "style"
    assert main(["learn-style", str(edited), "--out", str(out), "--json"]) == 0
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    assert doc["command"] == "learn-style"
    assert doc["summary"] == {"total": 9, "learned": 7, "skipped": 2, "failed": 0}
    assert (out / "style.json").is_file()
    assert any(q["target"] == "Exposure2012" for q in doc["quality"])
    assert "export.jpg: skipped" in captured.err  # progress on stderr


def test_fewer_than_five_is_a_clear_error(edited: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    few = [edited / n for n in RENDERED[:3]] + [edited / "unedited.png"]
    with pytest.raises(NotEnoughExamples, match="at least 5 edited photos; found 3 usable"):
        learn_profile(few)
    assert main(["learn-style", *map(str, few), "--out", str(tmp_path / "p")]) == 1
    err = capsys.readouterr().err
    assert "at least 5" in err and "1 without Lightroom develop settings" in err
    assert not (tmp_path / "p").exists()
