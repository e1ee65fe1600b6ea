"""Names of Atelier's automatic masks, shared by the engine and the bridge.

The engine gives each automatic local adjustment one of these names (the name shown in
Lightroom's mask panel); the bridge replaces only masks of these names when it writes
again, so that masks the user or ``atelier mask`` made stay.  Kept here, away from the
mask finders, so that the bridge does not import the engine's image code.
"""

__all__ = ["AUTO_MASK_NAMES"]

#: Mask class → the name its local adjustment gets.
AUTO_MASK_NAMES = {"sky": "Sky", "subject": "Subject"}
