"""FilterNet architecture: head shapes, maskout, output ranges, save/load."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from engine.predictors.filternet import (
    OUTPUT_SLIDERS,
    FilterNet,
    FilterNetConfig,
    FilterNetHead,
    Maskout,
    outputs_to_settings,
    settings_to_outputs,
    thumbnail,
    to_raw_white_balance,
)
from xmp.vocabulary import validate_settings

TINY = dict(embedding_size=8, hidden_sizes=[8, 16], depths=[1, 1], layer_type="basic",
            head_hidden_size=16, image_size=64)


def tiny() -> FilterNet:
    torch.manual_seed(0)
    return FilterNet(FilterNetConfig(**TINY))  # type: ignore[arg-type]


def test_head_shapes_and_init() -> None:
    head = FilterNetHead(in_channels=32, num_outputs=9)
    linears = [m for m in head.mlp if isinstance(m, torch.nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [(64, 512), (512, 9)]
    assert all(abs(float(m.weight.detach().std()) - 0.01) < 0.002 for m in linears)
    head.eval()
    assert head(torch.randn(4, 32, 5, 7)).shape == (4, 9)


def test_maskout_zeroes_without_rescaling_only_in_training() -> None:
    torch.manual_seed(0)
    layer = Maskout(0.1)
    x = torch.full((2000, 9), 0.5)
    y = layer(x)
    zero = float((y == 0).float().mean())
    assert 0.08 < zero < 0.12
    assert set(torch.unique(y).tolist()) == {0.0, 0.5}  # survivors are not rescaled
    layer.eval()
    assert torch.equal(layer(x), x)
    with pytest.raises(ValueError, match=r"maskout p=1\.0"):
        Maskout(1.0)


def test_outputs_in_open_unit_interval_and_map_to_valid_sliders() -> None:
    model = tiny().eval()
    with torch.no_grad():
        y = model(torch.randn(3, 3, 64, 64) * 5)
    assert y.shape == (3, len(OUTPUT_SLIDERS))
    assert bool((y > -1).all() and (y < 1).all())
    settings = outputs_to_settings(y[0].numpy())
    validate_settings(settings, is_raw=False)
    extremes = outputs_to_settings([1.0] * len(OUTPUT_SLIDERS))
    assert extremes["Exposure2012"] == 3.0 and extremes["Vibrance"] == 100.0


def test_settings_round_trip_through_outputs() -> None:
    settings = {"Exposure2012": 0.75, "Contrast2012": -20.0, "IncrementalTemperature": 12.0}
    back = outputs_to_settings(settings_to_outputs(settings))
    assert back["Exposure2012"] == pytest.approx(0.75)
    assert back["IncrementalTemperature"] == pytest.approx(12.0)
    assert back["Blacks2012"] == pytest.approx(0.0)


def test_raw_white_balance_is_absolute_and_warmer_for_positive_shift() -> None:
    neutral = to_raw_white_balance({"IncrementalTemperature": 0, "IncrementalTint": 0}, 5000, 10)
    assert neutral["Temperature"] == pytest.approx(5000, abs=1)
    assert neutral["Tint"] == pytest.approx(10, abs=0.01)
    warm = to_raw_white_balance({"IncrementalTemperature": 20, "IncrementalTint": 0}, 5000, 10)
    assert warm["Temperature"] > 5500 and "IncrementalTemperature" not in warm
    validate_settings(warm, is_raw=True)


def test_save_load_round_trip(tmp_path: Path) -> None:
    model = tiny().eval()
    model.save_pretrained(tmp_path / "m")
    assert json.loads((tmp_path / "m" / "config.json").read_text())["depths"] == [1, 1]
    loaded = FilterNet.from_pretrained(tmp_path / "m")
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        assert torch.allclose(model(x), loaded(x))
    assert loaded.config == model.config and not loaded.training


def test_from_pretrained_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        FilterNet.from_pretrained(tmp_path / "nope")
    tiny().save_pretrained(tmp_path / "m")
    (tmp_path / "m" / "model.safetensors").unlink()
    with pytest.raises(FileNotFoundError, match=r"no model\.safetensors"):
        FilterNet.from_pretrained(tmp_path / "m")
    with pytest.raises(ValueError, match="depths"):
        FilterNetConfig(hidden_sizes=[8], depths=[1, 1])


def test_default_is_resnet50_and_thumbnail_shape() -> None:
    cfg = FilterNetConfig()
    assert cfg.depths == [3, 4, 6, 3] and cfg.hidden_sizes[-1] == 2048
    thumb = thumbnail(torch.rand(120, 80, 3).numpy() * 2, size=64)
    assert thumb.shape == (3, 64, 64) and float(thumb.max()) <= 1.0
