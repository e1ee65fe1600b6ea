"""The develop vocabulary: ranges, XMP formatting and contract conversions."""

import math

import pytest

from atelier.settings import adjustments_from_settings, settings_from_adjustments
from xmp.vocabulary import (
    SliderRangeError,
    format_xmp_value,
    local_slider,
    validate_settings,
)


@pytest.mark.parametrize(
    ("name", "value", "text"),
    [
        ("Exposure2012", 0.333, "+0.33"),
        ("Exposure2012", -0.49, "-0.49"),
        ("Exposure2012", -0.001, "0.00"),
        ("Contrast2012", 8.4, "+8"),
        ("Blacks2012", -25, "-25"),
        ("Shadows2012", 0.2, "0"),
        ("Temperature", 5503.6, "5504"),
        ("Tint", -3, "-3"),
        ("IncrementalTemperature", 12, "+12"),
    ],
)
def test_xmp_formatting_matches_lightroom(name: str, value: float, text: str) -> None:
    assert format_xmp_value(name, value) == text


@pytest.mark.parametrize(
    ("name", "value"),
    [("Exposure2012", 5.01), ("Contrast2012", -101), ("Temperature", 1999), ("Tint", math.nan)],
)
def test_out_of_range_names_field_and_limit(name: str, value: float) -> None:
    with pytest.raises(SliderRangeError, match=name):
        validate_settings({name: value})


def test_white_balance_flavours_are_kept_apart() -> None:
    with pytest.raises(SliderRangeError, match="IncrementalTemperature"):
        validate_settings({"IncrementalTemperature": 10}, is_raw=True)
    with pytest.raises(SliderRangeError, match="Temperature"):
        validate_settings({"Temperature": 5000}, is_raw=False)
    validate_settings({"Temperature": 5000, "Tint": 4}, is_raw=True)


def test_local_exposure_is_stored_as_quarter_ev() -> None:
    s = local_slider("LocalExposure2012")
    assert s.to_xmp(1.0) == 0.25
    assert local_slider("LocalContrast2012").to_xmp(-30) == pytest.approx(-0.30)
    assert s.from_xmp(0.25) == 1.0


def test_settings_round_trip_through_the_contract() -> None:
    settings = {"Exposure2012": 0.7, "Vibrance": 12.0, "IncrementalTint": -4.0}
    adj = adjustments_from_settings(settings, {"Exposure2012": "dark"})
    assert settings_from_adjustments(adj) == pytest.approx(settings)
    assert adj.reasons["Exposure2012"] == "dark"
    with pytest.raises(SliderRangeError):
        adjustments_from_settings({"Exposure2012": 9})
