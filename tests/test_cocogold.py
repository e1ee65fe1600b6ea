"""CocoGold: widening, pre/post-processing, the pipeline on tiny random models, training."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
import torch

from atelier.v1 import engine_pb2 as pb
from engine.masks.cocogold import processing as proc
from engine.masks.cocogold.pipeline import CocoGoldError, CocoGoldPipeline
from engine.masks.cocogold.train import TrainingSample, denoising_loss, train_cocogold
from engine.masks.cocogold.widen import widen_conv_in
from engine.masks.cocogold.words import read_prompt
from tests.cocogold_tiny import dog_photo, tiny_pipeline, tiny_unet

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random CocoGold model, saved with save_pretrained."""
    root = tmp_path_factory.mktemp("cocogold")
    tiny_pipeline(root / "tok").save_pretrained(root / "model")
    return root / "model"


@pytest.fixture(scope="module")
def pipeline(model_dir: Path) -> CocoGoldPipeline:
    return CocoGoldPipeline.from_pretrained(model_dir)


# -- widening -------------------------------------------------------------------------------


def test_widened_unet_equals_the_base_on_duplicated_input() -> None:
    torch.manual_seed(0)
    base = tiny_unet().eval()
    wide = widen_conv_in(copy.deepcopy(base)).eval()
    assert wide.conv_in.in_channels == 8 and wide.config["in_channels"] == 8
    torch.testing.assert_close(wide.conv_in.weight[:, :4] * 2, base.conv_in.weight)
    z = torch.randn(2, 4, 16, 16)
    text = torch.randn(2, 8, 16)
    t = torch.tensor([10, 900])
    with torch.no_grad():
        out4 = base(z, t, encoder_hidden_states=text).sample
        out8 = wide(torch.cat([z, z], dim=1), t, encoder_hidden_states=text).sample
        other = wide(torch.cat([z, torch.zeros_like(z)], dim=1), t,
                     encoder_hidden_states=text).sample
    torch.testing.assert_close(out8, out4, atol=1e-5, rtol=1e-4)
    assert (other - out4).abs().max() > 1e-3  # the second half does matter
    with pytest.raises(ValueError):
        widen_conv_in(tiny_unet(), copies=1)


# -- pre/post-processing ----------------------------------------------------------------------


def test_postprocess_extracts_the_painted_region_exactly() -> None:
    rng = np.random.default_rng(0)
    image = (rng.random((48, 64, 3)) * 0.8).astype(np.float32)  # nothing near-white
    painted = image.copy()
    painted[10:30, 20:45] = 1.0                     # the region the model painted
    painted[40, 5] = 1.0                            # a speck: removed by the 3×3 opening
    painted[2:4, 50:60] = 0.95                      # a 2-px line: removed too
    expected = np.zeros((48, 64), bool)
    expected[10:30, 20:45] = True
    mask = proc.postprocess(painted)
    assert mask.dtype == np.float32
    np.testing.assert_array_equal(mask > 0.5, expected)
    assert set(np.unique(mask)) <= {0.0, 1.0}
    soft = proc.postprocess(painted, feather_px=4)
    assert 0 < soft[10, 20] < 1 and soft[20, 32] > 0.99 and soft[45, 2] < 0.01


def test_near_white_guard_keeps_a_bright_sky_out_of_the_mask() -> None:
    rng = np.random.default_rng(1)
    sky = np.empty((32, 48, 3), np.float32)
    sky[:] = (0.91, 0.94, 0.98)                      # overcast, nearly white sky
    sky += rng.normal(0, 0.015, sky.shape).astype(np.float32)
    sky[20:] = (0.3, 0.35, 0.2)                     # land
    sky = np.clip(sky, 0, 1)
    assert (proc.postprocess(sky) > 0.5).mean() > 0.4   # unguarded: the sky reads as paint
    guarded = proc.guard_near_white(sky)
    assert not proc.near_white(guarded).any()
    assert guarded[:20].max() <= proc.GUARD_LEVEL + 1e-6
    np.testing.assert_array_equal(guarded[20:], sky[20:])  # other pixels untouched
    # A model copying the guarded input through and painting a patch: only the patch.
    out = guarded.copy()
    out[4:12, 8:20] = 1.0
    expected = np.zeros((32, 48), bool)
    expected[4:12, 8:20] = True
    np.testing.assert_array_equal(proc.postprocess(out) > 0.5, expected)


def test_letterbox_round_trip_and_guided_upsampling_follows_edges() -> None:
    photo = np.zeros((48, 64, 3), np.float32)
    square, box = proc.letterbox(photo, 32)
    assert square.shape == (32, 32, 3) and (box.height, box.width, box.top) == (24, 32, 4)
    assert np.all(square[:4] == proc.LETTERBOX_FILL)
    assert proc.unletterbox(square, box).shape == (24, 32, 3)
    # A sharp vertical edge at x = 0.55; the low-res mask knows it only coarsely.
    guide = np.full((120, 160, 3), 0.15, np.float32)
    guide[:, 88:] = 0.8
    truth = np.zeros((120, 160), np.float32)
    truth[:, 88:] = 1
    coarse = proc.resize_mask(truth, 20, 15)
    bilinear = proc.resize_mask(coarse, 160, 120)
    guided = proc.guided_upsample(coarse, guide)
    assert guided.shape == (120, 160) and guided.min() >= 0 and guided.max() <= 1
    assert np.abs(guided - truth).mean() < 0.5 * np.abs(bilinear - truth).mean()
    hard = proc.harden(guided)
    assert ((hard > 0) & (hard < 1)).mean() < ((guided > 0.01) & (guided < 0.99)).mean()
    np.testing.assert_array_equal(hard > 0.5, guided > 0.5)


# -- the pipeline ---------------------------------------------------------------------------


def test_pipeline_round_trips_through_save_and_load(model_dir: Path, tmp_path: Path) -> None:
    names = sorted(p.name for p in model_dir.iterdir())
    assert names == ["cocogold.json", "model_index.json", "scheduler", "text_encoder",
                     "tokenizer", "unet", "vae"]
    assert list(model_dir.glob("unet/*.safetensors"))
    loaded = CocoGoldPipeline.from_pretrained(model_dir)
    assert loaded.config.resolution == 32 and loaded.unet.config["in_channels"] == 8
    assert loaded.scheduler.config["timestep_spacing"] == "trailing"
    assert loaded.scheduler.config["rescale_betas_zero_snr"] is True
    # A UNet-only directory takes the shared parts from a base directory.
    loaded.save_pretrained(tmp_path / "unet-only", unet_only=True)
    with pytest.raises(CocoGoldError, match="vae/ is missing"):
        CocoGoldPipeline.from_pretrained(tmp_path / "unet-only")
    split = CocoGoldPipeline.from_pretrained(tmp_path / "unet-only", base=model_dir)
    torch.testing.assert_close(split.unet.conv_in.weight, loaded.unet.conv_in.weight)
    with pytest.raises(CocoGoldError, match="no CocoGold model directory"):
        CocoGoldPipeline.from_pretrained(tmp_path / "nothing")


def test_a_four_channel_unet_is_refused(pipeline: CocoGoldPipeline) -> None:
    with pytest.raises(CocoGoldError, match="widen"):
        CocoGoldPipeline(pipeline.vae, pipeline.text_encoder, pipeline.tokenizer, tiny_unet(),
                         pipeline.scheduler, pipeline.config)


def test_pipeline_segments_a_non_square_photo_deterministically(
    pipeline: CocoGoldPipeline,
) -> None:
    photo, _ = dog_photo(64, 48)
    a = pipeline(photo, "the dog", steps=2, seed=7)
    b = pipeline(photo, "the dog", steps=2, seed=7)
    c = pipeline(photo, "the dog", steps=2, seed=8)
    assert a.mask.shape == (48, 64) and a.mask.dtype == np.float32
    assert a.mask.min() >= 0 and a.mask.max() <= 1 and 0 <= a.confidence <= 1
    assert a.prediction.shape == (32, 32, 3)
    np.testing.assert_array_equal(a.prediction, b.prediction)
    np.testing.assert_array_equal(a.mask, b.mask)
    assert not np.array_equal(a.prediction, c.prediction)
    one = pipeline(photo, "the dog", steps=1, seed=7)
    four = pipeline(photo, "the dog", steps=4, seed=7, schedule="ddim")
    assert not np.array_equal(one.prediction, four.prediction)
    # Ensembles: the median of three; a larger guide gives a full-resolution mask.
    ens = pipeline(photo, "the dog", steps=1, ensemble=3, seed=7, batch_size=2,
                   guide=np.repeat(np.repeat(photo, 2, 0), 2, 1))
    assert ens.mask.shape == (96, 128)
    for bad in ({"steps": 0}, {"steps": 51}, {"ensemble": 17}):
        with pytest.raises(ValueError):
            pipeline(photo, "the dog", **bad)  # type: ignore[arg-type]


def test_the_prompt_changes_the_prediction(pipeline: CocoGoldPipeline) -> None:
    photo, _ = dog_photo(64, 48)
    dog = pipeline(photo, "the dog", steps=1, seed=3).prediction
    sky = pipeline(photo, "the sky", steps=1, seed=3).prediction
    assert np.abs(dog - sky).max() > 1e-4


# -- training -------------------------------------------------------------------------------


def test_two_training_steps_lower_the_loss_on_a_fixed_batch(tmp_path: Path) -> None:
    model = tiny_pipeline(tmp_path / "tok", seed=1)
    photo, dog = dog_photo(64, 48)
    samples = [TrainingSample(photo, "dog", dog),
               TrainingSample(photo[::-1].copy(), "sky", dog[::-1].copy())]

    def fixed_loss() -> float:
        with torch.no_grad():
            return denoising_loss(model, samples, torch.Generator().manual_seed(5)).item()

    before = fixed_loss()
    frozen = model.vae.encoder.conv_in.weight.clone()
    losses = train_cocogold(model, samples, steps=2, lr=1e-3, batch_size=2, accumulation=1)
    after = fixed_loss()
    assert len(losses) == 2 and all(np.isfinite(losses))
    assert after < 0.95 * before
    torch.testing.assert_close(model.vae.encoder.conv_in.weight, frozen)  # only the UNet learns
    assert not any(p.requires_grad for p in model.unet.parameters())


# -- words ----------------------------------------------------------------------------------


def test_prompt_keywords() -> None:
    sky = read_prompt("  the  Skies over the hill ")
    assert (sky.semantic_class, sky.weight_free, sky.prompt) == (
        pb.SEMANTIC_CLASS_SKY, "sky", "the Skies over the hill")
    assert read_prompt("her hair").semantic_class == pb.SEMANTIC_CLASS_HAIR
    assert read_prompt("her hair").weight_free is None
    assert read_prompt("body skin").semantic_class == pb.SEMANTIC_CLASS_BODY_SKIN
    assert read_prompt("the main subject").weight_free == "subject"
    assert read_prompt("deep shadows").weight_free == "shadows"
    car = read_prompt("the red car")
    assert (car.semantic_class, car.weight_free, car.keywords) == (None, None, ())
    both = read_prompt("the sky above the water")
    assert both.semantic_class is None and both.weight_free == "sky"  # ambiguous class
    assert read_prompt("skyline").keywords == ()  # whole words only
