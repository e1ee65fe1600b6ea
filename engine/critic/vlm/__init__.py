"""The VLM critic: a local image-text-to-text model critiques with the measurements in hand.

1. The technical critic measures the photo (`engine.critic.review.review`).
2. The model (`model.load_model`, a Qwen2.5-VL-class directory, local files only) sees the
   photo and a photographer's rubric with those measurements (`prompt`), and answers
   ``<think>…</think><edit_start>…<edit_end><answer>score</answer>``.
3. `engine.critic.parse` reads the answer; `answer` turns the edits into suggestions in
   the develop vocabulary and keeps only those that improve what they target.

The ``Critique`` carries the model's reasoning (plus notes on what was dropped or left to
the photographer, and the measured score), the model's score (the measured one when the
answer has none), the measured issues and sub-scores, the checked suggestions, and
``backend`` = ``vlm/<version>:<model directory name>``.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from atelier.v1 import engine_pb2 as pb
from engine.critic import scoring
from engine.critic._image import encoded, prepare
from engine.critic.parse import parse_answer
from engine.critic.review import Review, prepared_review
from engine.critic.technical import issues
from engine.critic.vlm.answer import check, suggestions_from
from engine.critic.vlm.model import ModelError, check_model_dir, load_model
from engine.critic.vlm.prompt import SYSTEM, user_prompt
from engine.decode.types import DecodedPhoto
from engine.predictors.base import Prediction

__all__ = ["VERSION", "ModelError", "VLMCritic", "critique_from_answer", "photo_image"]

VERSION = "1"


def photo_image(linear: np.ndarray, long_side: int) -> Image.Image:
    """The photo as the model sees it: 8-bit sRGB, long side at most ``long_side`` px."""
    rgb = (encoded(prepare(linear)) * 255.0 + 0.5).astype(np.uint8)
    image = Image.fromarray(rgb)
    image.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
    return image


def critique_from_answer(
    photo: DecodedPhoto, measured: Review, answer: str, prediction: Prediction | None,
    *, backend: str, check_suggestions: bool = True,
) -> pb.Critique:
    """The ``Critique`` for a model's ``answer`` about ``photo`` (measured as ``measured``).

    Args:
        check_suggestions: render each develop suggestion and keep it only if it helps
            (see `engine.critic.vlm.answer.check`); False keeps them all unchecked.
    """
    info = photo.info
    parsed = parse_answer(answer, is_raw=info.is_raw, as_shot_temperature=info.as_shot_temperature)
    advice = suggestions_from(parsed, is_raw=info.is_raw,
                              as_shot_temperature=info.as_shot_temperature)
    if check_suggestions:
        advice = check(photo, measured, advice, prediction)
    paragraphs = [parsed.reasoning or "The model's answer held no reasoning."]
    paragraphs += advice.notes
    # The figures the message carries, so the sentence agrees with the score shown.
    shown = scoring.reported(measured.score)
    scores = ", ".join(f"{k} {scoring.reported(v):.0f}" for k, v in measured.sub_scores.items())
    if parsed.score is None:
        paragraphs.append(f"The model gave no score; the measured {shown:.0f}/100 "
                          f"stands ({scores}).")
    else:
        paragraphs.append(f"Measured: {shown:.0f}/100 ({scores}); the model's "
                          f"overall score: {parsed.score:.0f}/100.")
    score = parsed.score if parsed.score is not None else shown
    msg = pb.Critique(reasoning="\n\n".join(paragraphs), score=score, backend=backend)
    msg.issues.extend(issues(measured))
    msg.suggestions.extend(advice.suggestions)
    for k, v in measured.sub_scores.items():
        msg.sub_scores[k] = scoring.reported(v)
    return msg


class VLMCritic:
    """``critique(photo, prediction=None) -> atelier.v1.Critique`` with a local VLM.

    Args:
        model: the model directory (``save_pretrained`` layout; Qwen2-VL / Qwen2.5-VL).
        check: check every suggestion against the measurements before suggesting it
            (about 1 s per develop suggestion at 512 px).
        max_new_tokens: the answer's length limit, tokens.
        image_size: long side of the image the model sees, px (Qwen-VL: one token per
            28 × 28 px, so 448 px → at most 256 vision tokens).

    Raises:
        ModelError: no model directory, or not a loadable supported model.
    """

    name = "vlm"
    version = VERSION

    def __init__(self, *, model: str = "", check: bool = True, max_new_tokens: int = 512,
                 image_size: int = 448) -> None:
        self.chat = load_model(str(check_model_dir(model)))
        self.check = check
        self.max_new_tokens = max_new_tokens
        self.image_size = image_size
        self.backend = f"{self.name}/{VERSION}:{self.chat.name}"

    def answer(self, photo: DecodedPhoto, measured: Review) -> str:
        """The model's raw answer about ``photo`` given the measurements ``measured``."""
        inputs = self.chat.encode(photo_image(photo.linear, self.image_size), SYSTEM,
                                  user_prompt(measured))
        return self.chat.generate(inputs, self.max_new_tokens)

    def critique(self, photo: DecodedPhoto, prediction: Prediction | None = None) -> pb.Critique:
        """Measure, ask the model, parse and check (see the module docstring).

        Raises:
            engine.critic._image.UncritiquablePhoto: non-finite pixels, a side < 32 px.
        """
        photo, prediction, measured = prepared_review(photo, prediction)
        return critique_from_answer(photo, measured, self.answer(photo, measured), prediction,
                                    backend=self.backend, check_suggestions=self.check)
