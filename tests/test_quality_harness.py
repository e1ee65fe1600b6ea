"""Quality regression: on a small degraded set the analytic predictor must restore
photos better than simple tools and recover exposure within the target, and masked local
edits must help local damage without hurting global damage; the eyeballing sheets show
the right cases and tint only the sky."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from benchmarks.quality import (
    auto_levels_grey_world,
    build_test_set,
    contact_sheet,
    evaluate,
    identity,
    restore_with_predictor,
    sheet_cases,
    sky_overlay,
    sky_sheet,
    summarise,
)
from benchmarks.quality.sheets import LABEL_HEIGHT
from engine.masks import detect_sky

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
    assert analytic["exposure_error_median"] < 0.3  # the target (0.16 EV on this subset)


def test_masks_improve_locally_damaged_photos_and_leave_global_damage_alone(
    cases: list,
) -> None:
    plain = summarise(evaluate(cases, restore_with_predictor("analytic"))[0])
    masked = summarise(evaluate(cases, restore_with_predictor("analytic", masks=True))[0])
    for kind in ("sky", "subject"):
        assert masked[kind]["delta_e"] <= plain[kind]["delta_e"]
        assert masked[kind]["psnr"] >= plain[kind]["psnr"]
    # on this subset: sky +0.24 dB, ΔE2000 −0.09; subject and global cases unchanged
    assert masked["sky"]["psnr"] > plain["sky"]["psnr"] + 0.1
    assert masked["global"]["psnr"] > plain["global"]["psnr"] - 0.05
    assert masked["global"]["delta_e"] < plain["global"]["delta_e"] + 0.05


def test_sheets_show_the_cases_and_tint_only_the_sky(cases: list, tmp_path: Path) -> None:
    picked = sheet_cases(cases)
    # per photo: its first global case, then its sky case (else its subject case)
    assert [c.name.split("#")[1] for c in picked[:2]] in (["0", "sky"], ["0", "subject"])
    assert len(picked) == 2 * len(SUBSET)
    sheet = contact_sheet(picked, [c.degraded for c in picked], tmp_path / "s.jpg", tile=64,
                          columns=2)
    assert Image.open(sheet).size == (2 * 3 * 64 + 4, len(SUBSET) * (64 + LABEL_HEIGHT + 4) - 4)

    h, w = 96, 128
    photo = np.empty((h, w, 3), np.float32)
    photo[:] = (0.3, 0.5, 0.9)  # a clear blue sky over textured dark ground
    photo[48:] = np.random.default_rng(0).uniform(0.02, 0.2, (h - 48, w, 3))
    sky = detect_sky(photo)
    assert sky is not None
    plain, tinted = sky_overlay(photo, None), sky_overlay(photo, sky)
    changed = np.abs(tinted - plain).max(axis=-1) > 0.05
    assert changed[:40].mean() > 0.95 and changed[60:].mean() < 0.05
    assert Image.open(sky_sheet([("sky", photo, sky), ("none", photo, None)],
                                tmp_path / "sky.png", tile=64, columns=2)).size[0] == 2 * 64 + 4
