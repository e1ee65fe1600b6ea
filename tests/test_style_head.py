"""The ≥ 200-example style model: a FilterNet head fine-tuned on a frozen backbone."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from bridge.cli import main
from engine.decode.types import DecodedPhoto, PhotoInfo
from engine.predictors.filternet import FilterNet, FilterNetConfig
from engine.style import finetune
from engine.style.features import FEATURE_NAMES
from engine.style.finetune import (
    TARGET_RANGES,
    WIN_Z,
    Backbone,
    HeadConfig,
    StyleHead,
    fit_head,
    fit_profile_head,
    split_held_out,
    train_head,
)
from engine.style.predictor import StylePredictor
from engine.style.profile import HEAD_DIR, TARGET_NAMES, StyleExample, StyleProfile
from tests.test_style import make_edited

N = 60


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An ``$ATELIER_MODELS`` with a tiny random ``filternet-small``."""
    torch.manual_seed(0)
    root = tmp_path_factory.mktemp("models")
    config = FilterNetConfig.small(embedding_size=8, hidden_sizes=[8, 8, 8, 16],
                                   image_size=32, head_hidden_size=16)
    FilterNet(config).eval().save_pretrained(root / "filternet-small")
    return root


@pytest.fixture(scope="module")
def backbone(models_dir: Path) -> Backbone:
    return Backbone(models_dir / "filternet-small")


@pytest.fixture(scope="module")
def photos() -> list[np.ndarray]:
    """Flat grey photos of random brightness (brightness is what the targets follow)."""
    rng = np.random.default_rng(1)
    return [np.full((24, 36, 3), rng.uniform(0.02, 0.9), np.float32)
            + rng.normal(0, 0.02, (24, 36, 3)).astype(np.float32) for _ in range(N)]


def _targets(photos: list[np.ndarray]) -> np.ndarray:
    """Exposure falls with brightness, vibrance fixed; rendered WB only (raw is NaN)."""
    out = np.full((len(photos), len(TARGET_NAMES)), np.nan)
    mean = np.array([p.mean() for p in photos])
    out[:, TARGET_NAMES.index("Exposure2012")] = 1.5 - 3.0 * mean
    out[:, TARGET_NAMES.index("Vibrance")] = 25.0
    out[:, TARGET_NAMES.index("rendered.temperature_shift")] = 40 * mean - 10
    return out


def _head(backbone: Backbone, uses: list[str] | None = None) -> StyleHead:
    torch.manual_seed(0)
    config = HeadConfig(backbone.name, backbone.digest, backbone.channels, list(TARGET_NAMES),
                        [TARGET_RANGES[t] for t in TARGET_NAMES], hidden_size=16,
                        uses=uses or [])
    return StyleHead(config)


def test_training_reduces_the_loss(backbone: Backbone, photos: list[np.ndarray]) -> None:
    features = backbone.features(photos)
    assert features.shape[:2] == (N, backbone.channels)
    head = _head(backbone)
    train, val = split_held_out(N)
    assert len(val) == 12 and not set(train) & set(val)
    history = train_head(head, features, _targets(photos), train, val, epochs=60, patience=60,
                         lr=3e-3, weight_decay=0.0, batch_size=16)
    assert len(history) == 60
    assert history[-1][0] < 0.5 * history[0][0]
    assert min(v for _, v in history) < 0.5 * history[0][1]


def test_save_load_round_trip(backbone: Backbone, photos: list[np.ndarray], tmp_path: Path
                              ) -> None:
    head = _head(backbone, uses=["Exposure2012", "Vibrance"])
    features = backbone.features(photos)
    head.train()
    head(features)  # move the BatchNorm statistics away from their initial values
    path = head.save_pretrained(tmp_path / "head")
    assert {p.name for p in path.iterdir()} == {"config.json", "model.safetensors"}
    loaded = StyleHead.from_pretrained(path)
    assert loaded.config == head.config
    ours, theirs = head.predict(features), loaded.predict(features)
    assert set(ours[0]) == {"Exposure2012", "Vibrance"}
    assert ours == theirs


def test_selection_keeps_the_few_shot_model_when_the_head_is_worse(
    backbone: Backbone, photos: list[np.ndarray]
) -> None:
    targets = _targets(photos)
    features = backbone.features(photos)
    perfect = fit_head(lambda train, val: targets[val], features, targets, TARGET_NAMES,
                       backbone)
    assert perfect.kept is None  # nothing beats an exact few-shot model
    assert perfect.held_out["Exposure2012"]["few_shot"] == 0.0
    assert "raw.temperature_shift" not in perfect.held_out  # no raw examples
    useless = fit_head(lambda train, val: targets[val] + 50.0, features, targets, TARGET_NAMES,
                       backbone)
    assert useless.kept is not None
    assert {"Exposure2012", "Vibrance"} <= set(useless.head.config.uses)
    for t in useless.head.config.uses:
        assert useless.held_out[t]["head"] < useless.held_out[t]["few_shot"]
        assert useless.held_out[t]["gain_z"] > WIN_Z
    # A head better only by luck is not kept: the few-shot model makes the head's own
    # errors, shuffled among the held-out photos and 3 % larger (same training, same head).
    errors = useless.head.decode(useless.head(features)) - targets
    shuffle = np.random.default_rng(3).permutation
    lucky = fit_head(lambda train, val: targets[val] + 1.03 * errors[val][shuffle(len(val))],
                     features, targets, TARGET_NAMES, backbone)
    m = lucky.held_out["Exposure2012"]
    assert m["head"] < m["few_shot"] and m["gain_z"] < WIN_Z
    assert "Exposure2012" not in lucky.head.config.uses


def _profile(photos: list[np.ndarray]) -> StyleProfile:
    rng = np.random.default_rng(2)
    targets = _targets(photos)
    examples = []
    for i in range(len(photos)):
        t = {name: float(v) for name, v in zip(TARGET_NAMES, targets[i], strict=True)
             if np.isfinite(v)}
        examples.append(StyleExample(f"p{i}.jpg", rng.normal(size=len(FEATURE_NAMES)).tolist(),
                                     "", False, t, {"Exposure2012": 0.0}))
    return StyleProfile(examples)


def test_profile_with_head_saves_loads_and_predicts(
    models_dir: Path, backbone: Backbone, photos: list[np.ndarray], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    # Features are pure noise here, so the few-shot model can only guess the average:
    # the head, which sees the pixels, must win exposure.
    profile = _profile(photos)
    report = fit_profile_head(profile, backbone.features(photos), backbone)
    assert report.kept is not None and profile.head is report.kept
    assert "Exposure2012" in report.kept.config.uses
    profile.save(tmp_path / "p")
    assert (tmp_path / "p" / HEAD_DIR / "model.safetensors").is_file()
    loaded = StyleProfile.load(tmp_path / "p")
    assert loaded.head is not None and loaded.head.config == report.kept.config
    assert loaded.head_held_out == report.held_out

    monkeypatch.setenv("ATELIER_MODELS", str(models_dir))
    photo = DecodedPhoto(linear=photos[0], info=PhotoInfo(36, 24))
    prediction = StylePredictor(tmp_path / "p").predict(photo)
    assert "FilterNet head" in prediction.reasons["Exposure2012"]
    assert "FilterNet head for" in prediction.backend
    expected = loaded.head.predict(backbone.features([photos[0]]))[0]["Exposure2012"]
    assert prediction.settings["Exposure2012"] == pytest.approx(expected, abs=0.11)

    # Learned again without a head (fewer photos): the stale head directory goes.
    StyleProfile(profile.examples[:10]).save(tmp_path / "p")
    assert not (tmp_path / "p" / HEAD_DIR).exists()
    assert StyleProfile.load(tmp_path / "p").head is None


def test_a_changed_backbone_disables_the_head(
    models_dir: Path, backbone: Backbone, photos: list[np.ndarray], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    profile = _profile(photos)
    fit_profile_head(profile, backbone.features(photos), backbone)
    assert profile.head is not None
    profile.head.config.backbone_digest = "0" * 16
    monkeypatch.setenv("ATELIER_MODELS", str(models_dir))
    with pytest.warns(UserWarning, match="another filternet-small backbone"):
        predictor = StylePredictor(profile)
    photo = DecodedPhoto(linear=photos[0], info=PhotoInfo(36, 24))
    assert "FilterNet head" not in predictor.predict(photo).backend
    monkeypatch.setenv("ATELIER_MODELS", str(tmp_path))  # no backbone at all
    with pytest.warns(UserWarning, match="needs its backbone"):
        assert StylePredictor(profile).backbone is None


def test_learn_style_fine_tunes_and_reports_a_head(
    shared_photos: Path, models_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str]
) -> None:
    """The whole path, with the 200-photo threshold lowered to the 7 edited photos."""
    edited = make_edited(tmp_path / "edited", shared_photos)
    monkeypatch.setenv("ATELIER_MODELS", str(models_dir))
    monkeypatch.setattr(finetune, "HEAD_MIN_EXAMPLES", 5)
    out = tmp_path / "style"
    assert main(["learn-style", str(edited), "--out", str(out), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    held_out = {h["target"]: h for h in doc["head"]["held_out"]}
    assert {"head_mae", "few_shot_mae", "average_mae"} <= set(held_out["Exposure2012"])
    kept = doc["head"].get("kept_for", [])
    assert (out / HEAD_DIR).is_dir() == bool(kept)
    for t in kept:
        assert held_out[t]["gain_z"] > finetune.WIN_Z
        assert held_out[t]["head_mae"] < held_out[t]["few_shot_mae"]
