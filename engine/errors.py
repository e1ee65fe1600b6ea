"""Per-photo errors, each with the gRPC status code it maps to.

The message of every error is written for the photographer: it names the photo's
problem specifically ("truncated JPEG: …"), never a stack trace.
"""

from __future__ import annotations

import grpc

__all__ = [
    "CorruptPhoto",
    "PhotoError",
    "PhotoNotFound",
    "PhotoPermissionDenied",
    "PhotoTooLarge",
    "UnsupportedPhoto",
]


class PhotoError(Exception):
    """A photo could not be processed; ``code`` is the matching gRPC status."""

    code: grpc.StatusCode = grpc.StatusCode.INVALID_ARGUMENT


class PhotoNotFound(PhotoError):
    """The path does not exist or is not a file."""

    code = grpc.StatusCode.NOT_FOUND


class PhotoPermissionDenied(PhotoError):
    """The engine may not read the file (or it is outside the allowed roots)."""

    code = grpc.StatusCode.PERMISSION_DENIED


class UnsupportedPhoto(PhotoError):
    """Not a photo format Atelier reads."""


class CorruptPhoto(PhotoError):
    """A known format whose data is damaged (truncated, zero bytes, undecodable raw)."""


class PhotoTooLarge(PhotoError):
    """Dimensions or pixel count beyond the decoder's limits."""
