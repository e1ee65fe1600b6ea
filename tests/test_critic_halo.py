"""Halos: the step a masked exposure leaves along its mask's soft edge is measured in EV,
the picture's own edges and shading are not, and the critic names it on a real photo."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from scipy import ndimage

from atelier.v1 import engine_pb2 as pb
from benchmarks.quality import region_exposed
from engine.critic.halo import edge_step, measure_halo
from engine.critic.judge.halo import HALO_TOLERANCE_EV, halo_penalty, judge_halo
from engine.critic.review import measure
from engine.critic.technical import critique
from engine.decode import decode_photo
from engine.masks import detect_subject

SIZE = 512  # the critic's analysis size: the detectors find the regions the harness uses


Pixels = NDArray[np.float32]


def _scene(seed: int = 0) -> tuple[Pixels, NDArray[np.bool_], Pixels]:
    """A shaded, grainy grey scene (H, W, 3), a disc (H, W) bool and its feathered mask
    (σ = 4 px, the subject mask's at 512 px)."""
    rng = np.random.default_rng(seed)
    h, w = 240, 320
    yy, xx = np.mgrid[0:h, 0:w]
    shading = 0.12 * 2.0 ** (0.4 * xx / w)  # 0.4 EV of light falling across the frame
    grain = 2.0 ** rng.normal(0.0, 0.02, (h, w))
    disc = (yy - h / 2) ** 2 + (xx - w / 2) ** 2 < 60**2
    mask = ndimage.gaussian_filter(disc.astype(np.float32), 4.0)
    rgb = np.repeat((shading * grain)[..., None], 3, axis=-1).astype(np.float32)
    return rgb, disc, mask


def _exposed(rgb: Pixels, mask: Pixels, ev: float) -> Pixels:
    """``rgb`` exposed by ``ev`` EV through the soft ``mask``, as a masked exposure is."""
    return (rgb * (2.0 ** (ev * mask))[..., None]).astype(np.float32)


@pytest.mark.parametrize("ev", [-1.0, -0.5, 0.8])
def test_a_masked_exposure_is_measured_as_its_step_in_ev(ev: float) -> None:
    rgb, _, mask = _scene()
    assert edge_step(_exposed(rgb, mask, ev), mask) == pytest.approx(ev, abs=0.1)
    # Unedited, the scene's own shading and grain give no step along the same mask.
    step = edge_step(rgb, mask)
    assert step is not None and abs(step) < 0.05


def test_a_real_edge_at_the_region_is_not_a_halo() -> None:
    # The disc is 2 EV lighter with a sharp edge (a subject, not a mask): the pixels on
    # that edge are left out, and the rest of the feather sees no step.
    rgb, disc, mask = _scene()
    subject = np.where(disc[..., None], rgb * 4.0, rgb).astype(np.float32)
    step = edge_step(subject, mask)
    assert step is not None and abs(step) < 0.1
    # The same 2 EV through the feathered mask is a halo.
    assert edge_step(_exposed(rgb, mask, 2.0), mask) == pytest.approx(2.0, abs=0.1)


def test_no_edge_band_no_measurement_and_shapes_must_match() -> None:
    rgb, _, mask = _scene()
    assert edge_step(rgb, np.ones_like(mask)) is None
    with pytest.raises(ValueError, match="mask is"):
        edge_step(rgb, mask[:-1])
    m = measure_halo(rgb, None, mask)
    assert m.sky_step is None and m.sky_where == "" and m.subject_where == "centre"


def test_penalty_starts_past_the_tolerance_either_way() -> None:
    assert halo_penalty(HALO_TOLERANCE_EV) == 0
    assert halo_penalty(-HALO_TOLERANCE_EV - 0.2) == halo_penalty(HALO_TOLERANCE_EV + 0.2)
    assert halo_penalty(HALO_TOLERANCE_EV + 0.2) == pytest.approx(8.0)
    rgb, _, mask = _scene()
    text, findings = judge_halo(measure_halo(_exposed(rgb, mask, 1.0), None, mask))
    assert len(findings) == 1 and findings[0].name == "halo", findings
    assert "subject (centre) turns +1.0 EV lighter" in text, text
    answer = findings[0].suggestion
    assert answer is not None and "lower its exposure" in answer.text, answer


@pytest.mark.parametrize("name", [
    # the corpus' largest natural steps: subjects (kodim01, kodim15, the painted face) and
    # a sky (kodim11's, lighter than the land it meets)
    "kodak/kodim01.png", "kodak/kodim15.png", "kodak/kodim11.png",
    "photos/kodak_pcd0992_img0015_16base_portrait_painted_face.jpg",
])
def test_originals_show_no_halo(shared_photos: Path, name: str) -> None:
    photo = decode_photo(shared_photos / name, long_side=SIZE)
    judged = judge_halo(measure(photo.linear).halo)
    assert judged == ("", []), judged


def test_a_subject_brightened_through_its_mask_is_named_a_halo(shared_photos: Path) -> None:
    # kodim03's subject brightened 1.25 EV through the weight-free subject mask (the
    # quality harness's local damage): the critic sees the glow and marks the score down.
    photo = decode_photo(shared_photos / "kodak/kodim03.png", long_side=SIZE)
    subject = detect_subject(photo.linear)
    assert subject is not None
    damaged = replace(photo, linear=region_exposed(photo.linear, subject.mask, 1.25))
    before, after = critique(photo), critique(damaged)
    halo = [i for i in after.issues if i.attribute == "halo"]
    assert len(halo) == 1 and halo[0].severity >= pb.SEVERITY_MINOR, after.reasoning
    assert "subject" in halo[0].description and "lighter" in halo[0].description
    assert not [i for i in before.issues if i.attribute == "halo"]
    assert after.score < before.score
