"""EXIF facts from a Pillow image: camera, exposure, orientation."""

from __future__ import annotations

from typing import Any

from PIL import Image

__all__ = ["exif_facts", "orient_array"]

_ORIENTATION = 0x0112
_MAKE, _MODEL = 0x010F, 0x0110
_EXIF_IFD = 0x8769
_EXPOSURE_TIME, _F_NUMBER, _ISO, _FLASH, _FOCAL = 0x829A, 0x829D, 0x8827, 0x9209, 0x920A


def _number(value: Any) -> float | None:
    try:
        if isinstance(value, tuple):
            value = value[0]
        v = float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return v if v > 0 and v == v else None


def exif_facts(image: Image.Image) -> dict[str, Any]:
    """EXIF fields as `PhotoInfo` keyword arguments (missing or broken tags left out)."""
    try:
        exif = image.getexif()
        sub = exif.get_ifd(_EXIF_IFD)
    except Exception:  # broken EXIF must not fail the photo
        return {}
    facts: dict[str, Any] = {}
    orientation = exif.get(_ORIENTATION)
    if isinstance(orientation, int) and 1 <= orientation <= 8:
        facts["orientation"] = orientation
    for key, tag in (("camera_make", _MAKE), ("camera_model", _MODEL)):
        if isinstance(exif.get(tag), str):
            facts[key] = exif[tag].strip("\x00 ")
    for key, tag in (
        ("exposure_time_s", _EXPOSURE_TIME), ("f_number", _F_NUMBER), ("iso", _ISO),
        ("focal_length_mm", _FOCAL),
    ):
        if (v := _number(sub.get(tag))) is not None:
            facts[key] = v
    if isinstance(sub.get(_FLASH), int):
        facts["flash_fired"] = bool(sub[_FLASH] & 1)
    return facts


def orient_array(array: Any, orientation: int) -> Any:
    """Apply an EXIF orientation (1..8) to an (H, W, C) numpy array → displayed frame."""
    import numpy as np

    a = np.asarray(array)
    if orientation in (2, 4, 5, 7):  # mirrored variants: mirror first, then rotate
        a = a[:, ::-1]
    rotation = {3: 2, 4: 2, 5: 1, 6: 3, 7: 3, 8: 1}.get(orientation, 0)  # × 90° counter-clockwise
    return np.ascontiguousarray(np.rot90(a, rotation)) if rotation else np.ascontiguousarray(a)
