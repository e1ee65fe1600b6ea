"""The check suggests the part of an answer that passes when its sliders harm together
(`engine.critic.check.in_part`), on a shared photo at the engine's 512 px."""

from __future__ import annotations

from pathlib import Path

from atelier.settings import settings_from_adjustments
from atelier.v1 import engine_pb2 as pb
from engine.critic.check import check_suggestion, in_part
from engine.critic.review import review
from engine.critic.technical import critique
from engine.decode import decode_photo
from engine.typography import signed


def test_sliders_that_harm_together_are_suggested_in_the_part_that_passes(
    shared_photos: Path,
) -> None:
    # kodim20's harsh contrast is answered "Contrast −18, Highlights −70": together they
    # pull its blown sky down to a flat grey and the score falls; the softer curve alone
    # mends the contrast and raises the score, so it is suggested, and the note says why.
    photo = decode_photo(shared_photos / "kodak/kodim20.png", long_side=512)
    before = review(photo)
    whole = next(f.suggestion for f in before.findings if f.name == "contrast")
    assert whole is not None
    checked = check_suggestion(photo, before, whole, None)
    assert checked is not None and not checked.kept, checked
    part = in_part(photo, before, whole, None)
    assert part is not None
    answer, alone = part
    own, settings = (settings_from_adjustments(s.adjustments) for s in (whole, answer))
    assert len(settings) < len(own) and {k: own[k] for k in settings} == settings, settings
    assert alone.kept and alone.mended > 0 and alone.gain > 0, alone
    c = critique(photo, check=True)
    (suggested,) = [s for s in c.suggestions if s.attribute == "contrast"]
    assert suggested.text == answer.text == "Soften the contrast: Contrast −18", suggested
    assert suggested.expected_gain == round(alone.gain, 1) > 0, suggested
    assert (f"“{whole.text}” moves the score by {signed(checked.gain, decimals=1)}, while "
            f"“{answer.text}” alone mends the contrast it targets") in c.reasoning, c.reasoning
    # A suggestion of one slider has no part to fall back on.
    one = pb.Suggestion(text="Soften the contrast: Contrast −18", attribute="contrast",
                        adjustments=answer.adjustments)
    assert in_part(photo, before, one, None) is None
