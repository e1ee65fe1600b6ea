"""Importing diffusers safely after colour-science.

colour-science puts a ``MagicMock`` in ``sys.modules["matplotlib"]`` when matplotlib is
not installed; diffusers then fails at import (``importlib.util.find_spec`` refuses a
module without ``__spec__``).  `diffusers_importable` hides the stand-in while diffusers
probes its optional packages, then puts it back for colour.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["diffusers_importable"]


@contextmanager
def diffusers_importable() -> Iterator[None]:
    """Within the block, a spec-less ``matplotlib`` stand-in is out of ``sys.modules``."""
    stand_in = sys.modules.get("matplotlib")
    hidden = stand_in is not None and getattr(stand_in, "__spec__", None) is None
    if hidden:
        del sys.modules["matplotlib"]
    try:
        yield
    finally:
        if hidden and "matplotlib" not in sys.modules:
            sys.modules["matplotlib"] = stand_in  # type: ignore[assignment]
