"""CocoGold evaluation: accumulated IoU / pixel accuracy and `atelier eval cocogold`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bridge.cli import main
from engine.masks.cocogold.coco import CocoDataset
from engine.masks.cocogold.evaluate import Counts, confusion
from tests.cocogold_tiny import coco_fixture, tiny_pipeline

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def coco(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return coco_fixture(tmp_path_factory.mktemp("coco"), "val2017")


def test_iou_is_one_where_prediction_equals_ground_truth(coco: Path) -> None:
    dataset = CocoDataset(coco, "val2017")
    total = Counts()
    for image in dataset.images:
        for name in ("dog", "car"):
            truth = dataset.class_mask(image, name)
            total.add(confusion(truth.astype(np.float32), truth))
    assert total.queries == 6 and total.tp > 0
    assert (total.fp, total.fn, total.iou, total.pixel_accuracy) == (0, 0, 1.0, 1.0)
    car = dataset.class_mask(dataset.images[0], "car")
    assert car[40:100, 290:370].all() and car[280:300, 10:40].all()  # polygon + crowd RLE
    assert car.sum() == 80 * 60 + 600


def test_iou_accumulates_pixels_over_queries() -> None:
    truth = np.zeros((20, 20), bool)
    truth[5:15] = True                       # 200 px
    shifted = np.zeros((20, 20), bool)
    shifted[0:10] = True                     # 100 px overlap, 100 FP, 100 FN
    one = confusion(shifted, truth)
    assert (one.tp, one.fp, one.fn, one.tn) == (100, 100, 100, 100)
    assert one.iou == pytest.approx(1 / 3) and one.pixel_accuracy == 0.5
    total = Counts()
    total.add(one)
    total.add(confusion(truth, truth))
    # Accumulated: 300 / (300 + 100 + 100) = 0.6, not the mean of 1/3 and 1.
    assert total.iou == pytest.approx(0.6) and total.queries == 2
    assert confusion(np.zeros((4, 4)), np.zeros((4, 4), bool)).iou == 1.0
    assert np.isnan(Counts().iou)
    with pytest.raises(ValueError):
        confusion(np.zeros((4, 4)), np.zeros((4, 5), bool))


def test_atelier_eval_cocogold(coco: Path, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    tiny_pipeline(tmp_path / "tok", classes=["dog"]).save_pretrained(tmp_path / "model")
    args = ["eval", "cocogold", "--coco", str(coco), "--model", str(tmp_path / "model"),
            "--steps", "1", "--json"]
    assert main(args) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["trained_classes"] == ["dog"] and doc["split"] == "val2017"
    trained, other = doc["trained"], doc["other"]
    assert (trained["queries"], other["queries"]) == (3, 2)   # dog ×3, car ×2 (trained: dog)
    for group in (trained, other):
        assert group["tp"] + group["fp"] + group["fn"] + group["tn"] == group["queries"] * 400 * 320
        union = group["tp"] + group["fp"] + group["fn"]
        assert group["iou"] == round(group["tp"] / union, 4)
        assert 0 <= group["pixel_accuracy"] <= 1
    assert set(doc["per_class"]) == {"car", "dog"}
    assert doc["per_class"]["dog"]["tp"] == trained["tp"]
    code = main([*args[:-1], "--limit", "1"])
    out = capsys.readouterr().out
    assert code == 0 and "trained" in out and "2 queries" in out
    assert main([*args, "--steps", "51"]) == 2
    assert main([*args, "--device", "nodevice"]) == 1
    assert main([*args[:5], str(tmp_path / "none"), *args[6:]]) == 1
    assert "no CocoGold model directory" in (err := capsys.readouterr().err)
    assert "atelier train cocogold --coco" in err  # says how to make one
