"""Before/after previews for the review report, rendered by the engine's develop model."""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import grpc
from PIL import Image

from atelier.settings import adjustments_from_settings, suggested_edit
from atelier.v1 import engine_pb2 as pb
from bridge.client import EngineClient
from bridge.output import suggestion_line
from bridge.report.html import ReportEntry

__all__ = ["PREVIEW_LONG_SIDE", "mask_overlay", "report_entry"]

#: Long side of report previews, px (sharp on a laptop screen, ~100 kB per JPEG).
PREVIEW_LONG_SIDE = 720


def _render(
    client: EngineClient, path: Path, adjustments: pb.AdjustmentSet,
    masks: list[pb.MaskedAdjustment], long_side: int,
) -> bytes:
    request = pb.RenderRequest(photo=pb.PhotoRef(path=str(path)), adjustments=adjustments,
                               masks=masks, long_side=long_side, jpeg_quality=85,
                               format=pb.IMAGE_FORMAT_JPEG, color_space=pb.COLOR_SPACE_SRGB)
    return client.render(request).image


def mask_overlay(after_jpeg: bytes, masked: pb.MaskedAdjustment,
                 long_side: int = 280) -> bytes | None:
    """The after preview with the mask's raster form tinted orange-red, as a small JPEG;
    None when the mask has no raster form."""
    rasters = [c.raster for f in masked.forms for c in f.components if c.HasField("raster")]
    if not rasters:
        return None
    with Image.open(io.BytesIO(after_jpeg)) as im:
        picture = im.convert("RGB")
    with Image.open(io.BytesIO(rasters[0].png)) as m:
        weight = m.convert("L").resize(picture.size, Image.Resampling.BILINEAR)
    tinted = Image.blend(picture, Image.new("RGB", picture.size, (255, 70, 30)), 0.55)
    mixed = Image.composite(tinted, picture, weight)
    mixed.thumbnail((long_side, long_side))
    out = io.BytesIO()
    mixed.save(out, "JPEG", quality=80)
    return out.getvalue()


def report_entry(
    client: EngineClient, record: Mapping[str, Any], analysis: pb.Analysis | None,
    *, critique_only: bool = False, long_side: int = PREVIEW_LONG_SIDE,
) -> ReportEntry:
    """A report card for one ``--json`` record, with previews when the photo was analysed.

    ``critique_only`` (``atelier critique``, which writes no develop settings): the after
    preview is the photo developed with the critique's suggestions together
    (`atelier.settings.suggested_edit`, as the engine checked them), and the suggestions,
    not the predictor's settings, say what changed; otherwise the card shows the
    auto-adjust and the critique's text only, as ``enhance --critique`` prints only the
    score.  A preview that cannot be rendered leaves the card without pictures and says
    why, rather than failing the report.
    """
    entry = ReportEntry(path=record["path"], status=record["status"],
                        error=record.get("error", record.get("reason", "")))
    if not critique_only:
        entry.settings = record.get("settings", {})
        entry.reasons = record.get("reasons", {})
        entry.masks = record.get("masks", [])
    if analysis is None or record["status"] != "ok":
        return entry
    adjustments, masks = analysis.adjustments, list(analysis.masks)
    if critique_only:
        settings, masks = suggested_edit(analysis.critique.suggestions)
        adjustments = adjustments_from_settings(settings)
    path = Path(record["path"])
    try:
        entry.before_jpeg = _render(client, path, pb.AdjustmentSet(), [], long_side)
        entry.after_jpeg = _render(client, path, adjustments, masks, long_side) \
            if adjustments.ListFields() or masks else entry.before_jpeg
    except grpc.RpcError as exc:
        entry.before_jpeg = entry.after_jpeg = None
        entry.error = f"preview not rendered: {exc.details()}"
    if entry.after_jpeg:
        entry.mask_overlays = {m.name: overlay for m in masks
                               if (overlay := mask_overlay(entry.after_jpeg, m)) is not None}
    if analysis.HasField("critique"):
        entry.score = analysis.critique.score
        entry.critique = analysis.critique.reasoning
        if critique_only:  # beside the auto-adjust they would read as a second edit
            entry.suggestions = [suggestion_line(s.text, s.expected_gain)
                                 for s in analysis.critique.suggestions]
    return entry
