"""The bundled default FilterNet (models/filternet-small): small, honest about its split,
loaded by default, and it reads exposure the right way round on photos it never saw."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from engine.decode import decode_photo
from engine.develop import render
from engine.predictors import get_predictor
from engine.predictors.filternet.predictor import default_model_dir
from xmp.vocabulary import validate_settings

MODEL = default_model_dir()


@pytest.fixture(scope="module")
def metrics() -> dict:
    return json.loads((MODEL / "metrics.json").read_text())


def test_bundled_model_is_small_and_records_its_split(metrics: dict) -> None:
    size = sum(p.stat().st_size for p in MODEL.iterdir() if p.is_file())
    assert size < 50e6
    assert set(metrics["val_names"]).isdisjoint(metrics["train_names"])
    assert len(metrics["val_names"]) >= 5
    card = (MODEL / "README.md").read_text()
    assert all(name in card for name in metrics["val_names"])


def test_default_filternet_reads_exposure_on_held_back_photos(
    shared_photos: Path, metrics: dict
) -> None:
    import torch

    predictor = get_predictor("filternet")  # no model given: the bundled one
    assert predictor.name == "filternet"
    held_back = [n for n in metrics["val_names"] if n.endswith(".png")][:3]
    for name in held_back:
        photo = decode_photo(shared_photos / name, long_side=256)
        exposures = []
        for ev in (-1.0, 1.0):
            with torch.no_grad():
                chw = torch.from_numpy(np.ascontiguousarray(photo.linear)).permute(2, 0, 1)
                out = render(chw, {"Exposure2012": ev}).clamp(0, 1).permute(1, 2, 0).numpy()
            prediction = predictor.predict(replace(photo, linear=out))
            validate_settings(prediction.settings, is_raw=False)
            exposures.append(prediction.settings["Exposure2012"])
        # darkened by 1 EV → brighten more than when brightened by 1 EV
        assert exposures[0] > exposures[1] + 0.5, (name, exposures)
