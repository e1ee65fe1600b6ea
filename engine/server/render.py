"""The Render request: decode, develop with the develop model, encode."""

from __future__ import annotations

import time

import torch

from atelier.settings import settings_from_adjustments
from atelier.v1 import engine_pb2 as pb
from engine.errors import PhotoError
from engine.server.analysis import PhotoAccess, load_photo
from engine.server.formats import COLOR_SPACES, IMAGE_FORMATS

__all__ = ["render_photo"]

#: Full-resolution renders go through strips of this many rows (bounded memory).
TILE_ROWS = 512


def render_photo(request: pb.RenderRequest, access: PhotoAccess) -> pb.RenderResponse:
    """Render ``request.photo`` with its settings and masks.

    Raises:
        PhotoError: the photo cannot be read, or a value is out of range.
    """
    from engine.develop import encode_image, local_adjustments_from_pb, render
    from xmp.vocabulary import SliderRangeError

    if request.long_side and not 16 <= request.long_side <= 65535:
        raise PhotoError(f"long_side={request.long_side} is outside 16..65535 px")
    quality = request.jpeg_quality or 90
    if not 1 <= quality <= 100:
        raise PhotoError(f"jpeg_quality={quality} is outside 1..100")
    start = time.perf_counter()
    photo = load_photo(request.photo, access, request.long_side or None)
    settings = settings_from_adjustments(request.adjustments)
    try:
        local = local_adjustments_from_pb(request.masks)
        image = torch.from_numpy(photo.linear).permute(2, 0, 1)
        as_shot = photo.raw.as_shot_xy if photo.raw is not None else None
        with torch.no_grad():
            out = render(image, settings, local=local, as_shot_xy=as_shot,
                         tile_rows=TILE_ROWS if max(image.shape[1:]) > 2048 else None)
    except (SliderRangeError, ValueError) as exc:
        raise PhotoError(str(exc)) from None
    fmt, mime = IMAGE_FORMATS[request.format]
    data = encode_image(out, COLOR_SPACES[request.color_space], fmt, quality)
    return pb.RenderResponse(
        image=data, width=out.shape[2], height=out.shape[1], mime_type=mime,
        render_ms=(time.perf_counter() - start) * 1000,
    )
