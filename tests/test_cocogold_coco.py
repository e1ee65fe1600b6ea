"""CocoGold on COCO-format data: RLE, polygons, the thesis's sampler and
`atelier train cocogold` (tiny random models, no downloads)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from bridge.cli import main
from engine.masks.cocogold.coco import (
    CocoDataset,
    decode_rle,
    is_partially_contained,
    training_samples,
)
from engine.masks.cocogold.pipeline import CocoGoldPipeline
from tests.cocogold_tiny import coco_fixture, tiny_base

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def coco(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("coco")
    return coco_fixture(root, "train2017")


def _compress(counts: list[int]) -> str:
    """COCO's compressed RLE string (the inverse of what the reader decodes)."""
    out = []
    for i, x in enumerate(counts):
        if i > 2:
            x -= counts[i - 2]
        more = True
        while more:
            c = x & 0x1F
            x >>= 5
            more = x != -1 if c & 0x10 else x != 0
            out.append(chr((c | 0x20 if more else c) + 48))
    return "".join(out)


def test_rle_plain_and_compressed_decode_column_major() -> None:
    truth = np.zeros((6, 5), bool)
    truth[1:4, 1] = True
    truth[0:6, 3] = True
    truth[5, 4] = True
    flat = truth.T.ravel()  # COCO runs go down the columns
    counts, at, value = [], 0, False
    while at < flat.size:
        run = int(np.argmax(flat[at:] != value)) if (flat[at:] != value).any() else flat.size - at
        counts.append(run)
        at, value = at + run, not value
    np.testing.assert_array_equal(decode_rle({"size": [6, 5], "counts": counts}), truth)
    np.testing.assert_array_equal(
        decode_rle({"size": [6, 5], "counts": _compress(counts)}), truth)


def test_heavily_cut_instances_are_not_targets() -> None:
    crop = (0.0, 0.0, 100.0, 100.0)
    inside = {"bbox": [10, 10, 20, 20]}
    mostly = {"bbox": [90, 10, 12, 12]}          # 10 of 12 columns inside: 83 %
    cut_small = {"bbox": [95, 10, 20, 20]}       # 25 % inside, 1 % of the crop
    cut_big = {"bbox": [60, 0, 100, 100]}        # 40 % inside but 40 % of the crop
    outside = {"bbox": [150, 10, 10, 10]}
    assert is_partially_contained(inside, crop) and is_partially_contained(mostly, crop)
    assert is_partially_contained(cut_big, crop)
    assert not is_partially_contained(cut_small, crop)
    assert not is_partially_contained(outside, crop)


def test_sampler_paints_the_named_class_in_square_crops(coco: Path) -> None:
    dataset = CocoDataset(coco, "train2017")
    assert dataset.categories == {3: "car", 18: "dog"} and len(dataset.images) == 3
    stream = training_samples(dataset, classes=("dog", "car"), resolution=48, seed=2)
    seen = set()
    for _ in range(12):
        s = next(stream)
        seen.add(s.prompt)
        assert s.image.shape == (48, 48, 3) and s.mask.shape == (48, 48)
        assert 0.02 < s.mask.mean() < 0.5
        mask = np.asarray(s.mask, bool)
        inside, outside = s.image[mask].mean(axis=0), s.image[~mask].mean(axis=0)
        # The painted region is the named object's colour; the rest mostly grass.
        colour = (0.45, 0.27, 0.12) if s.prompt == "dog" else (0.59, 0.59, 0.63)
        np.testing.assert_allclose(inside, colour, atol=0.1)  # edges blend at 48 px
        assert outside[1] > outside[0]
    assert seen == {"dog", "car"}  # the crowd "car" RLE is never a target
    again = next(training_samples(dataset, classes=("dog", "car"), resolution=48, seed=2))
    first = next(training_samples(dataset, classes=("dog", "car"), resolution=48, seed=2))
    np.testing.assert_array_equal(again.mask, first.mask)  # seeded
    only_dogs = training_samples(dataset, classes=("dog",), resolution=48, seed=0)
    assert {next(only_dogs).prompt for _ in range(5)} == {"dog"}
    with pytest.raises(ValueError, match="has an instance of giraffe"):
        next(training_samples(dataset, classes=("giraffe",)))
    for image in dataset.images:  # boxes of zero area: no crop holds them
        for ann in image.annotations:
            ann["bbox"][2] = 0
    with pytest.raises(ValueError, match="fits a square crop"):
        next(training_samples(dataset, classes=("dog", "car")))


def test_atelier_train_cocogold_two_steps(coco: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    base = tiny_base(tmp_path / "base")
    out = tmp_path / "model"
    args = ["train", "cocogold", "--coco", str(coco), "--base", str(base), "--out", str(out),
            "--steps", "2", "--batch-size", "2", "--accumulation", "2", "--resolution", "32",
            "--warmup", "1", "--checkpoint-every", "1", "--classes", "dog,car",
            "--device", "cpu"]
    assert main(args) == 0
    captured = capsys.readouterr()
    losses = [float(line.rsplit(" ", 1)[1]) for line in captured.err.splitlines()
              if line.startswith("step ")]
    assert len(losses) == 2 and all(np.isfinite(losses)) and all(v > 0 for v in losses)
    assert f"→ {out}" in captured.out and "checkpoint after step 1" in captured.err
    model = CocoGoldPipeline.from_pretrained(out)
    assert model.config.classes == ["dog", "car"] and model.unet.config["in_channels"] == 8
    widened = CocoGoldPipeline.from_base(base, resolution=32).unet.conv_in.weight
    assert not torch.allclose(model.unet.conv_in.weight, widened)  # the UNet learned
    assert model.vae.encoder.conv_in.weight.equal(
        CocoGoldPipeline.from_base(base, resolution=32).vae.encoder.conv_in.weight)
    # Usage and data errors.
    assert main(["train", "cocogold", "--out", str(out), "--base", str(base)]) == 2
    assert main([*args[:9], "--steps", "0"]) == 2
    assert main([*args[:3], str(tmp_path / "nothing"), *args[4:]]) == 1
    assert "no COCO instances file" in capsys.readouterr().err
    assert main([*args[:-2], "--device", "nodevice"]) == 1
    assert "device 'nodevice'" in capsys.readouterr().err
    assert main(["train", "filternet", "--out", str(out)]) == 2  # needs --photos
