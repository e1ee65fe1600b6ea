"""The many-example style model: a FilterNet head fine-tuned on the user's pairs.

From `HEAD_MIN_EXAMPLES` edited photos on, ``learn-style`` also fine-tunes a FilterNet
head (`engine.predictors.filternet.head.FilterNetHead`, thesis Table 3.1) on the *frozen*
backbone of the shipped model (``models/filternet-small``): unedited photo thumbnail →
the photographer's absolute values of every style target (`engine.style.targets`, white
balance kept apart by flavour), each scaled to (−1, 1) over `TARGET_RANGES` like
FilterNet's own outputs.  The backbone's feature maps are computed once per photo
(`Backbone.features`), so training only runs the head: seconds on a CPU.

The head starts from the shipped model's head: its hidden layers as trained, and, for the
targets FilterNet also predicts, its output rows (so before fine-tuning it answers with
FilterNet's auto-adjust, as the few-shot model starts from the analytic predictor); the
other rows start at N(0, 0.01²), i.e. "leave the slider at 0".  Maskout is off: it
teaches a restoring network that a filter may be missing, which means nothing when the
loss compares sliders with the photographer's sliders.

Selection (`fit_head`): a fixed 20 % of the examples is held out (whole groups, when
the caller knows which photos are near-copies of each other); the head trains on the
rest with masked L1 in (−1, 1) units and early-stops on the held-out split; the few-shot
model (`engine.style.model`) is fitted on the same 80 %.  The head is kept **per target**:
it answers only for the targets where it is clearly better than the few-shot model on
the held-out photos — the mean of the paired differences of absolute errors more than
`WIN_Z` standard errors above zero — and is dropped entirely when it wins none.  The
held-out split chose the stopping epoch too, which flatters the head a little (one number
chosen on 40 examples).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from numpy.typing import NDArray
from torch import Tensor, nn

from engine.model_dirs import save_weights
from engine.predictors.filternet.head import FilterNetHead
from engine.predictors.filternet.model import WEIGHTS_NAME, FilterNet
from engine.predictors.filternet.predictor import DEFAULT_MODEL_NAME, default_model_dir
from engine.predictors.filternet.preprocess import thumbnail, to_model_input
from engine.predictors.filternet.sliders import TRAINING_RANGES
from engine.style.targets import RAW_WB_TARGETS, RENDERED_WB_TARGETS, TONE_TARGETS
from xmp.vocabulary import global_slider

__all__ = [
    "HEAD_MIN_EXAMPLES",
    "TARGET_RANGES",
    "WIN_Z",
    "Backbone",
    "HeadConfig",
    "HeadReport",
    "StyleHead",
    "fit_head",
    "fit_profile_head",
    "merge",
    "split_held_out",
    "train_head",
]

#: Fewest usable examples from which ``learn-style`` fine-tunes a head.
HEAD_MIN_EXAMPLES = 200
HELD_OUT_FRACTION = 0.2
#: The head answers for a target only when its held-out gain over the few-shot model is
#: this many standard errors above 0 (paired over the held-out photos): a plain "lower
#: MAE" on ~50 photos picks the head by luck about half the time when the two are equal.
WIN_Z = 2.0

#: The FilterNet output each white-balance target shares units (and an initial row) with.
_FILTERNET_OUTPUT = {
    **{t: t for t in TONE_TARGETS if t in TRAINING_RANGES},
    RENDERED_WB_TARGETS[0]: "IncrementalTemperature", RAW_WB_TARGETS[0]: "IncrementalTemperature",
    RENDERED_WB_TARGETS[1]: "IncrementalTint", RAW_WB_TARGETS[1]: "IncrementalTint",
}
#: ``{target: (value at −1, value at +1)}``: FilterNet's training range where FilterNet has
#: the slider (exposure ±3 EV, white-balance shifts ±100 incremental units), else the
#: slider's full range.
TARGET_RANGES: dict[str, tuple[float, float]] = {
    t: TRAINING_RANGES[_FILTERNET_OUTPUT[t]] if t in _FILTERNET_OUTPUT
    else (global_slider(t).minimum, global_slider(t).maximum)
    for t in (*TONE_TARGETS, *RENDERED_WB_TARGETS, *RAW_WB_TARGETS)
}

if TYPE_CHECKING:
    from engine.style.model import StyleModel
    from engine.style.profile import StyleProfile

F64 = NDArray[np.float64]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


class Backbone:
    """The frozen backbone of a trained FilterNet (default: the shipped model).

    Args:
        directory: a FilterNet directory; None = `default_model_dir`.

    Attributes:
        model: the whole FilterNet (its head initialises fine-tuned heads).
        name: the directory's name; ``digest``: first 16 hex digits of the weights' SHA-256,
            recorded by a head so a head never runs on another backbone.
    """

    def __init__(self, directory: str | Path | None = None) -> None:
        path = Path(directory) if directory else default_model_dir()
        self.model = FilterNet.from_pretrained(path)
        self.name = path.name if directory else DEFAULT_MODEL_NAME
        self.digest = _digest(path / WEIGHTS_NAME)

    @property
    def channels(self) -> int:
        """Channels of the backbone's last feature map."""
        return int(self.model.config.hidden_sizes[-1])

    def features(self, linears: Sequence[NDArray[np.floating]], batch_size: int = 32) -> Tensor:
        """(H, W, 3) linear photos → (N, C, h, w) float32 feature maps (no gradients)."""
        size = self.model.config.image_size
        out = []
        for start in range(0, len(linears), batch_size):
            chunk = torch.stack([thumbnail(x, size) for x in linears[start:start + batch_size]])
            with torch.inference_mode():
                out.append(self.model.backbone(to_model_input(chunk)).last_hidden_state)
        if not out:
            return torch.zeros(0, self.channels, 1, 1)
        return torch.cat(out).clone()


@dataclass
class HeadConfig:
    """Everything needed to rebuild a fine-tuned head (stored as ``config.json``).

    Attributes:
        backbone: name of the FilterNet directory whose backbone feeds the head.
        backbone_digest: SHA-256 prefix of that backbone's weights.
        in_channels: channels of its feature map.
        targets: output order (`engine.style.profile.TARGET_NAMES` names).
        ranges: ``(value at −1, value at +1)`` per output (`TARGET_RANGES`).
        uses: targets the head answers for (it beat the few-shot model on them).
        hidden_size, dropout: head architecture (thesis: 512, 0.25).
        examples: examples it was trained on (train split) and held out.
        held_out: per target, held-out MAE of ``head``, ``few_shot`` and ``average``
            (the train split's mean), in target units, and ``gain_z`` (the head's paired
            gain over the few-shot model in standard errors, see `WIN_Z`).
    """

    backbone: str
    backbone_digest: str
    in_channels: int
    targets: list[str]
    ranges: list[tuple[float, float]]
    uses: list[str] = field(default_factory=list)
    hidden_size: int = 512
    dropout: float = 0.25
    examples: dict[str, int] = field(default_factory=dict)
    held_out: dict[str, dict[str, float]] = field(default_factory=dict)


class StyleHead(nn.Module):
    """A FilterNet head mapping backbone features to style targets.

    Shapes: (B, C, h, w) → (B, T) in (−1, 1); `to_targets` maps to target units.
    """

    def __init__(self, config: HeadConfig) -> None:
        super().__init__()
        self.config = config
        self.head = FilterNetHead(config.in_channels, len(config.targets), config.hidden_size,
                                  config.dropout, maskout=0.0)

    def forward(self, features: Tensor) -> Tensor:
        return self.head(features)

    def encode(self, values: F64) -> Tensor:
        """(N, T) target units (NaN kept) → (N, T) in [−1, 1] (float32)."""
        lo, hi = np.array(self.config.ranges, dtype=np.float64).T
        return torch.from_numpy(np.clip(2 * (values - lo) / (hi - lo) - 1, -1, 1)).float()

    def decode(self, y: Tensor) -> F64:
        """(N, T) outputs in (−1, 1) → target units."""
        lo, hi = np.array(self.config.ranges, dtype=np.float64).T
        return np.asarray(lo + (y.detach().double().numpy() + 1) * 0.5 * (hi - lo))

    def predict(self, features: Tensor, targets: Sequence[str] | None = None
                ) -> list[dict[str, float]]:
        """Per photo, ``{target: value}`` for ``targets`` (default: ``config.uses``)."""
        self.eval()
        with torch.inference_mode():
            values = self.decode(self(features))
        names = self.config.uses if targets is None else targets
        cols = [self.config.targets.index(t) for t in names]
        return [{self.config.targets[c]: float(row[c]) for c in cols} for row in values]

    def init_from(self, pretrained: FilterNetHead, outputs: Sequence[str]) -> None:
        """Copy a trained FilterNet head: hidden layers, and the output row of each target
        whose FilterNet output (same units and range) is in ``outputs``."""
        mine, theirs = self.head.mlp, pretrained.mlp
        for i in (0, 2, 4):  # BatchNorm, Linear(512), BatchNorm
            mine[i].load_state_dict(theirs[i].state_dict())
        last, src = mine[6], theirs[6]
        assert isinstance(last, nn.Linear) and isinstance(src, nn.Linear)
        with torch.no_grad():
            for row, target in enumerate(self.config.targets):
                name = _FILTERNET_OUTPUT.get(target)
                if name in outputs:
                    last.weight[row] = src.weight[outputs.index(name)]
                    last.bias[row] = src.bias[outputs.index(name)]

    def save_pretrained(self, directory: str | Path) -> Path:
        """Write ``config.json`` and ``model.safetensors`` into ``directory`` (created)."""
        out = save_weights(self, directory, WEIGHTS_NAME, "style-head")
        (out / "config.json").write_text(json.dumps(asdict(self.config), indent=1) + "\n")
        return out

    @classmethod
    def from_pretrained(cls, directory: str | Path) -> StyleHead:
        """Load a head written by `save_pretrained` (eval mode).

        Raises:
            FileNotFoundError: config.json or the weights are missing.
        """
        from safetensors.torch import load_file

        path = Path(directory)
        data: dict[str, Any] = json.loads((path / "config.json").read_text())
        data["ranges"] = [tuple(r) for r in data["ranges"]]
        model = cls(HeadConfig(**data))
        model.load_state_dict(load_file(str(path / WEIGHTS_NAME)))
        return model.eval()


def _masked_l1(pred: Tensor, target: Tensor) -> Tensor:
    mask = torch.isfinite(target)
    return (pred - torch.nan_to_num(target)).abs()[mask].mean()


def train_head(
    head: StyleHead,
    features: Tensor,
    targets: F64,
    train: NDArray[np.int64],
    val: NDArray[np.int64],
    *,
    epochs: int = 500,
    patience: int = 60,
    lr: float = 3e-3,
    weight_decay: float = 1e-2,
    batch_size: int = 32,
    seed: int = 0,
) -> list[tuple[float, float]]:
    """Train ``head`` in place (AdamW, masked L1 in (−1, 1) units), early-stopped on ``val``.

    Args:
        head: the head to train (its best-epoch weights are restored at the end).
        features: (N, C, h, w) backbone feature maps.
        targets: (N, T) target units, NaN where a target does not apply.
        train, val: example indices.

    Returns:
        ``(train loss, val loss)`` per epoch.
    """
    torch.manual_seed(seed)
    y = head.encode(targets)
    opt = torch.optim.AdamW(head.parameters(), lr=lr, weight_decay=weight_decay)
    best, best_state, since = math.inf, None, 0
    history: list[tuple[float, float]] = []
    gen = torch.Generator().manual_seed(seed)
    batch = min(batch_size, len(train))
    for _ in range(epochs):
        head.train()
        order = torch.from_numpy(train)[torch.randperm(len(train), generator=gen)]
        losses = []
        for start in range(0, len(order) - batch + 1, batch):  # full batches: BatchNorm
            idx = order[start:start + batch]
            loss = _masked_l1(head(features[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        head.eval()
        with torch.no_grad():
            v = float(_masked_l1(head(features[torch.from_numpy(val)]), y[val]))
        history.append((float(np.mean(losses)), v))
        if v < best - 1e-5:
            best, since = v, 0
            best_state = {k: t.clone() for k, t in head.state_dict().items()}
        else:
            since += 1
            if since >= patience:
                break
    if best_state is not None:
        head.load_state_dict(best_state)
    head.eval()
    return history


def split_held_out(
    n: int, groups: Sequence[str] | None = None, seed: int | np.random.Generator = 0
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(train, held-out) indices: a fixed `HELD_OUT_FRACTION` of the examples (or groups).

    ``seed`` may be a generator the caller goes on drawing from (one permutation taken).
    """
    keys = list(groups) if groups is not None else [str(i) for i in range(n)]
    unique = sorted(set(keys))
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    held = set(rng.permutation(unique)[:max(1, round(HELD_OUT_FRACTION * len(unique)))])
    mask = np.array([k in held for k in keys])
    return np.flatnonzero(~mask), np.flatnonzero(mask)


@dataclass(frozen=True)
class HeadReport:
    """What `fit_head` measured and kept.

    Attributes:
        head: the fine-tuned head; ``head.config.uses`` = the targets it won.
        held_out: per target, held-out MAE of ``head``, ``few_shot`` and ``average``,
            and ``gain_z``.
        history: ``(train loss, held-out loss)`` per epoch.
    """

    head: StyleHead
    held_out: dict[str, dict[str, float]]
    history: list[tuple[float, float]]

    @property
    def kept(self) -> StyleHead | None:
        """The head if it beat the few-shot model on any target, else None."""
        return self.head if self.head.config.uses else None


def fit_head(
    few_shot_predict: Any,
    features: Tensor,
    targets: F64,
    target_names: Sequence[str],
    backbone: Backbone,
    *,
    groups: Sequence[str] | None = None,
    seed: int = 0,
) -> HeadReport:
    """Fine-tune a head on the train split, keep it for the targets it wins on held out.

    Args:
        few_shot_predict: ``(train indices, held-out indices) → (n_held_out, T)`` predictions
            of the few-shot model fitted on the train indices (NaN where silent).
        features: (N, C, h, w) backbone feature maps of the examples.
        targets: (N, T) the photographer's values, NaN where a target does not apply.
        target_names: the T target names.
        backbone: where the features came from (its head initialises the new one).
        groups: per example, a group name (near-copies share one); held out together.
        seed: fixes the split and the training.

    Returns:
        The report; ``report.kept`` answers for ``report.head.config.uses``.
    """
    train, val = split_held_out(len(targets), groups, seed)
    config = HeadConfig(backbone.name, backbone.digest, backbone.channels, list(target_names),
                        [TARGET_RANGES[t] for t in target_names],
                        hidden_size=backbone.model.config.head_hidden_size,
                        dropout=backbone.model.config.dropout,
                        examples={"train": len(train), "held_out": len(val)})
    torch.manual_seed(seed)  # the new output rows' initialisation
    head = StyleHead(config)
    head.init_from(backbone.model.head, [s.name for s in backbone.model.sliders])
    history = train_head(head, features, targets, train, val, seed=seed)
    with torch.no_grad():
        ours = head.decode(head(features[torch.from_numpy(val)]))
    theirs = np.asarray(few_shot_predict(train, val), dtype=np.float64)
    truth = targets[val]
    held_out: dict[str, dict[str, float]] = {}
    for t, name in enumerate(target_names):
        ok = np.isfinite(truth[:, t]) & np.isfinite(theirs[:, t])
        seen = targets[train, t][np.isfinite(targets[train, t])]
        if ok.sum() == 0 or seen.size == 0:
            continue
        lo, hi = TARGET_RANGES[name]
        head_err = np.abs(np.clip(ours[ok, t], lo, hi) - truth[ok, t])
        few_err = np.abs(theirs[ok, t] - truth[ok, t])
        gain = few_err - head_err  # per held-out photo, > 0 where the head was closer
        held_out[name] = {
            "head": float(head_err.mean()),
            "few_shot": float(few_err.mean()),
            "average": float(np.abs(seen.mean() - truth[ok, t]).mean()),
            "gain_z": float(gain.mean() / max(gain.std(ddof=1) if gain.size > 1 else 0.0, 1e-9)
                            * math.sqrt(gain.size)),
        }
    config.held_out = held_out
    config.uses = [t for t, m in held_out.items() if m["gain_z"] > WIN_Z]
    return HeadReport(head, held_out, history)


def fit_profile_head(
    profile: StyleProfile,
    features: Tensor,
    backbone: Backbone,
    *,
    groups: Sequence[str] | None = None,
    seed: int = 0,
) -> HeadReport:
    """`fit_head` against the profile's own few-shot model; sets ``profile.head``.

    Args:
        profile: at least `HEAD_MIN_EXAMPLES` examples (not checked: tests use fewer).
        features: (N, C, h, w) backbone features of ``profile.examples``, in order.
        backbone, groups, seed: see `fit_head`.
    """
    from engine.style.profile import TARGET_NAMES

    names = list(TARGET_NAMES)
    targets = np.array([[e.targets.get(t, np.nan) for t in names] for e in profile.examples],
                       dtype=np.float64)

    def few_shot(train: NDArray[np.int64], val: NDArray[np.int64]) -> F64:
        model = profile.model(exclude=[int(i) for i in val])
        out = np.full((len(val), len(names)), np.nan)
        for row, i in enumerate(val):
            ex = profile.examples[int(i)]
            values, _ = model.predict(np.asarray(ex.features, dtype=np.float64),
                                      np.array([ex.analytic.get(t, 0.0) for t in names]),
                                      ex.camera)
            for col, t in enumerate(names):
                out[row, col] = values.get(t, np.nan)
        return out

    report = fit_head(few_shot, features, targets, names, backbone, groups=groups, seed=seed)
    profile.head, profile.head_held_out = report.kept, report.held_out
    return report


def merge(few_shot: dict[str, float], head: dict[str, float], model: StyleModel
          ) -> dict[str, float]:
    """The few-shot values with the head's in their place, held to the few-shot guardrail
    range (the examples' range widened by a quarter) where the few-shot model has one."""
    out = dict(few_shot)
    for t, v in head.items():
        fit = model.fits.get(t)
        out[t] = float(np.clip(v, fit.lo, fit.hi)) if fit else v
    return out
