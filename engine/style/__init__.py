"""Personal style: learn how a photographer edits from their edited photos, and predict so.

`learn.learn_profile` reads edited photos (`edited`), measures them (`features`,
`targets`) into a `profile.StyleProfile`; `predictor.StylePredictor` wraps a base
predictor with the fitted `model.StyleModel`; `simulate` holds the simulated
photographers of ``benchmarks/style_eval.py``.  See docs/style.md.
"""

from __future__ import annotations

__all__: list[str] = []
