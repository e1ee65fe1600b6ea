"""Quality harness: degrade → restore → score (see `benchmarks.quality.harness`), and
sheets for eyeballing (`benchmarks.quality.sheets`)."""

from benchmarks.quality.harness import (
    AMPLITUDES,
    Case,
    Linear,
    Score,
    auto_levels_grey_world,
    build_test_set,
    evaluate,
    identity,
    region_exposed,
    restore_with_predictor,
    score_case,
    summarise,
)
from benchmarks.quality.sheets import (
    contact_sheet,
    sheet_cases,
    sky_overlay,
    sky_sheet,
    strip_sheet,
)

__all__ = [
    "AMPLITUDES",
    "Case",
    "Linear",
    "Score",
    "auto_levels_grey_world",
    "build_test_set",
    "contact_sheet",
    "evaluate",
    "identity",
    "region_exposed",
    "restore_with_predictor",
    "score_case",
    "sheet_cases",
    "sky_overlay",
    "sky_sheet",
    "strip_sheet",
    "summarise",
]
