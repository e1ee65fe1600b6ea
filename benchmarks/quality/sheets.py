"""Images for eyeballing the harness: a contact sheet and a sky-mask sheet.

Both are grids of small labelled thumbnails saved as JPEG (``.jpg``) or PNG; JPEG keeps a
sheet of a whole corpus under a megabyte.

- `contact_sheet`: one *strip* per case — original | degraded | restored — with
  ``columns`` strips side by side; `sheet_cases` picks a compact subset (per photo, its
  first global degradation and one local one) so the sheet takes minutes, not the full run.
- `sky_sheet`: every photo with the detected sky tinted magenta and the straight horizon (when
  the detector gives one) drawn in yellow, or labelled "no sky".
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw

from benchmarks.quality.harness import Case, Linear
from engine.color.transfer import linear_to_srgb
from engine.masks import SkyDetection

__all__ = [
    "LABEL_HEIGHT",
    "contact_sheet",
    "sheet_cases",
    "sky_overlay",
    "sky_sheet",
    "strip_sheet",
]

#: Height of the caption band under each strip or tile, px.
LABEL_HEIGHT = 26
_GAP = 4  # px between strips
_SKY_TINT = np.array([1.0, 0.1, 0.6], dtype=np.float32)  # sRGB magenta: no sky is this colour
_SKY_OPACITY = 0.55


def _encode(linear: Linear) -> NDArray[np.float32]:
    return np.clip(linear_to_srgb(np.clip(linear, 0, 1)), 0, 1).astype(np.float32)


def _thumb(encoded: NDArray[np.float32], size: int) -> Image.Image:
    """An sRGB-encoded (H, W, 3) image 0..1 → a PIL thumbnail whose long side is ``size``."""
    img = Image.fromarray((encoded * 255 + 0.5).astype(np.uint8))
    img.thumbnail((size, size), Image.Resampling.LANCZOS)
    return img


def _grid(cells: Sequence[tuple[str, Sequence[Image.Image]]], tile: int, columns: int,
          path: Path) -> Path:
    """Lay each cell's thumbnails in ``tile``-px slots, caption below; save as JPEG or PNG."""
    width = tile * max(len(images) for _, images in cells)
    rows = -(-len(cells) // columns)
    sheet = Image.new("RGB", (columns * (width + _GAP) - _GAP,
                              rows * (tile + LABEL_HEIGHT + _GAP) - _GAP), "black")
    draw = ImageDraw.Draw(sheet)
    for n, (caption, images) in enumerate(cells):
        x0 = (n % columns) * (width + _GAP)
        y0 = (n // columns) * (tile + LABEL_HEIGHT + _GAP)
        for slot, img in enumerate(images):  # centred in its slot
            sheet.paste(img, (x0 + slot * tile + (tile - img.width) // 2,
                              y0 + (tile - img.height) // 2))
        draw.text((x0 + 2, y0 + tile + 1), caption, fill="white")
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() in (".jpg", ".jpeg"):
        sheet.save(path, quality=85, optimize=True)
    else:
        sheet.save(path, optimize=True)
    return path


def _describe(case: Case) -> str:
    """The degradation in a few words (the strongest sliders for a global one)."""
    if case.kind != "global":
        return f"{case.kind} only, exposure {case.degradation['LocalExposure2012']:+.1f} EV"
    d = case.degradation
    return (f"exposure {d['Exposure2012']:+.1f} EV, contrast {d['Contrast2012']:+.0f}, "
            f"temperature {d['IncrementalTemperature']:+.0f}")


def sheet_cases(cases: Sequence[Case]) -> list[Case]:
    """Per photo, its first global case and its sky case (else its subject case)."""
    photos: dict[str, dict[str, Case]] = {}
    for case in cases:
        photo = photos.setdefault(case.name.split("#")[0], {})
        photo.setdefault(case.kind, case)  # first of each kind
    picked = []
    for kinds in photos.values():
        picked += [kinds[k] for k in ("global",) if k in kinds]
        local = kinds.get("sky") or kinds.get("subject")
        picked += [local] if local is not None else []
    return picked


def contact_sheet(
    cases: Sequence[Case], restored: Sequence[Linear], path: Path, *,
    tile: int = 128, columns: int = 3,
) -> Path:
    """Save original | degraded | restored strips of ``cases``, ``columns`` strips a row.

    Args:
        cases: the cases, in sheet order.
        restored: each case's restored linear image.
        path: output ``.jpg`` or ``.png``.
        tile: long side of each thumbnail, px.
        columns: strips per row of the sheet.
    """
    return strip_sheet([(f"{case.name}\n{_describe(case)}", (case.original, case.degraded, image))
                        for case, image in zip(cases, restored, strict=True)],
                       path, tile=tile, columns=columns)


def strip_sheet(
    strips: Sequence[tuple[str, Sequence[Linear]]], path: Path, *,
    tile: int = 128, columns: int = 3,
) -> Path:
    """Save strips of linear images side by side, each with its caption (two short lines).

    Args:
        strips: (caption, linear (H, W, 3) images) per strip, in sheet order.
        path: output ``.jpg`` or ``.png``.
        tile: long side of each thumbnail, px.
        columns: strips per row of the sheet.
    """
    cells = [(caption, [_thumb(_encode(lin), tile) for lin in images])
             for caption, images in strips]
    return _grid(cells, tile, columns, path)


def sky_overlay(linear: Linear, sky: SkyDetection | None) -> NDArray[np.float32]:
    """The photo, sRGB-encoded 0..1, with the sky mask tinted magenta and the horizon drawn.

    Args:
        linear: (H, W, 3) linear sRGB the sky was detected on.
        sky: the detection, or None (the photo is returned unchanged).
    """
    enc = _encode(linear)
    if sky is None:
        return enc
    alpha = (_SKY_OPACITY * sky.mask)[..., None]
    out = enc * (1 - alpha) + _SKY_TINT * alpha
    if sky.horizon is not None:
        h, w = sky.mask.shape
        cols = np.arange(w)
        rows = np.round(np.interp(cols, [0, w - 1], sky.horizon) * h).astype(int)
        for dy in (-1, 0, 1):  # a 3 px line
            keep = (rows + dy >= 0) & (rows + dy < h)
            out[rows[keep] + dy, cols[keep]] = (1.0, 0.9, 0.0)
    return np.asarray(out, dtype=np.float32)


def sky_sheet(
    photos: Sequence[tuple[str, Linear, SkyDetection | None]], path: Path, *,
    tile: int = 200, columns: int = 6,
) -> Path:
    """Save every photo with its `sky_overlay`, captioned with the sky's share and confidence.

    Args:
        photos: (name, linear image, detection) per photo.
        path: output ``.jpg`` or ``.png``.
        tile: long side of each thumbnail, px.
        columns: thumbnails per row.
    """
    cells = []
    for name, linear, sky in photos:
        found = "no sky" if sky is None else f"sky {sky.fraction:.0%} of the frame, " \
            f"conf. {sky.confidence:.2f}{', horizon' if sky.horizon else ''}"
        cells.append((f"{name[:tile // 6]}\n{found}", [_thumb(sky_overlay(linear, sky), tile)]))
    return _grid(cells, tile, columns, path)
