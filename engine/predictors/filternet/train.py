"""Self-supervised FilterNet training: degrade good photos, learn the settings that restore them.

Each step: original ``x`` → degraded ``d = render(x, s_deg)`` (moderate regime,
`engine.training.degrade`), clipped to [0, 1] like any stored photo → FilterNet predicts
``s`` from ``d``'s thumbnail → restored ``render(d, s)`` → `RestorationLoss` against
``x`` in sRGB.  Gradients flow through the differentiable develop model into the sliders.

Outputs in ``out_dir``: the final model (``config.json`` + ``model.safetensors``), a
resumable ``checkpoint/`` (model, optimizer, trainer state), ``metrics.json`` and a model
card ``README.md`` naming the data, split, settings and per-epoch validation metrics.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from torch import Tensor

from engine.predictors.filternet.config import FilterNetConfig
from engine.predictors.filternet.data import PhotoSet, find_photos, load_photos, split_names
from engine.predictors.filternet.model import FilterNet
from engine.predictors.filternet.preprocess import to_model_input
from engine.training import RestorationLoss, VGG16Features, find_vgg16_weights, sample_moderate

__all__ = [
    "TrainConfig",
    "Trainer",
    "outputs_to_tensors",
    "restoration_psnr",
    "train_filternet",
    "write_report",
]

Render = Callable[[Tensor, Mapping[str, Tensor]], Tensor]


@dataclass
class TrainConfig:
    """Training options (units in comments).

    Attributes:
        photos: folder of good photos (recursive).
        out_dir: where the model, checkpoint and model card go.
        model: ``"small"`` (compact ResNet) or ``"resnet50"``; ignored when resuming.
        epochs: passes over the training photos.
        samples_per_photo: degraded versions of each training photo per epoch.
        batch_size: photos per step.
        lr: AdamW learning rate (cosine-decayed to 5 % over the run).
        weight_decay: AdamW weight decay.
        val_fraction: share of photos held back for validation (fixed by name hash).
        val_samples: fixed degradations per validation photo.
        seed: seeds degradations, augmentation and initialisation.
        amp: bfloat16 autocast (CPU) / float16 (CUDA) for the forward pass.
        vgg_weights: a local VGG-16 weights file (else searched; none = pixel loss only).
        max_minutes: stop after this wall time (finishing the epoch's bookkeeping); 0 = no limit.
        image_size: model input side, px (the thumbnail the loss is computed on, too).
        threads: torch CPU threads (0 = torch default).
    """

    photos: str
    out_dir: str
    model: str = "small"
    epochs: int = 10
    samples_per_photo: int = 4
    batch_size: int = 8
    lr: float = 1e-3
    weight_decay: float = 1e-4
    val_fraction: float = 0.2
    val_samples: int = 4
    seed: int = 0
    amp: bool = False
    vgg_weights: str | None = None
    max_minutes: float = 0.0
    image_size: int = 299
    threads: int = 0


def outputs_to_tensors(model: FilterNet, y: Tensor) -> dict[str, Tensor]:
    """(B, N) outputs in (−1, 1) → ``{crs name: (B,) slider values}`` (differentiable)."""
    return {
        s.name: s.low + (y[:, i].float() + 1) * 0.5 * (s.high - s.low)
        for i, s in enumerate(model.sliders)
    }


def restoration_psnr(restored: Tensor, original: Tensor) -> Tensor:
    """PSNR (dB) per image between two (B, 3, H, W) linear images, in clipped sRGB."""
    from engine.training.losses import linear_to_srgb_torch

    mse = (linear_to_srgb_torch(restored) - linear_to_srgb_torch(original)).square()
    return -10 * torch.log10(mse.flatten(1).mean(1).clamp_min(1e-10))


def _default_render() -> Render:
    from engine.develop.render import render

    def per_image(image: Tensor, settings: Mapping[str, Tensor]) -> Tensor:
        # one mapping per image: (B,) columns stay differentiable through the renderer
        rows = [{k: v[i] for k, v in settings.items()} for i in range(image.shape[0])]
        return render(image, rows)

    return per_image


def _augment(batch: Tensor, g: torch.Generator) -> Tensor:
    """Random horizontal flips and random 80–100 % crops resized back (B, 3, S, S)."""
    size = batch.shape[-1]
    out = []
    for img in batch:
        if torch.rand((), generator=g) < 0.5:
            img = img.flip(-1)
        side = int(size * (0.8 + 0.2 * float(torch.rand((), generator=g))))
        top, left = (int(torch.randint(0, size - side + 1, (), generator=g)) for _ in range(2))
        crop = img[:, top : top + side, left : left + side][None]
        out.append(torch.nn.functional.interpolate(crop, size=(size, size), mode="bilinear",
                                                   antialias=True, align_corners=False)[0])
    return torch.stack(out)


class Trainer:
    """Degrade → restore training of one FilterNet (see module docstring).

    Args:
        model: the network (trained in place).
        loss: the restoration loss.
        render: ``render(image (B,3,H,W) linear, {name: (B,)}) -> image``; default
            `engine.develop.render.render`.
        lr, weight_decay: AdamW settings.
        amp: autocast the network's forward pass.
    """

    def __init__(
        self,
        model: FilterNet,
        loss: RestorationLoss,
        render: Render | None = None,
        *,
        lr: float = 1e-3,
        weight_decay: float = 1e-4,
        amp: bool = False,
    ) -> None:
        self.model, self.loss, self.amp = model, loss, amp
        self.render = render or _default_render()
        self.optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)

    def _predict(self, degraded: Tensor) -> Tensor:
        device = degraded.device.type
        dtype = torch.bfloat16 if device == "cpu" else torch.float16
        with torch.autocast(device, dtype=dtype, enabled=self.amp):
            return self.model(to_model_input(degraded)).float()

    def degrade(self, original: Tensor, settings: Mapping[str, Tensor]) -> Tensor:
        """Render degradations and clip to [0, 1], as a stored photo would be."""
        with torch.no_grad():
            return self.render(original, settings).clamp(0.0, 1.0)

    def restore(self, degraded: Tensor) -> tuple[Tensor, Tensor]:
        """(restored image, raw outputs (B, N)) for a batch of degraded photos."""
        y = self._predict(degraded)
        return self.render(degraded, outputs_to_tensors(self.model, y)), y

    def step(self, original: Tensor, settings: Mapping[str, Tensor]) -> dict[str, float]:
        """One optimisation step on a batch; returns the loss terms."""
        self.model.train()
        degraded = self.degrade(original, settings)
        restored, _ = self.restore(degraded)
        terms = self.loss(restored, original)
        self.optimizer.zero_grad(set_to_none=True)
        terms["total"].backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), 5.0)
        self.optimizer.step()
        return {k: float(v.detach()) for k, v in terms.items()}

    @torch.no_grad()
    def evaluate(
        self, original: Tensor, settings: Mapping[str, Tensor], batch_size: int = 16
    ) -> dict[str, float]:
        """Validation metrics on fixed degradations: loss, PSNR degraded vs restored (dB)."""
        self.model.eval()
        losses, psnr_in, psnr_out = [], [], []
        for i in range(0, original.shape[0], batch_size):
            x = original[i : i + batch_size]
            s = {k: v[i : i + batch_size] for k, v in settings.items()}
            degraded = self.degrade(x, s)
            restored, _ = self.restore(degraded)
            losses.append(float(self.loss(restored, x)["total"]) * x.shape[0])
            psnr_in.append(restoration_psnr(degraded, x))
            psnr_out.append(restoration_psnr(restored, x))
        n = original.shape[0]
        return {
            "val_loss": sum(losses) / n,
            "val_psnr_degraded": float(torch.cat(psnr_in).mean()),
            "val_psnr_restored": float(torch.cat(psnr_out).mean()),
        }


def _build_model(cfg: TrainConfig) -> FilterNet:
    if cfg.model == "small":
        return FilterNet(FilterNetConfig.small(image_size=cfg.image_size))
    if cfg.model == "resnet50":
        return FilterNet(FilterNetConfig(image_size=cfg.image_size))
    raise ValueError(f"model={cfg.model!r} must be 'small' or 'resnet50'")


def _load_vgg(cfg: TrainConfig) -> VGG16Features | None:
    path = find_vgg16_weights(cfg.vgg_weights)
    return VGG16Features().load_weights(path) if path else None


def _write_card(out: Path, cfg: TrainConfig, state: dict[str, Any], model: FilterNet) -> None:
    history = state["history"]
    rows = "\n".join(
        f"| {h['epoch']} | {h['train_loss']:.4f} | {h['val_loss']:.4f} | "
        f"{h['val_psnr_degraded']:.2f} | {h['val_psnr_restored']:.2f} | {h['minutes']:.1f} |"
        for h in history
    )
    params = sum(p.numel() for p in model.parameters())
    flags = (f" --threads {cfg.threads}" if cfg.threads else "") + (" --amp" if cfg.amp else "")
    c = model.config
    card = f"""# FilterNet ({cfg.model}) — Atelier develop-settings predictor

Predicts Lightroom PV2012 sliders ({", ".join(o[0] for o in c.outputs)}) from a
{c.image_size} px linear-RGB thumbnail. Architecture: transformers ResNet
(embedding {c.embedding_size}, stages {c.hidden_sizes}, depths {c.depths}, {c.layer_type}
blocks) + the FilterNet head (thesis Table 3.1); {params / 1e6:.2f} M parameters, trained from
scratch (random init, no pretrained weights).

## Data

Self-supervised degrade → restore on `{cfg.photos}` ({len(state["train_names"])} training photos,
{len(state["val_names"])} held back for validation by a fixed name-hash split), moderate regime
(slider values × N(0.7, 0.3²), white balance of a 4000–10000 K light), rendered by
`engine.develop`. Validation photos: {", ".join(state["val_names"])}.

## Training

epochs {state["epoch"]} of {cfg.epochs}, {cfg.samples_per_photo} degradations per photo per epoch,
batch {cfg.batch_size}, AdamW lr {cfg.lr} (cosine), weight decay {cfg.weight_decay},
seed {cfg.seed}, loss: {state["loss_terms"]}, amp {cfg.amp}, wall time {state["minutes"]:.1f} min.

## Validation per epoch

PSNR in sRGB (dB) of the degraded and the restored photo against the original,
{cfg.val_samples} fixed degradations per validation photo.

| epoch | train loss | val loss | PSNR degraded | PSNR restored | minutes |
|---|---|---|---|---|---|
{rows}

## Reproduce

```
atelier train filternet --photos {cfg.photos} --out {cfg.out_dir} \\
  --model {cfg.model} --epochs {cfg.epochs} --samples-per-photo {cfg.samples_per_photo} \\
  --batch-size {cfg.batch_size} --lr {cfg.lr} --val-fraction {cfg.val_fraction} \\
  --seed {cfg.seed} --image-size {cfg.image_size} --max-minutes {cfg.max_minutes:g}{flags}
```
"""
    (out / "README.md").write_text(card)


def write_report(out: Path, cfg: TrainConfig, state: dict[str, Any], model: FilterNet) -> None:
    """Write ``metrics.json`` (options, split, per-epoch metrics) and the model card."""
    keys = ("epoch", "history", "minutes", "train_names", "val_names")
    (out / "metrics.json").write_text(json.dumps(
        {"config": asdict(cfg), **{k: state[k] for k in keys}, "baseline": state.get("baseline")},
        indent=2))
    _write_card(out, cfg, state, model)


def _save_checkpoint(out: Path, trainer: Trainer, state: dict[str, Any]) -> None:
    ckpt = out / "checkpoint"
    trainer.model.save_pretrained(ckpt)
    torch.save(trainer.optimizer.state_dict(), ckpt / "optimizer.pt")
    (ckpt / "trainer_state.json").write_text(json.dumps(state, indent=2))


def train_filternet(
    cfg: TrainConfig,
    *,
    render: Render | None = None,
    log: Callable[[str], None] = print,
    resume: bool = True,
    model_config: FilterNetConfig | None = None,
) -> dict[str, Any]:
    """Train a FilterNet on ``cfg.photos`` and write it to ``cfg.out_dir``.

    Resumes from ``out_dir/checkpoint`` when it exists and ``resume`` is true.
    ``model_config`` overrides the ``cfg.model`` preset (e.g. tiny test configurations).

    Returns:
        The trainer state: epoch, history (per-epoch metrics), split, minutes.
    """
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    out = Path(cfg.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ckpt = out / "checkpoint"
    torch.manual_seed(cfg.seed)

    paths = find_photos(cfg.photos)
    photos = load_photos(paths, int(cfg.image_size * 1.15), root=cfg.photos)
    if len(photos.names) < 2:
        raise ValueError(f"{cfg.photos} holds {len(photos.names)} usable photos; need at least 2")
    train_names, val_names = split_names(photos.names, cfg.val_fraction)
    index = {n: i for i, n in enumerate(photos.names)}
    center = _center_crop(photos, cfg.image_size)
    train_x = torch.stack([photos.images[index[n]] for n in train_names])
    val_x = center[[index[n] for n in val_names]].repeat_interleave(cfg.val_samples, 0)
    val_s = sample_moderate(val_x.shape[0], torch.Generator().manual_seed(10_000 + cfg.seed))

    state: dict[str, Any] = {"epoch": 0, "history": [], "minutes": 0.0}
    if resume and (ckpt / "trainer_state.json").is_file():
        model = FilterNet.from_pretrained(ckpt)
        state = json.loads((ckpt / "trainer_state.json").read_text())
        log(f"resuming from {ckpt} at epoch {state['epoch']}")
    else:
        model = FilterNet(model_config) if model_config else _build_model(cfg)
    vgg = _load_vgg(cfg)
    trainer = Trainer(model, RestorationLoss(vgg), render, lr=cfg.lr,
                      weight_decay=cfg.weight_decay, amp=cfg.amp)
    if (ckpt / "optimizer.pt").is_file() and state["epoch"]:
        trainer.optimizer.load_state_dict(torch.load(ckpt / "optimizer.pt", weights_only=True))
    state.update(train_names=train_names, val_names=val_names,
                 loss_terms="L1 sRGB + VGG-16 features + Gram" if vgg else "L1 sRGB only")

    steps_per_epoch = math.ceil(len(train_names) * cfg.samples_per_photo / cfg.batch_size)
    total_steps = max(1, steps_per_epoch * cfg.epochs)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        trainer.optimizer,
        lambda step: 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(step / total_steps, 1.0))),
    )
    for _ in range(state["epoch"] * steps_per_epoch):
        schedule.step()
    started = time.monotonic() - 60 * state["minutes"]
    g = torch.Generator().manual_seed(cfg.seed + 1000 * state["epoch"])
    if not state["history"]:
        state["baseline"] = trainer.evaluate(val_x, val_s)
        log(f"before training: {_fmt(state['baseline'])}")
    while state["epoch"] < cfg.epochs:
        order = torch.randperm(len(train_names) * cfg.samples_per_photo, generator=g)
        order = order % len(train_names)
        losses = []
        for step in range(steps_per_epoch):
            idx = order[step * cfg.batch_size : (step + 1) * cfg.batch_size]
            if len(idx) < 2:  # BatchNorm needs two samples in training mode
                continue
            batch = _augment(train_x[idx], g)[..., : cfg.image_size, : cfg.image_size]
            terms = trainer.step(batch, sample_moderate(len(idx), g))
            schedule.step()
            losses.append(terms["total"])
            if step % 10 == 0:
                log(f"epoch {state['epoch'] + 1} step {step + 1}/{steps_per_epoch} "
                    f"loss {terms['total']:.4f}")
        state["epoch"] += 1
        state["minutes"] = (time.monotonic() - started) / 60
        metrics = {"epoch": state["epoch"], "train_loss": sum(losses) / len(losses),
                   **trainer.evaluate(val_x, val_s), "minutes": state["minutes"]}
        state["history"].append(metrics)
        log(f"epoch {state['epoch']}: {_fmt(metrics)}")
        _save_checkpoint(out, trainer, state)
        if cfg.max_minutes and state["minutes"] >= cfg.max_minutes:
            log(f"time limit of {cfg.max_minutes} min reached after epoch {state['epoch']}")
            break
    model.save_pretrained(out)
    write_report(out, cfg, state, model)
    return state


def _center_crop(photos: PhotoSet, size: int) -> Tensor:
    x = photos.stack()
    top = (x.shape[-1] - size) // 2
    return x[..., top : top + size, top : top + size]


def _fmt(metrics: Mapping[str, float]) -> str:
    return ", ".join(f"{k} {v:.4g}" for k, v in metrics.items() if k != "epoch")
