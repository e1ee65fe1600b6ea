"""A local Qwen2-VL / Qwen2.5-VL image-text-to-text model: load, encode a chat, generate.

The model is loaded with ``AutoModelForImageTextToText`` from a directory saved with
``save_pretrained`` (``local_files_only=True``, the hub switched offline): nothing is
ever downloaded.  The inputs are built here from the directory's tokenizer, image
processor and chat template rather than with ``AutoProcessor``: in transformers 5.x the
Qwen-VL processor insists on its *video* processor, which needs torchvision, and the
project's CPU setup has none.  What the processor does for one image is small and is
done the same way: the chat template places one ``<|image_pad|>``, which is repeated
once per merged vision patch (``grid_t·grid_h·grid_w / merge_size²``).
"""

from __future__ import annotations

import inspect
import json
import os
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import torch
from PIL import Image

from engine.model_dirs import ModelError
from engine.model_dirs import check_model_dir as check_local_dir

__all__ = ["IMAGE_TOKEN", "SUPPORTED", "ModelError", "VisionChat", "check_model_dir",
           "load_model"]

#: ``model_type`` values of the families whose input convention this module follows.
SUPPORTED = ("qwen2_vl", "qwen2_5_vl")
IMAGE_TOKEN = "<|image_pad|>"


def check_model_dir(model: str) -> Path:
    """The resolved model directory, checked without loading any weights.

    Raises:
        ModelError: empty, not a directory, no readable ``config.json``, or a
            ``model_type`` outside `SUPPORTED`.
    """
    return check_local_dir(
        model, index_file="config.json", key="model_type", supported=SUPPORTED,
        library="transformers", noun="model", user="the vlm critic",
        missing="the vlm critic needs a local model directory (a Qwen2.5-VL-class "
                "transformers folder): --critic-model DIR, or AnalyzeOptions.critic_model")


def _chat_template(path: Path, tokenizer: Any) -> str:
    """The chat template: ``chat_template.jinja``, ``chat_template.json`` or the tokenizer's."""
    jinja = path / "chat_template.jinja"
    if jinja.is_file():
        return jinja.read_text(encoding="utf-8")
    as_json = path / "chat_template.json"
    if as_json.is_file():
        template = json.loads(as_json.read_text(encoding="utf-8")).get("chat_template")
        if isinstance(template, str):
            return template
    if isinstance(getattr(tokenizer, "chat_template", None), str):
        return str(tokenizer.chat_template)
    raise ModelError(f"{path} has no chat template (chat_template.jinja / .json)")


@dataclass
class VisionChat:
    """One loaded model with what it needs to read an image and a prompt.

    ``generate`` holds a lock: one generation at a time per model (the engine's worker
    threads share it, and a second concurrent one would only halve the speed of both).
    """

    directory: Path
    model: Any
    tokenizer: Any
    image_processor: Any
    chat_template: str
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def name(self) -> str:
        """The model directory's name (reported in ``Critique.backend``)."""
        return self.directory.name

    def encode(self, image: Image.Image, system: str, user: str) -> dict[str, torch.Tensor]:
        """Model inputs for a system prompt and one user turn: the image, then ``user``."""
        messages = [
            {"role": "system", "content": [{"type": "text", "text": system}]},
            {"role": "user", "content": [{"type": "image"}, {"type": "text", "text": user}]},
        ]
        text = self.tokenizer.apply_chat_template(
            messages, chat_template=self.chat_template, add_generation_prompt=True,
            tokenize=False)
        if text.count(IMAGE_TOKEN) != 1:
            raise ModelError(f"{self.directory}: the chat template placed "
                             f"{text.count(IMAGE_TOKEN)} {IMAGE_TOKEN} tokens, not one")
        vision = self.image_processor(images=[image.convert("RGB")], return_tensors="pt")
        grid = vision["image_grid_thw"]
        tokens = int(grid[0].prod()) // int(self.image_processor.merge_size) ** 2
        encoded = self.tokenizer(text.replace(IMAGE_TOKEN, IMAGE_TOKEN * tokens),
                                 return_tensors="pt")
        inputs = {"input_ids": encoded["input_ids"],
                  "attention_mask": encoded["attention_mask"],
                  "pixel_values": vision["pixel_values"], "image_grid_thw": grid}
        if "mm_token_type_ids" in inspect.signature(self.model.forward).parameters:
            # transformers ≥ 5 places the vision tokens' 3-D positions from this map.
            image_id = self.tokenizer.convert_tokens_to_ids(IMAGE_TOKEN)
            inputs["mm_token_type_ids"] = (encoded["input_ids"] == image_id).int()
        return inputs

    def generate(self, inputs: dict[str, torch.Tensor], max_new_tokens: int) -> str:
        """Greedy continuation of ``inputs``, decoded without special tokens."""
        device = next(self.model.parameters()).device
        moved = {k: v.to(device) for k, v in inputs.items()}
        with self.lock, torch.inference_mode():
            out = self.model.generate(**moved, max_new_tokens=max_new_tokens, do_sample=False)
        new = out[0, moved["input_ids"].shape[1]:]
        return str(self.tokenizer.decode(new, skip_special_tokens=True))


@lru_cache(maxsize=2)
def load_model(model_dir: str) -> VisionChat:
    """The model in ``model_dir`` (cached; float32 on CPU, bfloat16 on CUDA).

    Raises:
        ModelError: not a supported model directory, or its files cannot be loaded.
    """
    path = check_model_dir(model_dir)
    os.environ["HF_HUB_OFFLINE"] = "1"  # belt and braces: no request may leave the machine
    from transformers import AutoImageProcessor, AutoModelForImageTextToText, AutoTokenizer

    cuda = torch.cuda.is_available()
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        image_processor = AutoImageProcessor.from_pretrained(str(path), local_files_only=True)
        model: Any = AutoModelForImageTextToText.from_pretrained(
            str(path), local_files_only=True, dtype=torch.bfloat16 if cuda else torch.float32)
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(f"{path}: the model cannot be loaded: {exc}") from None
    model.eval()
    if cuda:
        model.to("cuda")
    return VisionChat(path, model, tokenizer, image_processor, _chat_template(path, tokenizer))
