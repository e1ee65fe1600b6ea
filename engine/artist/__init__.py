"""The Artist: new pixels for what sliders cannot fix, only ever as derived files."""

from engine.artist.classical import OPERATIONS, Restoration, restore

__all__ = ["OPERATIONS", "Restoration", "restore"]
