"""The diffusion Artist end to end with a tiny random InstructPix2Pix built here, offline.

The pipeline (8-channel UNet, 2-block VAE, 2-layer CLIP text encoder, a byte-level CLIP
tokenizer from a vocabulary written here) is saved with ``save_pretrained`` into a temp
folder; the backend loads it from there with every socket connection refused.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import torch

from atelier.settings import adjustments_from_settings
from atelier.v1 import engine_pb2 as pb
from engine.artist import get_artist
from engine.artist.base import GenerationCancelled, Job, develop, srgb_encode
from engine.artist.diffusion import guided_upsample_change, load_pipeline, working_size
from engine.artist.plan import Operation, Plan
from engine.decode import decode_photo
from engine.errors import PhotoError
from engine.server.analysis import PhotoAccess
from engine.server.generate import generate_events


def _byte_vocab() -> list[str]:
    """GPT-2/CLIP byte → printable character table (every byte a one-character token)."""
    bs = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1),
          *range(ord("®"), ord("ÿ") + 1)]
    cs, n = bs[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return [chr(c) for c in cs]


def build_tiny_pipeline(folder: Path) -> Path:
    """A random-weight InstructPix2Pix with native size 64 px, saved to ``folder``."""
    from diffusers import (
        AutoencoderKL,
        EulerAncestralDiscreteScheduler,
        StableDiffusionInstructPix2PixPipeline,
        UNet2DConditionModel,
    )
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

    chars = _byte_vocab()
    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1}
    for token in chars + [c + "</w>" for c in chars]:
        vocab[token] = len(vocab)
    tok_dir = folder / "tokenizer-src"
    tok_dir.mkdir(parents=True)
    (tok_dir / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    (tok_dir / "merges.txt").write_text("#version: 0.2\n", encoding="utf-8")
    tokenizer = CLIPTokenizer(str(tok_dir / "vocab.json"), str(tok_dir / "merges.txt"),
                              model_max_length=16)
    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        block_out_channels=(8, 16), layers_per_block=1, sample_size=32, in_channels=8,
        out_channels=4, down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"), cross_attention_dim=16,
        norm_num_groups=4, attention_head_dim=4)
    vae = AutoencoderKL(
        block_out_channels=(8, 16), in_channels=3, out_channels=3, latent_channels=4,
        down_block_types=("DownEncoderBlock2D",) * 2, up_block_types=("UpDecoderBlock2D",) * 2,
        norm_num_groups=4, sample_size=64)
    text = CLIPTextModel(CLIPTextConfig(
        bos_token_id=0, eos_token_id=1, pad_token_id=1, hidden_size=16, intermediate_size=32,
        num_attention_heads=2, num_hidden_layers=2, vocab_size=len(vocab),
        max_position_embeddings=16))
    pipe: Any = StableDiffusionInstructPix2PixPipeline(
        vae=vae, text_encoder=text, tokenizer=tokenizer, unet=unet,
        scheduler=EulerAncestralDiscreteScheduler(), safety_checker=None,
        feature_extractor=None, requires_safety_checker=False)
    model = folder / "tiny-ip2p"
    pipe.save_pretrained(model)
    return model


@pytest.fixture(scope="module")
def offline() -> Iterator[None]:
    """Every outgoing connection fails for the module: "no downloads, ever" is tested."""
    real = socket.socket.connect

    def refuse(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            raise OSError(f"network access attempted: {address}")
        real(self, address)

    socket.socket.connect = refuse  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        socket.socket.connect = real  # type: ignore[method-assign]


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory, offline: None) -> Path:
    return build_tiny_pipeline(tmp_path_factory.mktemp("diffusion"))


@pytest.fixture(scope="module")
def photo(shared_photos: Path) -> Any:
    return decode_photo(shared_photos / "kodak" / "kodim23.png", long_side=160)  # 160×107


def _job(photo: Any, seed: int = 0, instruction: str = "remove the noise") -> Job:
    plan = Plan((Operation("edit", 0.5, "asked for"),), instruction, "instruction")
    return Job(photo=photo, settings={}, plan=plan, seed=seed)


def test_working_size_keeps_aspect_in_multiples_of_8() -> None:
    assert working_size(4000, 6000, 512) == (344, 512)
    assert working_size(6000, 4000, 512) == (512, 344)
    assert working_size(107, 160, 64) == (40, 64)
    assert working_size(30, 20, 512) == (32, 24)  # never above the photo (snapped up to 8)


def test_guided_upsampling_carries_the_change_and_keeps_the_detail() -> None:
    g = torch.Generator().manual_seed(0)
    original = torch.rand(3, 96, 128, generator=g) * 0.5 + 0.25
    low = torch.nn.functional.interpolate(original[None], size=(24, 32), mode="area")[0]
    # no change → the original, detail and all
    assert torch.allclose(guided_upsample_change(original, low, low), original, atol=1e-5)
    # a uniform brightening is carried exactly, the full-size detail kept
    out = guided_upsample_change(original, low, low + 0.1)
    assert torch.allclose(out, original + 0.1, atol=1e-4)
    # a left/right change lands on the matching halves at full size
    edited = low.clone()
    edited[:, :, 16:] += 0.2
    out = guided_upsample_change(original, low, edited)
    delta = (out - original).mean(dim=(0, 1))
    assert float(delta[:48].mean()) < 0.02 and float(delta[80:].mean()) > 0.18


def test_diffusion_artist_edits_at_full_size_seeded_and_offline(model: Path, photo: Any) -> None:
    artist = get_artist("diffusion", model=str(model), steps=2)
    stages: list[tuple[str, float]] = []
    first = artist.generate(_job(photo), lambda s, f, m: stages.append((s, f)))
    assert first.operations == ["edit"] and first.backend == "diffusion/1"
    assert tuple(first.linear.shape) == (3, 107, 160)  # the photo's size, not the model's
    assert "64×40 px" in first.description and "seed 0" in first.description
    assert [s for s, _ in stages].count("diffusion") == 3  # start + 2 steps
    fractions = [f for _, f in stages]
    assert fractions == sorted(fractions)
    again = artist.generate(_job(photo))
    other = artist.generate(_job(photo, seed=1))
    assert torch.equal(first.linear, again.linear)
    assert not torch.equal(first.linear, other.linear)
    # the random model changes the picture a lot, yet the result keeps full-size detail
    # from the original: far more than the same picture upsampled from the model's size
    developed = srgb_encode(develop(photo, {}))
    result = srgb_encode(first.linear)
    assert float((result - developed).abs().mean()) > 1 / 255
    low = torch.nn.functional.interpolate(result[None], size=(40, 64), mode="area")
    naive = torch.nn.functional.interpolate(low, size=(107, 160), mode="bilinear")[0]

    def detail(x: torch.Tensor) -> float:
        blur = torch.nn.functional.avg_pool2d(x[None], 5, 1, 2, count_include_pad=False)[0]
        return float((x - blur).std())

    assert detail(result) > 1.5 * detail(naive)


def test_cancel_after_a_step(model: Path, photo: Any) -> None:
    artist = get_artist("diffusion", model=str(model), steps=2)
    steps: list[float] = []

    def progress(stage: str, fraction: float, message: str) -> None:
        if stage == "diffusion":
            steps.append(fraction)

    with pytest.raises(GenerationCancelled):
        artist.generate(_job(photo), progress, lambda: len(steps) >= 2)
    assert len(steps) == 2  # the start and one finished step, never the second


def test_generate_rpc_function_with_the_diffusion_backend(
    model: Path, photo: Any, shared_photos: Path
) -> None:
    request = pb.GenerateRequest(
        photo=pb.PhotoRef(path=str(shared_photos / "kodak" / "kodim23.png")),
        backend="diffusion", model=str(model), instruction="make it look like winter",
        long_side=96, seed=7, adjustments=adjustments_from_settings({"Exposure2012": 0.3}),
        format=pb.IMAGE_FORMAT_PNG)
    events = list(generate_events(request, PhotoAccess(), lambda: False))
    r = events[-1].result
    assert list(r.operations) == ["edit"] and (r.width, r.height) == (96, 64)
    assert "make it look like winter" in r.description and "seed 7" in r.description
    bad = pb.GenerateRequest()
    bad.CopyFrom(request)
    bad.model = str(model.parent)  # a folder without model_index.json
    with pytest.raises(PhotoError, match=r"no model_index\.json"):
        list(generate_events(bad, PhotoAccess(), lambda: False))


def test_a_model_folder_of_another_kind_is_refused(tmp_path: Path) -> None:
    (tmp_path / "model_index.json").write_text(json.dumps(
        {"_class_name": "StableDiffusionXLPipeline"}), encoding="utf-8")
    with pytest.raises(ValueError, match="StableDiffusionXLPipeline"):
        get_artist("diffusion", model=str(tmp_path))
    with pytest.raises(ValueError, match="StableDiffusionXLPipeline"):
        load_pipeline(str(tmp_path))
