"""Weight-free masks (sky, subject, luminance zones) and local adjustments on them."""

from engine.masks.local import (
    MASK_CLASSES,
    FoundRegions,
    MaskedEdit,
    find_regions,
    propose_local_adjustments,
    raster_mask,
)
from engine.masks.luminance import LuminanceZone, luminance_zones
from engine.masks.sky import SkyDetection, detect_sky
from engine.masks.subject import SubjectDetection, detect_subject, spectral_residual

__all__ = [
    "MASK_CLASSES",
    "FoundRegions",
    "LuminanceZone",
    "MaskedEdit",
    "SkyDetection",
    "SubjectDetection",
    "detect_sky",
    "detect_subject",
    "find_regions",
    "luminance_zones",
    "propose_local_adjustments",
    "raster_mask",
    "spectral_residual",
]
