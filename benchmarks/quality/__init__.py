"""Quality harness: degrade → restore → score (see `benchmarks.quality.harness`)."""

from benchmarks.quality.harness import (
    AMPLITUDES,
    Case,
    Score,
    auto_levels_grey_world,
    build_test_set,
    contact_sheet,
    evaluate,
    identity,
    restore_with_predictor,
    score_case,
    summarise,
)

__all__ = [
    "AMPLITUDES",
    "Case",
    "Score",
    "auto_levels_grey_world",
    "build_test_set",
    "contact_sheet",
    "evaluate",
    "identity",
    "restore_with_predictor",
    "score_case",
    "summarise",
]
