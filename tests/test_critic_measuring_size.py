"""The critic measures at one size, whatever size of thumbnail it is handed.

Its tolerances were set at `MEASURING_SIZE` px; a blur's width, a noise σ or a halo's
band in pixels means something else at 768 px, where kodim08 used to score 9 points lower
(grain and harsh contrast that the 512 px frame does not show).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.critic._image import MEASURING_SIZE, at_measuring_size
from engine.critic.technical import critique
from engine.decode import decode_photo


def test_a_larger_thumbnail_is_shrunk_to_the_measuring_size(shared_photos: Path) -> None:
    photo = decode_photo(shared_photos / "kodak/kodim08.png", long_side=768)
    measured = at_measuring_size(photo)
    assert max(measured.linear.shape[:2]) == MEASURING_SIZE
    assert measured.info == photo.info
    small = decode_photo(shared_photos / "kodak/kodim08.png", long_side=256)
    assert at_measuring_size(small) is small


def test_the_score_does_not_depend_on_the_analysis_size(shared_photos: Path) -> None:
    path = shared_photos / "kodak/kodim08.png"
    at_512 = critique(decode_photo(path, long_side=512))
    at_768 = critique(decode_photo(path, long_side=768))
    assert abs(at_768.score - at_512.score) < 1.5, (at_512.score, at_768.score)
    assert {i.attribute for i in at_768.issues} == {i.attribute for i in at_512.issues}
    for name, value in at_512.sub_scores.items():
        assert np.isclose(at_768.sub_scores[name], value, atol=5.0), name
