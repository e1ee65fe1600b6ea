"""`engine.decode.thumbnail.shrink_linear`: area averages in linear light, never enlarges."""

from __future__ import annotations

import numpy as np
import pytest

from engine.decode.thumbnail import shrink_linear


def test_shrinks_to_the_long_side_keeping_the_aspect() -> None:
    pixels = np.random.default_rng(0).random((600, 900, 3), dtype=np.float32)
    small = shrink_linear(pixels, 300)
    assert small.shape == (200, 300, 3)
    assert small.dtype == np.float32


def test_averages_light_not_encoded_values() -> None:
    # Black and white columns average to half the light (0.5 linear), which a viewer sees
    # as mid-grey; averaging encoded values would give 0.5 encoded = 0.21 linear.
    pixels = np.zeros((4, 8, 3), dtype=np.float32)
    pixels[:, ::2] = 1.0
    np.testing.assert_allclose(shrink_linear(pixels, 4), 0.5, atol=1e-6)


def test_keeps_the_mean_light_of_an_integer_reduction() -> None:
    pixels = np.random.default_rng(1).random((64, 96, 3), dtype=np.float32) * 4.0
    small = shrink_linear(pixels, 48)
    np.testing.assert_allclose(small.mean(axis=(0, 1)), pixels.mean(axis=(0, 1)), rtol=1e-5)


def test_never_enlarges() -> None:
    pixels = np.full((10, 20, 3), 0.25, dtype=np.float32)
    assert shrink_linear(pixels, 512).shape == (10, 20, 3)


@pytest.mark.parametrize(("shape", "long_side", "message"), [
    ((10, 20, 3), 0, "long_side=0 must be at least 1 px"),
    ((10, 20), 5, r"expected \(H, W, 3\) pixels, got shape \(10, 20\)"),
])
def test_refuses_bad_arguments(shape: tuple[int, ...], long_side: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        shrink_linear(np.zeros(shape, dtype=np.float32), long_side)
