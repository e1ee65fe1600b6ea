"""CocoGold: text-grounded segmentation with an image-conditioned latent diffusion model.

The thesis's model (ch. 4) is a Stable Diffusion 2 UNet fine-tuned Marigold-style: its
input is the photo's VAE latent concatenated with a noisy latent of the *target* — the
same photo with the region the prompt names painted white — and it is conditioned on the
prompt through CLIP.  At inference the target latent is denoised from pure noise, decoded,
and the near-white part of the result is the mask (see `processing`).

Components (diffusers / transformers, loaded from local directories only, safetensors
only — a model directory can never run code):

* ``vae/`` ``AutoencoderKL``, ``text_encoder/`` ``CLIPTextModel``, ``tokenizer/``
  ``CLIPTokenizer`` — usually the Stable Diffusion 2 ones, read from a *base* directory
  when the CocoGold directory does not carry them;
* ``unet/`` ``UNet2DConditionModel`` with ``in_channels = 2 × latent channels``;
* ``scheduler/`` a DDIM configuration; ``cocogold.json`` the pre/post-processing options.

Sampling: DDIM with trailing timesteps and zero-terminal-SNR betas (Garcia et al. 2024:
"fine-tuning image-conditional diffusion models is easier than you think" — one to four
steps suffice) or the original leading-timestep DDIM; 1..50 steps; ensembles combined by
the per-pixel median of the decoded predictions.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch
from numpy.typing import NDArray

from engine.masks.cocogold import processing as proc
from engine.masks.cocogold._compat import diffusers_importable

with diffusers_importable():
    from diffusers.models.autoencoders.autoencoder_kl import AutoencoderKL
    from diffusers.models.unets.unet_2d_condition import UNet2DConditionModel
    from diffusers.schedulers.scheduling_ddim import DDIMScheduler
    from transformers import CLIPTextModel, CLIPTokenizer

__all__ = [
    "CONFIG_NAME",
    "MAX_ENSEMBLE",
    "MAX_STEPS",
    "CocoGoldConfig",
    "CocoGoldError",
    "CocoGoldPipeline",
    "CocoGoldResult",
    "Schedule",
    "default_scheduler",
    "device_problem",
]

CONFIG_NAME = "cocogold.json"
MAX_STEPS = 50
MAX_ENSEMBLE = 16
Schedule = Literal["trailing", "ddim"]
_COMPONENTS = ("vae", "text_encoder", "tokenizer", "unet", "scheduler")


class CocoGoldError(RuntimeError):
    """A CocoGold directory is missing, incomplete or inconsistent."""


@dataclass
class CocoGoldConfig:
    """Options stored beside the weights in ``cocogold.json``.

    Attributes:
        resolution: side of the model's square input, px (multiple of the VAE×UNet
            downsampling; 512 for the thesis's SD2 base).
        input_white: input near-white guard threshold, 0..1 (`processing.INPUT_WHITE`).
        guard_level: level near-white inputs are pulled down to, 0..1.
        output_white: output near-white threshold, 0..1 (`processing.OUTPUT_WHITE`).
        opening: apply the 3×3 opening to the thresholded output.
        classes: the classes the model was trained on (informative; any prompt works).
        version: the model's version string, reported as ``cocogold/<version>``.
    """

    resolution: int = 512
    input_white: float = proc.INPUT_WHITE
    guard_level: float = proc.GUARD_LEVEL
    output_white: float = proc.OUTPUT_WHITE
    opening: bool = True
    classes: list[str] = field(default_factory=list)
    version: str = "1"

    @classmethod
    def load(cls, path: Path) -> CocoGoldConfig:
        data = json.loads(path.read_text()) if path.is_file() else {}
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class CocoGoldResult:
    """One segmentation.

    Attributes:
        mask: (H, W) float32 0..1 at the output size (the guide's, else the input's).
        confidence: 0..1 — how white the painted region came out, times the ensemble
            members' agreement (mean IoU with the median's mask); 0 for an empty mask.
        prediction: (R, R, 3) the decoded (median) prediction, letterboxed, sRGB 0..1.
        coverage: share of the frame inside the mask (mask > 0.5), 0..1.
        seconds: wall time of the diffusion part, s.
    """

    mask: NDArray[np.float32]
    confidence: float
    prediction: NDArray[np.float32]
    coverage: float
    seconds: float


def default_scheduler(prediction_type: str = "v_prediction") -> DDIMScheduler:
    """The Stable Diffusion 2 noise schedule as a trailing, zero-terminal-SNR DDIM."""
    return DDIMScheduler(
        num_train_timesteps=1000, beta_start=0.00085, beta_end=0.012,
        beta_schedule="scaled_linear", clip_sample=False, set_alpha_to_one=False,
        steps_offset=1, prediction_type=prediction_type, timestep_spacing="trailing",
        rescale_betas_zero_snr=prediction_type == "v_prediction",
    )


def device_problem(device: str) -> str | None:
    """Why torch cannot compute on ``device`` here (unknown name, not built in, no such
    card), or None."""
    try:
        torch.empty(0, device=device)
    except (RuntimeError, AssertionError) as exc:
        return f"device {device!r}: {exc}"
    return None


class CocoGoldPipeline:
    """The CocoGold model: VAE + CLIP text encoder + 8-channel UNet + DDIM.

    Build with `from_pretrained` (a CocoGold directory), or `from_base` (a Stable
    Diffusion 2–style directory whose UNet is widened for fine-tuning), or from
    components directly (tests build tiny random ones).
    """

    def __init__(
        self, vae: AutoencoderKL, text_encoder: CLIPTextModel, tokenizer: CLIPTokenizer,
        unet: UNet2DConditionModel, scheduler: DDIMScheduler,
        config: CocoGoldConfig | None = None,
    ) -> None:
        self.vae, self.text_encoder, self.tokenizer = vae, text_encoder, tokenizer
        self.unet, self.scheduler = unet, scheduler
        self.config = config or CocoGoldConfig()
        latent = int(vae.config["latent_channels"])
        if (width := int(unet.config["in_channels"])) != 2 * latent:
            raise CocoGoldError(
                f"the UNet takes {width} input channels; CocoGold needs "
                f"{2 * latent} (image latent ‖ target latent) — widen a base UNet with "
                "widen_conv_in and fine-tune it (train_cocogold)")
        factor = self.latent_factor * 2 ** (len(unet.config["block_out_channels"]) - 1)
        if self.config.resolution % factor:
            raise CocoGoldError(f"resolution {self.config.resolution} is not a multiple of "
                                f"{factor} (VAE × UNet downsampling)")
        for module in (vae, text_encoder, unet):
            module.eval()
            module.requires_grad_(False)

    # -- loading and saving ------------------------------------------------------------

    @property
    def latent_factor(self) -> int:
        """Pixels per latent cell along each axis."""
        return int(2 ** (len(self.vae.config["block_out_channels"]) - 1))

    @property
    def version(self) -> str:
        """``cocogold/<version>``."""
        return f"cocogold/{self.config.version}"

    @classmethod
    def from_pretrained(
        cls, path: str | Path, *, base: str | Path | None = None,
        dtype: torch.dtype = torch.float32,
    ) -> CocoGoldPipeline:
        """Load a CocoGold directory (components missing there come from ``base``).

        Args:
            path: the CocoGold directory (``unet/``, ``scheduler/``, ``cocogold.json``,
                optionally ``vae/``, ``text_encoder/``, ``tokenizer/``).
            base: a Stable Diffusion 2–style directory for the shared components.
            dtype: torch dtype of the weights.

        Raises:
            CocoGoldError: a directory or component is missing or does not fit.
        """
        root = Path(path).expanduser()
        if not root.is_dir():
            raise CocoGoldError(f"no CocoGold model directory at {root} (make one with: "
                                "atelier train cocogold --coco COCO_DIR --base SD2_DIR "
                                "--out DIR; docs/cocogold.md)")
        roots = [root] + ([Path(base).expanduser()] if base else [])

        def where(name: str) -> Path:
            for r in roots:
                if (r / name).is_dir():
                    return r / name
            looked = " or ".join(str(r) for r in roots)
            raise CocoGoldError(f"{name}/ is missing in {looked}: a CocoGold directory holds "
                                f"{', '.join(c + '/' for c in _COMPONENTS)} (save_pretrained "
                                "writes them; --base supplies vae/text_encoder/tokenizer)")

        options: dict[str, Any] = {"local_files_only": True, "torch_dtype": dtype}
        try:
            vae = AutoencoderKL.from_pretrained(where("vae"), use_safetensors=True, **options)
            text = CLIPTextModel.from_pretrained(where("text_encoder"), use_safetensors=True,
                                                 local_files_only=True, dtype=dtype)
            tokenizer = CLIPTokenizer.from_pretrained(where("tokenizer"), local_files_only=True)
            unet = UNet2DConditionModel.from_pretrained(where("unet"), use_safetensors=True,
                                                        **options)
        except (OSError, ValueError) as exc:
            raise CocoGoldError(f"cannot load CocoGold from {root}: {exc}") from None
        sched_dir = root / "scheduler"
        scheduler = (DDIMScheduler.from_pretrained(sched_dir, local_files_only=True)
                     if sched_dir.is_dir() else default_scheduler())
        return cls(vae, text, tokenizer, unet, scheduler,
                   CocoGoldConfig.load(root / CONFIG_NAME))

    @classmethod
    def from_base(
        cls, base: str | Path, *, resolution: int = 512, dtype: torch.dtype = torch.float32,
    ) -> CocoGoldPipeline:
        """A CocoGold pipeline to fine-tune: a Stable Diffusion 2–style directory whose
        UNet is widened to 8 channels (weights duplicated and halved)."""
        from engine.masks.cocogold.widen import widen_conv_in

        root = Path(base).expanduser()
        options: dict[str, Any] = {"local_files_only": True, "torch_dtype": dtype,
                                   "use_safetensors": True}
        try:
            vae = AutoencoderKL.from_pretrained(root / "vae", **options)
            text = CLIPTextModel.from_pretrained(root / "text_encoder", use_safetensors=True,
                                                 local_files_only=True, dtype=dtype)
            tokenizer = CLIPTokenizer.from_pretrained(root / "tokenizer", local_files_only=True)
            unet = UNet2DConditionModel.from_pretrained(root / "unet", **options)
        except (OSError, ValueError) as exc:
            raise CocoGoldError(f"cannot load the base model from {root}: {exc}") from None
        prediction = "v_prediction"
        sched_config = root / "scheduler" / "scheduler_config.json"
        if sched_config.is_file():
            prediction = json.loads(sched_config.read_text()).get("prediction_type", prediction)
        return cls(vae, text, tokenizer, widen_conv_in(unet), default_scheduler(prediction),
                   CocoGoldConfig(resolution=resolution))

    def save_pretrained(self, path: str | Path, *, unet_only: bool = False) -> Path:
        """Write the pipeline (safetensors weights, configs, ``cocogold.json``).

        Args:
            path: target directory (created).
            unet_only: skip vae/text_encoder/tokenizer (load with ``base=`` later).
        """
        root = Path(path).expanduser()
        root.mkdir(parents=True, exist_ok=True)
        self.unet.save_pretrained(root / "unet", safe_serialization=True)
        self.scheduler.save_config(root / "scheduler")
        if not unet_only:
            self.vae.save_pretrained(root / "vae", safe_serialization=True)
            self.text_encoder.save_pretrained(root / "text_encoder", safe_serialization=True)
            self.tokenizer.save_pretrained(root / "tokenizer")
        (root / CONFIG_NAME).write_text(json.dumps(asdict(self.config), indent=1) + "\n")
        index = {"_class_name": "CocoGoldPipeline", "_atelier": self.version,
                 **{name: [type(getattr(self, name)).__module__.split(".")[0],
                           type(getattr(self, name)).__name__] for name in _COMPONENTS}}
        (root / "model_index.json").write_text(json.dumps(index, indent=1) + "\n")
        return root

    # -- model parts -------------------------------------------------------------------

    @property
    def dtype(self) -> torch.dtype:
        return self.unet.dtype

    def to(self, device: str | torch.device) -> CocoGoldPipeline:
        """Move the VAE, text encoder and UNet to ``device`` (``"cpu"``, ``"cuda"``, …);
        inputs follow the modules and results come back as numpy arrays."""
        for module in (self.vae, self.text_encoder, self.unet):
            torch.nn.Module.to(module, device)  # diffusers types its own .to oddly
        return self

    def encode_prompt(self, prompts: list[str]) -> torch.Tensor:
        """CLIP hidden states (N, tokens, width) for ``prompts``."""
        ids = self.tokenizer(prompts, padding="max_length", truncation=True,
                             max_length=self.tokenizer.model_max_length,
                             return_tensors="pt").input_ids
        return self.text_encoder(ids.to(self.text_encoder.device))[0].to(self.dtype)

    def encode_image(self, rgb: torch.Tensor) -> torch.Tensor:
        """(N, 3, R, R) sRGB 0..1 → scaled latent (N, C, R/f, R/f) (distribution mean)."""
        x = (rgb * 2 - 1).to(self.vae.device, self.vae.dtype)
        latent = self.vae.encode(x).latent_dist.mode()
        return latent * float(self.vae.config["scaling_factor"])

    def decode_latent(self, latent: torch.Tensor) -> torch.Tensor:
        """Scaled latent → (N, 3, R, R) sRGB 0..1."""
        x = self.vae.decode(latent / float(self.vae.config["scaling_factor"])).sample
        return ((x.float() + 1) / 2).clamp(0, 1)

    def make_scheduler(self, schedule: Schedule = "trailing") -> DDIMScheduler:
        """A fresh DDIM scheduler: ``"trailing"`` (zero terminal SNR when the model
        predicts v; an ε-model cannot start from pure noise) or ``"ddim"`` (leading)."""
        config = dict(self.scheduler.config)
        v_model = config.get("prediction_type") == "v_prediction"
        if schedule == "trailing":
            config.update(timestep_spacing="trailing", rescale_betas_zero_snr=v_model)
        elif schedule == "ddim":
            config.update(timestep_spacing="leading", rescale_betas_zero_snr=False)
        else:
            raise ValueError(f"schedule={schedule!r}: use 'trailing' or 'ddim'")
        return DDIMScheduler.from_config(config)

    def model_input(self, rgb: NDArray[np.float32]) -> tuple[NDArray[np.float32], proc.Letterbox]:
        """The photo as the model sees it: near-white guarded, letterboxed to R×R."""
        c = self.config
        guarded = proc.guard_near_white(rgb, white=c.input_white, level=c.guard_level)
        return proc.letterbox(guarded, c.resolution)

    # -- inference ---------------------------------------------------------------------

    @torch.no_grad()
    def __call__(
        self, image: NDArray[np.float32], prompt: str, *, steps: int = 4, ensemble: int = 1,
        seed: int = 0, schedule: Schedule = "trailing", feather_px: float = 0.0,
        guide: NDArray[np.float32] | None = None, batch_size: int = 4,
    ) -> CocoGoldResult:
        """Segment what ``prompt`` names in ``image``.

        Args:
            image: (H, W, 3) sRGB-encoded photo 0..1, any aspect ratio.
            prompt: what to find, e.g. "the dog".
            steps: denoising steps, 1..50.
            ensemble: predictions combined by median, 1..16.
            seed: noise seed (the same seed gives the same mask).
            schedule: ``"trailing"`` or ``"ddim"`` (see `make_scheduler`).
            feather_px: feathering radius, px of the model input (scaled to the output).
            guide: a larger version of ``image`` (same aspect): the mask is upsampled to
                its size along its edges; None = the size of ``image``.
            batch_size: ensemble members denoised together (memory vs speed).

        Returns:
            The mask at the output size with its confidence.
        """
        if not 1 <= steps <= MAX_STEPS:
            raise ValueError(f"steps={steps} is outside 1..{MAX_STEPS}")
        if not 1 <= ensemble <= MAX_ENSEMBLE:
            raise ValueError(f"ensemble={ensemble} is outside 1..{MAX_ENSEMBLE}")
        start = time.perf_counter()
        square, box = self.model_input(np.asarray(image, dtype=np.float32))
        rgb = torch.from_numpy(square).permute(2, 0, 1)[None].to(self.dtype)
        image_latent = self.encode_image(rgb)
        text = self.encode_prompt([prompt])
        generator = torch.Generator("cpu").manual_seed(int(seed))
        members: list[torch.Tensor] = []
        for first in range(0, ensemble, batch_size):
            n = min(batch_size, ensemble - first)
            members.append(self._denoise(image_latent, text, n, steps, schedule, generator))
        predictions = torch.cat(members).permute(0, 2, 3, 1).cpu().numpy()  # (N, R, R, 3)
        median = np.median(predictions, axis=0).astype(np.float32)
        seconds = time.perf_counter() - start
        return self._result(median, predictions, box, feather_px, image, guide, seconds)

    def _denoise(
        self, image_latent: torch.Tensor, text: torch.Tensor, n: int, steps: int,
        schedule: Schedule, generator: torch.Generator,
    ) -> torch.Tensor:
        scheduler = self.make_scheduler(schedule)
        scheduler.set_timesteps(steps)
        shape = (n, *image_latent.shape[1:])
        latents = torch.randn(shape, generator=generator, dtype=torch.float32).to(
            image_latent.device, self.dtype)
        cond, emb = image_latent.expand(shape), text.expand(n, -1, -1)
        for t in scheduler.timesteps:
            out = self.unet(torch.cat([cond, latents], dim=1), t, encoder_hidden_states=emb)
            latents = scheduler.step(out.sample, t, latents, return_dict=False)[0]
        return self.decode_latent(latents)

    def _result(
        self, median: NDArray[np.float32], predictions: NDArray[np.float32],
        box: proc.Letterbox, feather_px: float, image: NDArray[np.float32],
        guide: NDArray[np.float32] | None, seconds: float,
    ) -> CocoGoldResult:
        c = self.config
        hard = proc.postprocess(median, white=c.output_white, opening=c.opening)
        work = np.asarray(proc.unletterbox(hard, box), dtype=np.float32)
        target = guide if guide is not None else np.asarray(image, dtype=np.float32)
        mask = work
        if target.shape[:2] != work.shape:
            # Edges placed along the photo's, then made crisp again: the thesis's masks
            # are hard; softness comes only from the optional feathering.
            mask = proc.harden(proc.guided_upsample(work, target))
        scale = max(mask.shape) / max(work.shape)
        mask = proc.feather(mask, feather_px * scale)
        inside = hard > 0.5
        confidence = 0.0
        if inside.any():
            strength = float(proc.whiteness(median, white=c.output_white)[inside].mean())
            ious = [_iou(proc.postprocess(p, white=c.output_white, opening=c.opening) > 0.5,
                         inside) for p in predictions]
            confidence = float(np.clip(0.5 + 0.5 * strength, 0, 1) * np.mean(ious))
        return CocoGoldResult(mask=mask, confidence=confidence, prediction=median,
                              coverage=float((mask > 0.5).mean()), seconds=seconds)


def _iou(a: NDArray[np.bool_], b: NDArray[np.bool_]) -> float:
    union = np.logical_or(a, b).sum()
    return float(np.logical_and(a, b).sum() / union) if union else 1.0
