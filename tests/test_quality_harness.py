"""Quality regression: on a small degraded set the analytic predictor must restore
photos better than simple tools, and masked local edits must help local damage."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from benchmarks.quality import (
    auto_levels_grey_world,
    build_test_set,
    evaluate,
    identity,
    restore_with_predictor,
    summarise,
)

SUBSET = ["kodim03.png", "kodim07.png", "kodim16.png", "kodim19.png", "kodim21.png",
          "kodim23.png"]


@pytest.fixture(scope="module")
def cases(shared_photos: Path) -> list:
    paths = [shared_photos / "kodak" / name for name in SUBSET]
    return build_test_set(paths, long_side=192, per_photo=2, seed=3)


def test_test_set_is_deterministic(shared_photos: Path, cases: list) -> None:
    again = build_test_set([shared_photos / "kodak" / SUBSET[0]], long_side=192, per_photo=2,
                           seed=3)
    assert np.array_equal(again[0].degraded, cases[0].degraded)
    assert {c.kind for c in cases} >= {"global", "sky", "subject"}


def test_analytic_beats_auto_levels_and_no_edit_on_global_damage(cases: list) -> None:
    glob = [c for c in cases if c.kind == "global"]
    analytic = summarise(evaluate(glob, restore_with_predictor("analytic"))[0])["all"]
    levels = summarise(evaluate(glob, auto_levels_grey_world)[0])["all"]
    none = summarise(evaluate(glob, identity)[0])["all"]
    assert analytic["delta_e"] < levels["delta_e"] and analytic["psnr"] > levels["psnr"]
    assert analytic["delta_e"] < none["delta_e"]
    assert analytic["exposure_error_median"] < 0.45


def test_masks_improve_locally_damaged_photos(cases: list) -> None:
    local = [c for c in cases if c.kind in ("sky", "subject")]
    plain = summarise(evaluate(local, restore_with_predictor("analytic"))[0])["all"]
    masked = summarise(evaluate(local, restore_with_predictor("analytic", masks=True))[0])["all"]
    assert masked["delta_e"] < plain["delta_e"]
