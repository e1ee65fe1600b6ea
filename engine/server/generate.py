"""The Generate request: decode, develop, plan from words or the Critic, let an Artist work.

`generate_events` is a generator of ``GenerateEvent``: progress events while the work
runs in a worker thread, then one ``GeneratedImage``.  Errors are `PhotoError` with the
gRPC code to abort with; a caller that stops iterating (or whose ``cancelled()`` turns
True) stops the work at the Artist's next stage or strip.  One generation runs at a
time per engine (a full-size photo and its intermediates take gigabytes); later ones
report ``queued`` until their turn.
"""

from __future__ import annotations

import math
import queue
import threading
from collections.abc import Callable, Generator
from dataclasses import replace
from typing import Any

import grpc

from atelier.settings import adjustments_from_settings, settings_from_adjustments
from atelier.v1 import engine_pb2 as pb
from engine.errors import PhotoError
from engine.server.analysis import PhotoAccess, load_photo
from engine.server.formats import COLOR_SPACES, IMAGE_FORMATS

__all__ = ["GenerateCancelled", "NothingToGenerate", "generate_events", "validate"]

JPEG_QUALITY = 95
#: Concurrent generations per engine process.
_SLOTS = threading.BoundedSemaphore(1)
# Overall progress: decode and analysis before the Artist, encoding after it.
_ARTIST_START, _ARTIST_END = 0.1, 0.95


class GenerateCancelled(PhotoError):
    """The client cancelled the generation."""

    code = grpc.StatusCode.CANCELLED


class NothingToGenerate(PhotoError):
    """No instruction, and the Critic found nothing the Artist can fix."""

    code = grpc.StatusCode.FAILED_PRECONDITION


def validate(request: pb.GenerateRequest) -> str:
    """Check a request's fields; returns the backend name.

    Raises:
        PhotoError: a value out of range or unknown, with the field named.
    """
    from engine.artist import available_artists

    if request.photo.WhichOneof("source") is None:
        raise PhotoError("GenerateRequest.photo names no photo (set path or inline)")
    if not math.isfinite(request.strength) or not 0 <= request.strength <= 1:
        raise PhotoError(f"strength={request.strength} is outside 0..1 (0 = the default)")
    if request.long_side and not 16 <= request.long_side <= 65535:
        raise PhotoError(f"long_side={request.long_side} is outside 16..65535 px (0 = full size)")
    if request.format not in IMAGE_FORMATS:
        raise PhotoError(f"format={request.format} is not JPEG, TIFF16 or PNG")
    if request.color_space not in COLOR_SPACES:
        raise PhotoError(f"color_space={request.color_space} is not a known colour space")
    backend = request.backend or "classical"
    if backend not in available_artists():
        raise PhotoError(f"unknown backend {backend!r}; available: "
                         f"{', '.join(available_artists())}")
    if backend == "classical" and request.model:
        raise PhotoError("the classical backend uses no model; leave model empty")
    if backend == "diffusion" and not request.model:
        raise PhotoError("the diffusion backend needs model = a local model directory")
    return backend


class _Work:
    """One generation, run in a worker thread; events go to ``events``."""

    def __init__(self, request: pb.GenerateRequest, backend: str, access: PhotoAccess,
                 cancelled: Callable[[], bool]) -> None:
        self.request, self.backend, self.access = request, backend, access
        self.events: queue.Queue[pb.GenerateEvent | BaseException | None] = queue.Queue()
        self.stop = threading.Event()
        self._cancelled = cancelled

    def cancelled(self) -> bool:
        return self.stop.is_set() or self._cancelled()

    def progress(self, stage: str, fraction: float, message: str) -> None:
        self.events.put(pb.GenerateEvent(progress=pb.GenerateProgress(
            stage=stage, fraction=round(min(1.0, max(0.0, fraction)), 4), message=message)))

    def run(self) -> None:
        try:
            if not _SLOTS.acquire(blocking=False):
                self.progress("queued", 0.0, "waiting for the previous generation to finish")
                while not _SLOTS.acquire(timeout=0.2):
                    if self.cancelled():
                        raise GenerateCancelled("generation cancelled while queued")
            try:
                self.events.put(self._generate())
            finally:
                _SLOTS.release()
        except BaseException as exc:  # handed to the consumer, which raises it
            self.events.put(exc)
        finally:
            self.events.put(None)

    def _plan(self, photo: Any, settings: dict[str, float]) -> tuple[Any, str]:
        """The plan, from the words or from the Critic of the developed thumbnail."""
        from engine.artist.base import develop
        from engine.artist.haze import measure_haze
        from engine.artist.plan import Operation, Plan, UnknownInstruction, make_plan
        from engine.critic import get_critic
        from engine.critic._image import UncritiquablePhoto
        from engine.critic.review import measure
        from engine.predictors.base import Prediction

        r = self.request
        dev = replace(photo, linear=develop(photo, settings).permute(1, 2, 0).numpy())
        try:
            measurements = measure(dev.linear)
        except UncritiquablePhoto:
            measurements = None
        haze = measure_haze(dev.linear)
        instruction = r.instruction.strip()
        critique = None
        summary = ""
        if not instruction:
            if measurements is None:
                raise NothingToGenerate("the photo is too small to critique; give an instruction")
            critique = get_critic().critique(dev, Prediction(backend="develop-first"))
            summary = "; ".join(f"{i.attribute}: {i.description}" for i in critique.issues)
        if instruction and self.backend != "classical":
            # Learned backends follow any words; the plan is the instruction itself.
            plan = Plan((Operation("edit", r.strength or 0.5, "asked for"),), instruction,
                        "instruction")
        else:
            try:
                plan = make_plan(instruction, critique, measurements, haze, strength=r.strength)
            except UnknownInstruction as exc:
                raise PhotoError(str(exc)) from None
        if not plan.operations:
            found = (f"only {summary} — not noise, blur, darkness or haze" if summary
                     else "no issues")
            raise NothingToGenerate(
                f"nothing for the Artist to fix: the Critic found {found}; give an "
                "instruction to ask for something")
        return plan, summary

    def _generate(self) -> pb.GenerateEvent:
        from engine.artist import get_artist
        from engine.artist.base import GenerationCancelled, Job
        from engine.decode import DEFAULT_ANALYSIS_SIZE
        from engine.decode.thumbnail import shrink_linear
        from engine.develop import encode_image
        from engine.predictors import get_predictor
        from xmp.vocabulary import SliderRangeError

        r = self.request
        options = {"model": r.model} if r.model else {}
        try:
            artist = get_artist(self.backend, **options)
        except ValueError as exc:  # includes a model directory that is not one
            raise PhotoError(str(exc)) from None
        self.progress("decode", 0.0, "decoding the photo")
        photo = load_photo(r.photo, self.access, r.long_side or None)
        if self.cancelled():
            raise GenerateCancelled("generation cancelled")
        h, w = photo.linear.shape[:2]
        thumb = replace(photo, linear=shrink_linear(photo.linear, DEFAULT_ANALYSIS_SIZE))
        settings = settings_from_adjustments(r.adjustments)
        source = "the request's settings"
        if not settings:
            prediction = get_predictor("analytic").predict(thumb)
            settings, source = dict(prediction.settings), f"the {prediction.backend} prediction"
        self.progress("critique", 0.05, f"measuring the developed photo ({w}×{h} px)")
        try:
            plan, critique_summary = self._plan(thumb, settings)
        except (SliderRangeError, ValueError) as exc:
            raise PhotoError(str(exc)) from None

        def artist_progress(stage: str, fraction: float, message: str) -> None:
            span = _ARTIST_END - _ARTIST_START
            self.progress(stage, _ARTIST_START + span * fraction, message)

        job = Job(photo=photo, settings=settings, plan=plan, seed=r.seed)
        try:
            result = artist.generate(job, artist_progress, self.cancelled)
        except GenerationCancelled:
            raise GenerateCancelled("generation cancelled") from None
        except (SliderRangeError, ValueError) as exc:
            raise PhotoError(str(exc)) from None
        fmt, mime = IMAGE_FORMATS[r.format]
        self.progress("encode", _ARTIST_END, f"encoding {fmt.upper()}")
        data = encode_image(result.linear, COLOR_SPACES[r.color_space], fmt, JPEG_QUALITY)
        why = (f"No instruction: the Critic's issues led ({critique_summary}). "
               if critique_summary else f"Instruction: “{plan.instruction}”. ")
        description = (f"{why}Developed first with {len(settings)} settings from {source}; "
                       f"then {result.description}")
        self.progress("done", 1.0, "done")
        return pb.GenerateEvent(result=pb.GeneratedImage(
            image=data, width=result.linear.shape[2], height=result.linear.shape[1],
            mime_type=mime, backend=result.backend, operations=result.operations,
            description=description,
            adjustments=adjustments_from_settings(settings, {}),
        ))


def generate_events(
    request: pb.GenerateRequest, access: PhotoAccess, cancelled: Callable[[], bool]
) -> Generator[pb.GenerateEvent, None, None]:
    """Progress events, then one ``GeneratedImage`` (see the module docstring).

    Raises:
        PhotoError: a bad request or photo (``code`` INVALID_ARGUMENT, NOT_FOUND…),
            `NothingToGenerate` (FAILED_PRECONDITION), `GenerateCancelled` (CANCELLED),
            or an internal failure (INTERNAL, with the exception named).
    """
    backend = validate(request)
    work = _Work(request, backend, access, cancelled)
    thread = threading.Thread(target=work.run, name="atelier-generate", daemon=True)
    thread.start()
    try:
        while (item := work.events.get()) is not None:
            if isinstance(item, PhotoError):
                raise item
            if isinstance(item, BaseException):
                error = PhotoError(f"internal error: {type(item).__name__}: {item}")
                error.code = grpc.StatusCode.INTERNAL
                raise error from item
            yield item
    finally:
        work.stop.set()  # the consumer left early (cancelled) or the work ended
