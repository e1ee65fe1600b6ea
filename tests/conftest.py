"""Shared test fixtures: where the shared photo corpus lives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
#: ../shared/data beside the checkout (CI has it there); ATELIER_SHARED_DATA overrides.
SHARED_DATA = Path(os.environ.get("ATELIER_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Root of the shared corpus (``photos/``, ``xmp/``)."""
    if not SHARED_DATA.is_dir():
        pytest.fail(f"shared data not found at {SHARED_DATA} (set ATELIER_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def shared_photos(shared_data: Path) -> Path:
    """``../shared/data/photos``."""
    return shared_data / "photos"
