"""FilterNet training and inference on tiny configs with the real develop model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from engine.decode import decode_photo
from engine.predictors import get_predictor
from engine.predictors.filternet import FilterNet, FilterNetConfig
from engine.predictors.filternet.predictor import FilterNetPredictor
from engine.predictors.filternet.train import TrainConfig, Trainer, train_filternet
from engine.training import RestorationLoss, VGG16Features, sample_moderate
from xmp.vocabulary import validate_settings

TINY = dict(embedding_size=8, hidden_sizes=[8, 16], depths=[1, 1], layer_type="basic",
            head_hidden_size=16, image_size=48)


def tiny_model() -> FilterNet:
    torch.manual_seed(0)
    return FilterNet(FilterNetConfig(**TINY))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def kodak_batch(shared_photos: Path) -> torch.Tensor:
    from engine.predictors.filternet.preprocess import thumbnail

    paths = sorted((shared_photos / "kodak").glob("*.png"))[:4]
    return torch.stack([thumbnail(decode_photo(p, long_side=96).linear, 48) for p in paths])


def test_moderate_degradations_are_in_range() -> None:
    s = sample_moderate(500, torch.Generator().manual_seed(0))
    for name, values in s.items():
        validate_settings({name: float(values.min())})
        validate_settings({name: float(values.max())})
    t = s["IncrementalTemperature"]
    assert -28 < float(t.min()) < -20 and 40 < float(t.max()) < 49  # 10000 K … 4000 K
    assert 0.4 < float(s["Exposure2012"].abs().max()) / 1.5 < 1.6


def test_two_training_steps_reduce_the_loss_on_a_fixed_batch(kodak_batch: torch.Tensor) -> None:
    model = tiny_model()
    model.config.maskout = 0.0
    model.head.maskout.p = 0.0
    with pytest.warns(UserWarning, match="pixel loss only"):
        loss = RestorationLoss(None)
    trainer = Trainer(model, loss, lr=3e-3)
    settings = sample_moderate(4, torch.Generator().manual_seed(1))
    losses = [trainer.step(kodak_batch, settings)["total"] for _ in range(3)]
    assert losses[2] < losses[0]


def test_perceptual_terms_with_vgg_architecture(kodak_batch: torch.Tensor) -> None:
    torch.manual_seed(0)
    loss = RestorationLoss(VGG16Features())  # random weights: only shapes/terms are checked
    terms = loss(kodak_batch * 0.5, kodak_batch)
    assert set(terms) == {"pixel", "feature", "gram", "total"}
    assert float(terms["total"]) > float(terms["pixel"]) > 0
    same = loss(kodak_batch, kodak_batch)
    assert float(same["total"]) == pytest.approx(0.0, abs=1e-6)


def _photo_dir(root: Path, shared_photos: Path, n: int = 4) -> Path:
    folder = root / "photos"
    folder.mkdir()
    for p in sorted((shared_photos / "kodak").glob("*.png"))[:n]:
        Image.open(p).resize((96, 64)).save(folder / p.name)
    return folder


def test_train_writes_a_loadable_model_card_and_resumes(
    tmp_path: Path, shared_photos: Path
) -> None:
    photos = _photo_dir(tmp_path, shared_photos)
    cfg = TrainConfig(photos=str(photos), out_dir=str(tmp_path / "out"), epochs=1,
                      samples_per_photo=1, batch_size=2, image_size=48, val_fraction=0.25,
                      val_samples=1)
    tiny_cfg = FilterNetConfig(**TINY)  # type: ignore[arg-type]
    with pytest.warns(UserWarning):
        state = train_filternet(cfg, log=lambda s: None, model_config=tiny_cfg)
    cfg.epochs = 2
    with pytest.warns(UserWarning):
        resumed = train_filternet(cfg, log=lambda s: None)
    assert state["epoch"] == 1 and resumed["epoch"] == 2
    assert len(resumed["history"]) == 2 and len(resumed["val_names"]) == 1
    out = tmp_path / "out"
    card = (out / "README.md").read_text()
    assert "PSNR restored" in card and resumed["val_names"][0] in card
    metrics = json.loads((out / "metrics.json").read_text())
    assert np.isfinite(metrics["history"][-1]["val_psnr_restored"])
    # the split travels with the model, so evaluations can keep to the held-back photos
    assert metrics["val_names"] == resumed["val_names"]
    assert sorted(metrics["train_names"] + metrics["val_names"]) == sorted(
        p.name for p in photos.iterdir())
    assert "--samples-per-photo 1" in card and "--image-size 48" in card

    predictor = get_predictor("filternet", model=out)
    assert isinstance(predictor, FilterNetPredictor)
    photo = decode_photo(photos / sorted(p.name for p in photos.iterdir())[0], long_side=96)
    preds = predictor.predict_batch([photo, photo])
    assert preds[0].settings == preds[1].settings  # deterministic in eval mode
    validate_settings(preds[0].settings, is_raw=False)
    assert preds[0].backend == "filternet/out"
    assert "Exposure2012" in preds[0].reasons


def test_predictor_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        FilterNetPredictor(tmp_path / "missing")


def test_cli_trains_and_rejects_bad_options(
    tmp_path: Path, shared_photos: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bridge.cli import main

    photos = _photo_dir(tmp_path, shared_photos, n=3)
    out = tmp_path / "model"
    base = ["train", "filternet", "--photos", str(photos), "--out", str(out)]
    assert main([*base, "--epochs", "0"]) == 2
    assert main(["train", "filternet", "--photos", str(tmp_path / "none"), "--out", str(out)]) == 1
    assert "does not exist" in capsys.readouterr().err
    with pytest.warns(UserWarning):
        code = main([*base, "--epochs", "1", "--image-size", "48", "--batch-size", "2",
                     "--samples-per-photo", "1", "--val-fraction", "0.34"])
    assert code == 0
    assert FilterNet.from_pretrained(out).config.image_size == 48
    assert "val PSNR restored" in capsys.readouterr().out
