"""The photographer's rubric and the measured context given to the VLM critic.

The model sees the photo and, in words, what the technical critic measured on it (the
same paragraphs with numbers, the sub-scores and the measured overall score), so it
cannot contradict a measurement blindly: it is told to trust them and to say why when
what it sees disagrees.  It answers in the form `engine.critic.parse` reads:
``<think>…</think><edit_start>…<edit_end><answer>score</answer>``.
"""

from __future__ import annotations

from engine.critic.review import Review
from engine.critic.scoring import reported

__all__ = ["RUBRIC", "SYSTEM", "user_prompt"]

SYSTEM = (
    "You are an experienced photographer and photo editor critiquing a photograph for its "
    "author. Be specific and honest: name places in the frame and give numbers; no generic "
    "praise. Suggest only edits that Lightroom's Basic and Presence sliders can make — "
    "Exposure (EV), Contrast, Highlights, Shadows, Whites, Blacks, Temperature (K), Tint, "
    "Texture, Clarity, Dehaze, Vibrance, Saturation (−100..+100) — or straightening by an "
    "angle in degrees."
)

RUBRIC = (
    "1. Degradations: missed focus or softness, motion blur, noise, compression artefacts, "
    "haze, blown highlights, crushed shadows.\n"
    "2. Colour and light: exposure, white balance and colour casts, contrast, saturation, "
    "the quality and direction of the light.\n"
    "3. Composition: where the subject sits, the horizon, balance, distractions at the "
    "edges.\n"
    "4. Overall impression: what works, and what this photo needs most."
)

_FORM = (
    "Answer in exactly this form:\n"
    "<think>your critique, one short paragraph per rubric item</think>\n"
    "<edit_start>\n"
    "one edit per line, with its amount, e.g. Exposure +0.5 EV / Shadows +20 / "
    "Temperature -300 K / Straighten 1.5° clockwise\n"
    "<edit_end>\n"
    "<answer>overall score, 0-100</answer>\n"
    "Leave the edit section empty if the photo needs no edit."
)


def user_prompt(review: Review) -> str:
    """The user turn (after the image): rubric, the measurements of ``review``, the form."""
    scores = ", ".join(f"{k} {reported(v):.0f}" for k, v in review.sub_scores.items())
    measured = "\n".join(f"- {p}" for p in review.paragraphs)
    return (
        f"Critique this photo with this rubric:\n{RUBRIC}\n\n"
        "Measurements of this file (trust them; where what you see disagrees, say why):\n"
        f"{measured}\n- Measured sub-scores: {scores}; measured overall "
        f"{reported(review.score):.0f}/100.\n\n{_FORM}"
    )
