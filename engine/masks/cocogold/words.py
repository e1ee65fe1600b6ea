"""What a text prompt names, as far as Atelier knows without a model.

A small keyword table maps prompts to

* a Lightroom semantic class (``pb.SemanticClass``): Lightroom recomputes such masks
  itself, so when the prompt names exactly one class Lightroom knows (sky, hair, water,
  …) the mask's first form is that class;
* a weight-free mask (`WEIGHT_FREE`): sky, subject, shadows, highlights, background —
  what `engine.masks` finds without any model, used when no CocoGold directory is
  configured.

Words match whole words, case-insensitively, plurals included ("the skies", "trees").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from atelier.v1 import engine_pb2 as pb

__all__ = ["KEYWORDS", "WEIGHT_FREE", "PromptMeaning", "read_prompt"]

#: What the weight-free masks can find.
WEIGHT_FREE = ("sky", "subject", "shadows", "highlights", "background")

_S = pb.SemanticClass
#: keyword → (semantic class or None, weight-free mask or None).  Multi-word keys first
#: matter only for display; matching is by whole words.
KEYWORDS: dict[str, tuple[int | None, str | None]] = {
    "sky": (_S.SEMANTIC_CLASS_SKY, "sky"), "skies": (_S.SEMANTIC_CLASS_SKY, "sky"),
    "clouds": (_S.SEMANTIC_CLASS_SKY, "sky"), "cloud": (_S.SEMANTIC_CLASS_SKY, "sky"),
    "subject": (_S.SEMANTIC_CLASS_SUBJECT, "subject"),
    "main subject": (_S.SEMANTIC_CLASS_SUBJECT, "subject"),
    "foreground": (None, "subject"),
    "person": (_S.SEMANTIC_CLASS_PERSON, "subject"),
    "people": (_S.SEMANTIC_CLASS_PERSON, "subject"),
    "man": (_S.SEMANTIC_CLASS_PERSON, "subject"), "woman": (_S.SEMANTIC_CLASS_PERSON, "subject"),
    "men": (_S.SEMANTIC_CLASS_PERSON, "subject"), "women": (_S.SEMANTIC_CLASS_PERSON, "subject"),
    "child": (_S.SEMANTIC_CLASS_PERSON, "subject"), "boy": (_S.SEMANTIC_CLASS_PERSON, "subject"),
    "girl": (_S.SEMANTIC_CLASS_PERSON, "subject"),
    "background": (_S.SEMANTIC_CLASS_BACKGROUND, "background"),
    "shadows": (None, "shadows"), "shadow": (None, "shadows"), "darks": (None, "shadows"),
    "dark areas": (None, "shadows"),
    "highlights": (None, "highlights"), "highlight": (None, "highlights"),
    "bright areas": (None, "highlights"),
    "hair": (_S.SEMANTIC_CLASS_HAIR, None),
    "face": (_S.SEMANTIC_CLASS_FACE_SKIN, None), "skin": (_S.SEMANTIC_CLASS_FACE_SKIN, None),
    "body skin": (_S.SEMANTIC_CLASS_BODY_SKIN, None),
    "lips": (_S.SEMANTIC_CLASS_LIPS, None), "teeth": (_S.SEMANTIC_CLASS_TEETH, None),
    "eyes": (_S.SEMANTIC_CLASS_IRIS_PUPIL, None), "iris": (_S.SEMANTIC_CLASS_IRIS_PUPIL, None),
    "eye whites": (_S.SEMANTIC_CLASS_EYE_WHITES, None),
    "eyebrows": (_S.SEMANTIC_CLASS_EYEBROWS, None),
    "clothes": (_S.SEMANTIC_CLASS_CLOTHES, None), "clothing": (_S.SEMANTIC_CLASS_CLOTHES, None),
    "building": (_S.SEMANTIC_CLASS_ARCHITECTURE, None),
    "buildings": (_S.SEMANTIC_CLASS_ARCHITECTURE, None),
    "architecture": (_S.SEMANTIC_CLASS_ARCHITECTURE, None),
    "ground": (_S.SEMANTIC_CLASS_NATURAL_GROUND, None),
    "vegetation": (_S.SEMANTIC_CLASS_VEGETATION, None),
    "trees": (_S.SEMANTIC_CLASS_VEGETATION, None), "tree": (_S.SEMANTIC_CLASS_VEGETATION, None),
    "grass": (_S.SEMANTIC_CLASS_VEGETATION, None),
    "plants": (_S.SEMANTIC_CLASS_VEGETATION, None),
    "water": (_S.SEMANTIC_CLASS_WATER, None), "sea": (_S.SEMANTIC_CLASS_WATER, None),
    "lake": (_S.SEMANTIC_CLASS_WATER, None), "river": (_S.SEMANTIC_CLASS_WATER, None),
    "ocean": (_S.SEMANTIC_CLASS_WATER, None),
    "mountains": (_S.SEMANTIC_CLASS_MOUNTAINS, None),
    "mountain": (_S.SEMANTIC_CLASS_MOUNTAINS, None),
}
# Multi-word keys win over their parts ("body skin" is not "skin", "main subject" one hit).
_PATTERN = re.compile(
    r"\b(" + "|".join(re.escape(k) for k in sorted(KEYWORDS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PromptMeaning:
    """What a prompt names.

    Attributes:
        prompt: the prompt, whitespace-normalised.
        semantic_class: the one ``pb.SemanticClass`` it names, or None (none or several).
        weight_free: the weight-free mask for it (first one named), or None.
        keywords: the table words found, in prompt order.
    """

    prompt: str
    semantic_class: int | None
    weight_free: str | None
    keywords: tuple[str, ...]


def read_prompt(prompt: str) -> PromptMeaning:
    """Find the table's words in ``prompt`` (see the module docstring)."""
    text = " ".join(prompt.split())
    words = tuple(m.group(1).lower() for m in _PATTERN.finditer(text))
    classes = {KEYWORDS[w][0] for w in words if KEYWORDS[w][0] is not None}
    weight_free = next((KEYWORDS[w][1] for w in words if KEYWORDS[w][1] is not None), None)
    semantic = classes.pop() if len(classes) == 1 else None
    return PromptMeaning(text, semantic, weight_free, words)
