"""Tiny random Qwen2.5-VL models for tests (built here, saved locally; never downloaded).

The tokenizer is a byte-level BPE trained in the test on a few critic answers, with
Qwen's special tokens; the chat template is a compact Qwen-style one (system, user with
``<|vision_start|><|image_pad|><|vision_end|>``, assistant).  `teach` overfits such a
model to always answer one text, so a test can run the critic end to end and know what
the model said.
"""

from __future__ import annotations

from pathlib import Path

import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import (
    PreTrainedTokenizerFast,
    Qwen2_5_VLConfig,
    Qwen2_5_VLForConditionalGeneration,
    Qwen2VLImageProcessorPil,
)

__all__ = ["CHAT_TEMPLATE", "teach", "tiny_vlm"]

SPECIAL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|vision_start|>", "<|vision_end|>",
           "<|image_pad|>", "<|video_pad|>"]

CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n"
    "{% for c in m['content'] %}{% if c['type'] == 'image' %}"
    "<|vision_start|><|image_pad|><|vision_end|>{% else %}{{ c['text'] }}{% endif %}"
    "{% endfor %}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def _tokenizer(corpus: list[str]) -> PreTrainedTokenizerFast:
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=600, special_tokens=SPECIAL, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    bpe.train_from_iterator(corpus, trainer)
    return PreTrainedTokenizerFast(tokenizer_object=bpe, eos_token="<|im_end|>",
                                   pad_token="<|endoftext|>")


def tiny_vlm(directory: Path, corpus: list[str], *, seed: int = 0) -> Path:
    """Save a random 1-layer Qwen2.5-VL (hidden 64) with tokenizer, image processor
    (images shrunk to at most 112 × 112 px: ≤ 16 vision tokens) and chat template."""
    directory.mkdir(parents=True, exist_ok=True)
    tokenizer = _tokenizer(corpus)
    vocab = tokenizer.get_vocab()
    ids = {s: vocab[s] for s in SPECIAL}
    config = Qwen2_5_VLConfig(
        text_config={
            "vocab_size": len(tokenizer), "hidden_size": 64, "intermediate_size": 128,
            "num_hidden_layers": 1, "num_attention_heads": 4, "num_key_value_heads": 2,
            "max_position_embeddings": 4096, "bos_token_id": ids["<|endoftext|>"],
            "eos_token_id": ids["<|im_end|>"], "pad_token_id": ids["<|endoftext|>"],
            "rope_parameters": {"rope_type": "default", "rope_theta": 10000.0,
                                "mrope_section": [2, 2, 4]},
        },
        vision_config={
            "depth": 1, "hidden_size": 32, "intermediate_size": 64, "num_heads": 2,
            "out_hidden_size": 64, "fullatt_block_indexes": [0], "window_size": 56,
        },
        image_token_id=ids["<|image_pad|>"], video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"], vision_end_token_id=ids["<|vision_end|>"],
    )
    torch.manual_seed(seed)
    Qwen2_5_VLForConditionalGeneration(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    Qwen2VLImageProcessorPil(min_pixels=56 * 56, max_pixels=112 * 112).save_pretrained(directory)
    (directory / "chat_template.jinja").write_text(CHAT_TEMPLATE, encoding="utf-8")
    return directory


def teach(model: torch.nn.Module, inputs: dict[str, torch.Tensor], answer_ids: torch.Tensor,
          *, steps: int = 150, lr: float = 3e-3) -> float:
    """Overfit ``model`` (in place) to continue ``inputs`` with ``answer_ids`` (1-D, ending
    in the end-of-turn token); returns the last loss (nats per answer token)."""
    ids = torch.cat([inputs["input_ids"], answer_ids[None]], dim=1)
    labels = ids.clone()
    labels[:, : inputs["input_ids"].shape[1]] = -100  # learn the answer only
    batch = {**inputs, "input_ids": ids, "attention_mask": torch.ones_like(ids), "labels": labels}
    if "mm_token_type_ids" in inputs:
        pad = torch.zeros((1, answer_ids.numel()), dtype=inputs["mm_token_type_ids"].dtype)
        batch["mm_token_type_ids"] = torch.cat([inputs["mm_token_type_ids"], pad], dim=1)
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    loss = torch.tensor(0.0)
    for _ in range(steps):
        optimiser.zero_grad()
        loss = model(**batch).loss
        loss.backward()
        optimiser.step()
    model.eval()
    return float(loss.detach())
