"""``atelier render PHOTO -o OUT``: the photo developed with given settings, as a new file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bridge.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE

__all__ = ["register", "run"]

_FORMATS = {".jpg": "IMAGE_FORMAT_JPEG", ".jpeg": "IMAGE_FORMAT_JPEG",
            ".tif": "IMAGE_FORMAT_TIFF16", ".tiff": "IMAGE_FORMAT_TIFF16",
            ".png": "IMAGE_FORMAT_PNG"}
_SPACES = {"srgb": "COLOR_SPACE_SRGB", "p3": "COLOR_SPACE_DISPLAY_P3",
           "adobergb": "COLOR_SPACE_ADOBE_RGB", "prophoto": "COLOR_SPACE_PROPHOTO_RGB"}


def register(sub: Any) -> None:
    """Add ``render`` to the CLI's subparsers."""
    from bridge.connect import add_engine_arguments

    parser = sub.add_parser(
        "render", help="render a photo with develop settings into a new image file",
        description="Develop PHOTO with the engine's develop model and write the result to OUT "
        "(JPEG, 16-bit TIFF or PNG, with an embedded ICC profile).  The settings come from a "
        "JSON file with Lightroom names (e.g. `atelier enhance --json` output) or from the "
        "photo's own XMP.  The original is never written.",
    )
    parser.add_argument("photo", type=Path, metavar="PHOTO")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--settings", type=Path, metavar="FILE.json",
                        help="Lightroom-keyed settings, a photos[] record or an enhance --json "
                             "document")
    source.add_argument("--from-xmp", action="store_true",
                        help="use the crs: settings in the photo's sidecar or embedded XMP")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="OUT",
                        help="output file: .jpg, .tif (16-bit) or .png")
    parser.add_argument("--size", type=int, default=0, metavar="PX",
                        help="long side in px (default: full resolution)")
    parser.add_argument("--space", choices=sorted(_SPACES), default="srgb",
                        help="output colour space (default %(default)s)")
    parser.add_argument("--quality", type=int, default=92, help="JPEG quality 1..100")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing OUT")
    add_engine_arguments(parser)
    parser.set_defaults(func=run)


def _check(args: argparse.Namespace) -> str | None:
    """A usage problem, or None."""
    out = args.output
    if out.suffix.lower() not in _FORMATS:
        return f"-o {out}: use .jpg, .tif or .png"
    if not args.photo.is_file():
        return f"{args.photo}: no such photo"
    if out.resolve() == args.photo.resolve():
        return "the output would overwrite the original photo; choose another -o"
    if out.exists() and not args.overwrite:
        return f"{out} exists (--overwrite replaces it)"
    if args.size and not 16 <= args.size <= 65535:
        return f"--size {args.size} is outside 16..65535 px"
    if not 1 <= args.quality <= 100:
        return f"--quality {args.quality} is outside 1..100"
    return None


def run(args: argparse.Namespace) -> int:
    """Render; exit 1 when the engine cannot, 2 on bad usage."""
    import grpc

    from atelier.settings import adjustments_from_settings
    from atelier.v1 import engine_pb2 as pb
    from bridge.connect import connect
    from bridge.engine_process import EngineStartError
    from bridge.settings_source import SettingsError, settings_from_json, settings_from_xmp
    from xmp.exiftool import ExifToolSession
    from xmp.packet import XmpError
    from xmp.write import atomic_write

    if problem := _check(args):
        print(f"atelier render: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.settings:
            settings = settings_from_json(args.settings, args.photo)
        else:
            with ExifToolSession() as et:
                settings = settings_from_xmp(args.photo, et)
        adjustments = adjustments_from_settings(settings)
    except (SettingsError, XmpError, ValueError) as exc:
        print(f"atelier render: {exc}", file=sys.stderr)
        return EXIT_USAGE
    request = pb.RenderRequest(
        photo=pb.PhotoRef(path=str(args.photo.resolve())), adjustments=adjustments,
        long_side=args.size, jpeg_quality=args.quality,
        format=_FORMATS[args.output.suffix.lower()],
        color_space=_SPACES[args.space],
    )
    try:
        with connect(args, quiet=True) as engine:
            reply = engine.client.render(request)
    except EngineStartError as exc:
        print(f"atelier render: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except grpc.RpcError as exc:
        print(f"atelier render: {args.photo.name}: {exc.details()}", file=sys.stderr)
        return EXIT_FAILED
    args.output.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(args.output, reply.image)
    print(f"{args.output}: {reply.width}×{reply.height} {reply.mime_type}, "
          f"{len(settings)} settings, {reply.render_ms:.0f} ms")
    return EXIT_OK
