"""Signed figures in prose: always a sign, a true minus."""

import math

import pytest

from engine.typography import MINUS, signed


@pytest.mark.parametrize(("args", "expected"), [
    ((-0.5, " EV", 2), "−0.50 EV"),
    ((0.5, " EV", 2), "+0.50 EV"),
    ((-12.4,), "−12"),
    ((0.0,), "+0"),
    ((-7.25, "°", 1), "−7.2°"),
    ((0.37, "", None), "+0.37"),
    ((-12.0, " K", None), "−12 K"),
    ((-1.0, " f-stops"), "−1 f-stops"),  # only the figure's sign is typeset
])
def test_signed_writes_a_sign_and_a_true_minus(args: tuple, expected: str) -> None:
    assert signed(*args) == expected


def test_signed_never_writes_a_hyphen_for_a_negative_figure() -> None:
    for value in (-1e-3, -0.04, -3.0, -250.0, -math.inf):
        text = signed(value, decimals=1)
        assert "-" not in text and text.startswith(MINUS), text
