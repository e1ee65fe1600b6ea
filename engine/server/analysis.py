"""What the servicer does per request, as plain functions (easy to test and reuse)."""

from __future__ import annotations

import threading
import time
from functools import cache
from pathlib import Path

from atelier.settings import adjustments_from_settings
from atelier.v1 import engine_pb2 as pb
from engine.critic import DEFAULT_CRITIC, Critic, get_critic
from engine.decode import DEFAULT_ANALYSIS_SIZE, decode_photo, photo_info_to_proto
from engine.decode.types import DecodedPhoto
from engine.errors import PhotoError, PhotoNotFound, PhotoPermissionDenied
from engine.predictors import Prediction, Predictor, get_predictor

__all__ = ["PhotoAccess", "analyze", "critic_for", "load_photo", "predictor_for"]

_lock = threading.Lock()
_critic_lock = threading.Lock()


@cache
def _predictor(name: str, style_profile: str, profile_stamp: int) -> Predictor:
    if style_profile:
        from engine.style.predictor import StylePredictor  # personal style wraps a base

        return StylePredictor(Path(style_profile), base=get_predictor(name))
    return get_predictor(name)


def predictor_for(options: pb.AnalyzeOptions) -> Predictor:
    """The (cached, shared) predictor a request asks for.

    A style profile is cached by its path and modification time, so a profile learned
    again at the same path is picked up by a running engine.

    Raises:
        PhotoError: unknown predictor, or a missing or unreadable style profile.
    """
    stamp = 0
    if options.style_profile:
        from engine.style.profile import PROFILE_NAME

        try:
            stamp = (Path(options.style_profile) / PROFILE_NAME).stat().st_mtime_ns
        except OSError:
            stamp = -1  # StylePredictor names what is missing
    try:
        with _lock:
            return _predictor(options.predictor, options.style_profile, stamp)
    except (ValueError, FileNotFoundError) as exc:
        raise PhotoError(str(exc)) from None


class PhotoAccess:
    """Which paths the engine may read: anything, or only under ``roots``."""

    def __init__(self, roots: list[Path] | None = None) -> None:
        self.roots = [r.resolve() for r in roots or []]

    def check(self, path: Path) -> Path:
        resolved = path.resolve()
        if self.roots and not any(resolved.is_relative_to(r) for r in self.roots):
            raise PhotoPermissionDenied(f"{path} is outside the engine's allowed photo roots")
        return resolved


def load_photo(ref: pb.PhotoRef, access: PhotoAccess, long_side: int | None) -> DecodedPhoto:
    """Decode the photo a ``PhotoRef`` names (thumbnail of ``long_side`` px, or full)."""
    from engine.decode import decode_full

    kind = ref.WhichOneof("source")
    if kind == "path":
        if not ref.path:
            raise PhotoNotFound("PhotoRef.path is empty")
        path = access.check(Path(ref.path))
        return decode_photo(path, long_side=long_side) if long_side else decode_full(path)
    if kind == "inline":
        data, name = ref.inline.data, ref.inline.file_name
        if long_side:
            return decode_photo(data, file_name=name, long_side=long_side)
        return decode_full(data, file_name=name)
    raise PhotoNotFound("PhotoRef names no photo (set path or inline)")


def analyze(request: pb.AnalyzeRequest, access: PhotoAccess) -> pb.AnalyzeResponse:
    """Decode, predict global settings, optionally masks; per-photo errors as a response."""
    response = pb.AnalyzeResponse(request_id=request.request_id)
    options = request.options
    size = options.analysis_size or DEFAULT_ANALYSIS_SIZE
    try:
        if not 64 <= size <= 4096:
            raise PhotoError(f"analysis_size={size} is outside 64..4096 px")
        t0 = time.perf_counter()
        photo = load_photo(request.photo, access, size)
        t1 = time.perf_counter()
        predictor = predictor_for(options)
        prediction, masks = _masks(options, photo, predictor.predict(photo), predictor)
        critique = _critique(photo, prediction, options) if options.critique else None
        t2 = time.perf_counter()
    except PhotoError as exc:
        response.error.code = exc.code.value[0]
        response.error.message = str(exc)
        return response
    analysis = response.analysis
    analysis.info.CopyFrom(photo_info_to_proto(photo.info))
    adjustments = adjustments_from_settings(prediction.settings, prediction.reasons)
    analysis.adjustments.CopyFrom(adjustments)
    analysis.masks.extend(masks)
    if critique is not None:
        analysis.critique.CopyFrom(critique)
    analysis.predictor = prediction.backend
    analysis.decode_ms = (t1 - t0) * 1000
    analysis.analyze_ms = (t2 - t1) * 1000
    return response


@cache
def _critic(name: str, model: str) -> Critic:
    # Suggestions are checked before they are made: each rendered with the develop model
    # and kept only if the re-measured score rises (about 0.5 s more a photo at 512 px).
    return get_critic(name, model=model, check=True) if model else get_critic(name, check=True)


def critic_for(options: pb.AnalyzeOptions) -> Critic:
    """The (cached, shared) critic a request asks for (``critic``, ``critic_model``).

    A model is loaded once per directory, under its own lock (loading a VLM takes long
    and must not hold up the predictors).

    Raises:
        PhotoError: unknown critic, a model directory the critic cannot load, or a
            ``critic_model`` for the weight-free critic.
    """
    name = options.critic or DEFAULT_CRITIC
    if name == DEFAULT_CRITIC and options.critic_model:
        raise PhotoError(f"the {DEFAULT_CRITIC} critic uses no model; leave critic_model empty")
    try:
        with _critic_lock:
            return _critic(name, options.critic_model)
    except ValueError as exc:
        raise PhotoError(str(exc)) from None


def _critique(
    photo: DecodedPhoto, prediction: Prediction, options: pb.AnalyzeOptions
) -> pb.Critique:
    return critic_for(options).critique(photo, prediction)


def _masks(
    options: pb.AnalyzeOptions, photo: DecodedPhoto, prediction: Prediction, predictor: Predictor
) -> tuple[Prediction, list[pb.MaskedAdjustment]]:
    """The global prediction (re-judged when regions get a local exposure) and the masks."""
    if options.mask_mode == pb.MASK_MODE_NONE:
        return prediction, []
    from engine.masks import MASK_CLASSES, propose_local_adjustments

    classes = list(options.mask_classes) if options.mask_mode == pb.MASK_MODE_LIST else None
    if classes is not None and (unknown := set(classes) - set(MASK_CLASSES)):
        known = ", ".join(MASK_CLASSES)
        raise PhotoError(f"unknown mask classes {sorted(unknown)}; known: {known}")
    edit = propose_local_adjustments(photo, prediction, predictor,
                                     classes=classes or MASK_CLASSES)
    return edit.prediction, edit.masks
