"""Local model directories, checked before any weights are loaded (nothing is downloaded)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from torch import nn

__all__ = ["ModelError", "check_model_dir", "save_weights"]


class ModelError(ValueError):
    """The model directory is missing, incomplete, or not a supported model."""


def check_model_dir(
    model: str, *, index_file: str, key: str, supported: Sequence[str], library: str,
    noun: str, user: str, missing: str,
) -> Path:
    """The resolved directory ``model``, whose ``index_file`` names a supported kind.

    Args:
        model: the directory as given ("" = none given).
        index_file: the file that says what the directory holds (``config.json``…).
        key: the entry of ``index_file`` naming the kind (``model_type``…).
        supported: the kinds ``user`` can drive.
        library / noun / user: for messages ("transformers", "model", "the vlm critic").
        missing: the message when no directory is given.

    Raises:
        ModelError: none given, no readable ``index_file``, or a kind outside ``supported``.
    """
    if not model:
        raise ModelError(missing)
    path = Path(model).expanduser()
    index = path / index_file
    if not index.is_file():
        raise ModelError(f"{path} is not a {library} model directory (no {index_file})")
    try:
        kind = json.loads(index.read_text(encoding="utf-8")).get(key, "")
    except (OSError, json.JSONDecodeError, AttributeError) as exc:
        raise ModelError(f"{index} cannot be read: {exc}") from None
    if kind not in supported:
        raise ModelError(f"{path} holds a {kind or 'unknown'} {noun}; {user} drives "
                         f"{', '.join(supported)}")
    return path.resolve()


def save_weights(module: nn.Module, directory: str | Path, name: str, model_type: str) -> Path:
    """Write ``module``'s state dict as safetensors file ``name`` in ``directory`` (created).

    Atomic: written beside as ``name.tmp`` and renamed, so a crash never leaves half a
    checkpoint where `from_pretrained` would read it.  Returns the directory.
    """
    from safetensors.torch import save_file  # here: GetInfo imports this module, not torch

    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu().contiguous() for k, v in module.state_dict().items()}
    tmp = out / (name + ".tmp")
    save_file(state, str(tmp), metadata={"format": "pt", "model_type": model_type})
    tmp.replace(out / name)
    return out
