"""Exposure: key, highlight placement, clipping, crushed shadows, use of the tonal range.

The exposure error uses the same two anchors as the analytic predictor (a photographic
key for the centre-weighted median, a target for the brightest 0.5 %), so the critic's
verdict and the predictor's ``Exposure2012`` agree in sign and size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from engine.critic._image import Linear, encoded, luminance, mask_place, plateau_at
from engine.critic.noise import measure_noise
from engine.predictors.analytic import (
    DARKEN_LIMIT_EV,
    HIGHLIGHT_HEADROOM_EV,
    HIGHLIGHT_TARGET,
    KEY,
    KEY_WEIGHT,
)

__all__ = [
    "BRIGHT_LEVEL",
    "CEILING_PERCENTILE",
    "CEILING_WINDOW",
    "CLIP_LEVEL",
    "CRUSH_LEVEL",
    "DETAIL_FREE_TOLERANCE",
    "GRAIN_FLOOR",
    "LOCKED_DETAIL_TOLERANCE",
    "LOCKED_RATIO_TOLERANCE",
    "MIN_PLATEAU",
    "PLAIN_TEXTURE",
    "ExposureMeasurement",
    "blown_plateau",
    "channel_detail",
    "channel_texture",
    "detail_free",
    "detail_lost",
    "exposure_error",
    "highlight_bound",
    "lone_plateau",
    "measure_exposure",
    "near_plateau",
    "ratio_locked",
]

#: Encoded value at or above which a channel counts as clipped (254/255).
CLIP_LEVEL = 254 / 255
#: Encoded luma above which a pixel with a clipped channel is a blown highlight (darker
#: pixels with one channel at 255 are saturated colours: see `saturation`).
BRIGHT_LEVEL = 0.9
#: Encoded luma (sRGB) at or below which a pixel counts as crushed to black (3/255).
CRUSH_LEVEL = 3 / 255
#: A channel's ceiling: its 99.9th percentile (encoded), so a few hot pixels do not set it.
CEILING_PERCENTILE = 99.9
#: Share of the frame on a flat plateau at a channel's ceiling that makes it a clip level.
MIN_PLATEAU = 0.0005
#: Texture, 8-bit levels (standard deviation over 5 × 5 px), below which the channels
#: left unclipped show a plain surface: a studio backdrop 1.4–1.8 on the corpus, a clear
#: or hazy sky 5–8.
PLAIN_TEXTURE = 3.0
#: Second difference (encoded, 3 × 3 Laplacian) within which a channel holds no detail at
#: all: a tenth of an 8-bit level.  Grain, noise, JPEG and the 8-bit steps of a smooth sky
#: all exceed it; a clipped area keeps within it whatever smooth edit moved it.
DETAIL_FREE_TOLERANCE = 0.1 / 255
#: Span of the natural log of a channel ratio over 3 × 3 px within which two channels hold
#: one fixed ratio (0.1 %): what two channels clipped together keep through any edit that
#: scales a pixel's channels together.
LOCKED_RATIO_TOLERANCE = 1e-3
#: Second difference (encoded, 3 × 3 Laplacian) within which a locked pair of channels
#: carries no detail of its own: one 8-bit level (grain and texture exceed it).
LOCKED_DETAIL_TOLERANCE = 1 / 255
#: Side (px) of the neighbourhood whose moved blown area sets a pixel's ceiling
#: (`near_plateau`): the gaps between leaves against a blown sky.
CEILING_WINDOW = 7
#: Luma noise, 8-bit levels (`noise.measure_noise`), below which a photo has no grain to
#: speak of (blurred, heavily denoised, rendered): every smooth light area of it holds no
#: detail, blown or not, so flatness is no evidence of a moved clip there and the rules
#: that read it (`detail_free`, `ratio_locked`, `lone_plateau`) stand down.  The corpus'
#: originals measure 0.54–4.5, their copies under every edit of the quality harness and
#: `benchmarks/critic_eval.py` 0.27 or more, and blurred by σ = 2 px 0.00–0.03 — where
#: those rules read up to 4.8 % of the frame as blown and pulled down to grey.
GRAIN_FLOOR = 0.1


@dataclass(frozen=True)
class ExposureMeasurement:
    """Exposure facts of one photo.

    Attributes:
        median_luminance: centre-weighted median linear luminance, 0..1.
        key_ev: log2(median / `KEY`), EV; < 0 darker than a normal key.
        highlight_ev: log2(99.5th percentile / `HIGHLIGHT_TARGET`), EV; < 0 the
            brightest tones stop short of white.
        highlight_level: the 99.5th luminance percentile as displayed (sRGB-encoded),
            0..1 (1 = white).
        error_ev: combined exposure error, EV, −4..+4; < 0 under-exposed (the analytic
            predictor's ``Exposure2012`` is about −error_ev).
        clipped: fraction 0..1 of blown highlights: a channel at or above `CLIP_LEVEL`
            that took detail with it (`detail_lost`) and encoded luma at or above
            `BRIGHT_LEVEL`; in a darkened frame, the same band below a channel's plateau
            ceiling instead (see `blown_plateau`); light patches with no detail in any
            channel, in a pair of channels locked in one ratio or in one channel under
            textured others, a blown area an edit moved (`detail_free`, `ratio_locked`,
            `lone_plateau`; in a photo with grain, `GRAIN_FLOOR`), and the pixels beside
            it that clip at its level (`near_plateau`).
        greyed: fraction 0..1 of the frame blown and pulled down to grey: the part of
            ``clipped`` whose brightest channel is below `BRIGHT_LEVEL` encoded.
        crushed: fraction 0..1 of pixels at or below `CRUSH_LEVEL`.
        range_used: encoded-luma span between the 0.5th and 99.5th percentiles, 0..1.
        clipped_where: where in the frame the clipped pixels gather ("" if none).
        crushed_where: where the crushed pixels gather ("" if none).
    """

    median_luminance: float
    key_ev: float
    highlight_ev: float
    highlight_level: float
    error_ev: float
    clipped: float
    greyed: float
    crushed: float
    range_used: float
    clipped_where: str
    crushed_where: str


def _centre_weighted_median(y: Linear) -> float:
    """Median with half the weight uniform and half a centred Gaussian (σ = 35 % a side)."""
    h, w = y.shape
    gy = np.exp(-0.5 * ((np.arange(h) - (h - 1) / 2) / (0.35 * h)) ** 2)
    gx = np.exp(-0.5 * ((np.arange(w) - (w - 1) / 2) / (0.35 * w)) ** 2)
    g = np.outer(gy, gx)
    weights = (0.5 / (h * w) + 0.5 * g / g.sum()).ravel()
    values = y.ravel()
    order = np.argsort(values)
    cum = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cum, cum[-1] / 2)])


def detail_lost(
    enc: Linear, clipped: NDArray[np.bool_], *, texture: Linear | None = None
) -> NDArray[np.bool_]:
    """Pixels whose clipped channels took detail with them, (H, W) bool.

    Two or three channels clipped: the pixel's luminance detail is gone.  One channel:
    only where the other two show texture (`PLAIN_TEXTURE` or more) — a sky's clouds,
    skin, foliage, which the clipped channel had too.  Over a plain surface there was
    nothing to lose: kodim15's mint backdrop holds green at 255 on 11 % of the frame
    while red and blue vary by 1.4 levels.

    Args:
        enc: (H, W, 3) sRGB-encoded pixels, 0..1.
        clipped: (H, W, 3) bool, the channels at their clip level.
        texture: `channel_texture` of ``enc`` when the caller has it already.
    """
    count = clipped.sum(axis=-1)
    single = count == 1
    if not single.any():
        return np.asarray(count >= 2)
    texture = channel_texture(enc) if texture is None else texture
    others = np.where(clipped, 0.0, texture).max(axis=-1)
    return np.asarray((count >= 2) | (single & (others >= PLAIN_TEXTURE)))


def blown_plateau(enc: Linear, luma_enc: Linear) -> NDArray[np.bool_]:
    """Pixels of a blown highlight that an edit has darkened, (H, W) bool.

    Only for a frame where no channel reaches `CLIP_LEVEL` any more (elsewhere the
    channels at 254–255 in a light pixel count, by `detail_lost`): a channel whose
    ceiling — its `CEILING_PERCENTILE`, at least mid grey encoded — is a clipping level
    (`MIN_PLATEAU` of the frame lies on a flat plateau there, see `_image.plateau_at`)
    counts every pixel within one 8-bit level of that ceiling, as 254–255 does for an
    unedited file, when its luma is within `BRIGHT_LEVEL` of the frame's brightest: a
    blown sky darkened by 1 EV is still blown.  `detail_lost` does not apply here: the
    channels that clipped with the plateau are as flat as a plain backdrop's, so their
    texture cannot tell the two apart.

    Args:
        enc: (H, W, 3) sRGB-encoded pixels, 0..1.
        luma_enc: (H, W) encoded luma, 0..1.
    """
    ceiling = np.percentile(enc.reshape(-1, 3), CEILING_PERCENTILE, axis=0)
    blown = np.zeros(luma_enc.shape, dtype=bool)
    if ceiling.max() >= CLIP_LEVEL:
        return blown
    for c in np.flatnonzero(ceiling >= 0.5):
        channel = enc[..., c]
        if plateau_at(channel, float(ceiling[c])).mean() >= MIN_PLATEAU:
            blown |= channel >= ceiling[c] - (1 - CLIP_LEVEL)  # 254–255, moved down
    return blown & (luma_enc >= BRIGHT_LEVEL * np.percentile(luma_enc, CEILING_PERCENTILE))


def detail_free(enc: Linear, *, detail: NDArray[np.float64] | None = None) -> NDArray[np.bool_]:
    """Light pixels with no detail in any channel, in patches of at least `MIN_PLATEAU`
    of the frame: a blown highlight wherever an edit has moved it, (H, W) bool.

    Clipping leaves every channel of a blown area with nothing but what later edits add,
    and tone, white-balance and masked edits are smooth: a warmer white balance tints a
    blown sky below 254 in blue, a soft mask darkening only the sky turns it into a smooth
    gradient; neither brings detail back.  Light: mean encoded value ≥ 0.5.  No detail:
    every channel's 3 × 3 Laplacian within `DETAIL_FREE_TOLERANCE` over the pixel's
    3 × 3 neighbourhood.  On the corpus' originals such patches are the areas at 255 in
    all three channels (kodim20's sky, 7.6 % of the frame; kodim24, 2.2 %) and nothing else.

    Args:
        enc: (H, W, 3) sRGB-encoded pixels, 0..1.
        detail: `channel_detail` of ``enc`` when the caller has it already.
    """
    detail = channel_detail(enc) if detail is None else detail
    return _large_patches((detail.max(axis=-1) <= DETAIL_FREE_TOLERANCE)
                          & (enc.mean(axis=-1) >= 0.5))


def ratio_locked(
    rgb: Linear, enc: Linear, *, detail: NDArray[np.float64] | None = None
) -> NDArray[np.bool_]:
    """Light pixels where two channels hold one fixed ratio and no detail of their own, in
    patches of at least `MIN_PLATEAU` of the frame: a highlight clipped in two channels,
    wherever an edit has moved it, (H, W) bool.

    Two channels clipped together are equal; an exposure, a white balance or a masked
    exposure scales a pixel's channels together, so the pair keeps one ratio (within
    `LOCKED_RATIO_TOLERANCE` over 3 × 3 px) and carries no detail but what the edit's mask
    adds (3 × 3 Laplacian within `LOCKED_DETAIL_TOLERANCE`).  The third channel keeps its
    own detail, so `detail_free` misses such an area — a sky blown in red and green,
    darkened through a mask that follows the trees (kodim20, kodim24, kodim06's corner).
    Light: mean encoded value ≥ 0.5.  On the corpus' 36 originals every such pixel is
    clipped already.

    Args:
        rgb: (H, W, 3) linear pixels, ≥ 0.
        enc: the same sRGB-encoded, 0..1.
        detail: `channel_detail` of ``enc`` when the caller has it already.
    """
    log_rgb = np.log(np.maximum(rgb, 1e-6).astype(np.float64))
    no_detail = (channel_detail(enc) if detail is None else detail) <= LOCKED_DETAIL_TOLERANCE
    locked = np.zeros(enc.shape[:2], dtype=bool)
    for a, b in ((0, 1), (0, 2), (1, 2)):
        ratio = log_rgb[..., a] - log_rgb[..., b]
        span = ndimage.maximum_filter(ratio, 3) - ndimage.minimum_filter(ratio, 3)
        locked |= (span <= LOCKED_RATIO_TOLERANCE) & no_detail[..., a] & no_detail[..., b]
    return _large_patches(locked & (enc.mean(axis=-1) >= 0.5))


def lone_plateau(
    enc: Linear,
    luma_enc: Linear,
    *,
    detail: NDArray[np.float64] | None = None,
    texture: Linear | None = None,
) -> NDArray[np.bool_]:
    """Light pixels where one channel holds no detail while the others carry texture, in
    patches of at least `MIN_PLATEAU` of the frame: a highlight clipped in one channel,
    wherever an edit has moved it below the clip level, (H, W) bool.

    `detail_lost`'s single-channel rule, with the clip level replaced by flatness: the
    channel's 3 × 3 Laplacian within `DETAIL_FREE_TOLERANCE` over its 3 × 3 neighbourhood,
    below `CLIP_LEVEL` (at it `detail_lost` decides), at least 0.5 encoded; the others'
    texture at least `PLAIN_TEXTURE` per unit of the flat channel's level (an edit that
    darkened the pixel shrank both together); luma at least `BRIGHT_LEVEL` of that level, a
    highlight rather than a saturated colour.  kodim12's clouds, clipped in green, keep a
    flat green 1.3 EV darker under the sky mask.  On the corpus' 36 originals it finds
    nothing.

    Args:
        enc: (H, W, 3) sRGB-encoded pixels, 0..1.
        luma_enc: (H, W) encoded luma, 0..1.
        detail: `channel_detail` of ``enc`` when the caller has it already.
        texture: `channel_texture` of ``enc`` when the caller has it already.
    """
    flat = (channel_detail(enc) if detail is None else detail) <= DETAIL_FREE_TOLERANCE
    texture = channel_texture(enc) if texture is None else texture
    found = np.zeros(luma_enc.shape, dtype=bool)
    for c in range(3):
        level = enc[..., c]
        others = np.delete(texture, c, axis=-1).max(axis=-1) / np.maximum(level, 0.5)
        found |= (flat[..., c] & (level >= 0.5) & (level < CLIP_LEVEL)
                  & (others >= PLAIN_TEXTURE) & (luma_enc >= BRIGHT_LEVEL * level))
    return _large_patches(found)


def near_plateau(
    enc: Linear,
    luma_enc: Linear,
    plateau: NDArray[np.bool_],
    *,
    texture: Linear | None = None,
) -> NDArray[np.bool_]:
    """Pixels beside a moved blown area that clip at its level, (H, W) bool.

    ``plateau`` (H, W) is a blown area an edit moved below the clip level (`detail_free`,
    `ratio_locked`, `lone_plateau`); its highest value in each channel within
    `CEILING_WINDOW` px is the local clip level, and the pixels whose channels reach it
    (within one 8-bit level) count as `detail_lost` counts channels at 254–255: the edges
    and the gaps between leaves that clipped with the sky, which carry detail of their own
    and so are not part of the plateau.  Luma at least `BRIGHT_LEVEL` of the ceiling, and
    the ceiling at least 0.5 encoded.  kodim24's blown sky darkened 1.2 EV through the
    house's mask keeps its gaps between the trees counted.

    Args:
        enc: (H, W, 3) sRGB-encoded pixels, 0..1.
        luma_enc: (H, W) encoded luma, 0..1.
        plateau: (H, W) bool, the moved blown area.
        texture: `channel_texture` of ``enc`` when the caller has it already.
    """
    ceiling = np.stack([ndimage.maximum_filter(np.where(plateau, enc[..., c], 0.0),
                                               CEILING_WINDOW) for c in range(3)], axis=-1)
    at_ceiling = (ceiling > 0) & (enc >= ceiling - (1 - CLIP_LEVEL)) & (enc < CLIP_LEVEL)
    top = ceiling.max(axis=-1)
    return np.asarray(detail_lost(enc, at_ceiling, texture=texture) & (top >= 0.5)
                      & (luma_enc >= BRIGHT_LEVEL * top))


def channel_texture(enc: Linear) -> Linear:
    """Each channel's standard deviation over 5 × 5 px, 8-bit levels, (H, W, 3): the
    texture `detail_lost` and `lone_plateau` ask of the channels beside a clipped one.

    Args:
        enc: (H, W, 3) sRGB-encoded pixels, 0..1.
    """
    mean = ndimage.uniform_filter(enc, (5, 5, 0))
    spread = ndimage.uniform_filter(enc * enc, (5, 5, 0)) - mean * mean
    return np.sqrt(np.maximum(spread, 0.0)) * 255


def channel_detail(enc: Linear) -> NDArray[np.float64]:
    """Each channel's largest 3 × 3 Laplacian (encoded) over the pixel's 3 × 3
    neighbourhood, (H, W, 3): the detail `detail_free`, `ratio_locked` and `lone_plateau`
    look for.

    Args:
        enc: (H, W, 3) sRGB-encoded pixels, 0..1.
    """
    return np.stack([ndimage.maximum_filter(np.abs(ndimage.laplace(
        enc[..., c].astype(np.float64))), 3) for c in range(3)], axis=-1)


def _large_patches(pixels: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """The connected patches of ``pixels`` (H, W) covering at least `MIN_PLATEAU` of it."""
    labels, count = ndimage.label(pixels)
    sizes = np.bincount(labels.ravel(), minlength=count + 1)
    large = sizes >= MIN_PLATEAU * pixels.size
    large[0] = False  # the background label
    return np.asarray(large[labels])


def _blend(key_ev: float, highlight_ev: float) -> float:
    """The mid-tones' key and the highlights' placement weighed together, EV."""
    return KEY_WEIGHT * key_ev + (1 - KEY_WEIGHT) * highlight_ev


def exposure_error(key_ev: float, highlight_ev: float) -> float:
    """The combined exposure error, EV (−4..+4; < 0 under-exposed), from the mid-tones'
    key and the highlights' placement (`ExposureMeasurement.key_ev`, ``highlight_ev``):
    their blend, within the analytic predictor's limits."""
    # Mirror of the predictor's limits: a high-key scene is not "over-exposed" because
    # its median is bright, as long as its highlights are not pushed past white.
    error = min(max(_blend(key_ev, highlight_ev), highlight_ev - HIGHLIGHT_HEADROOM_EV),
                highlight_ev + DARKEN_LIMIT_EV)
    return max(-4.0, min(4.0, error))


def highlight_bound(key_ev: float, highlight_ev: float) -> str:
    """Which of the highlights' limits decides `exposure_error`: ``"darken"`` when a bright
    scene's highlights cap how far it may darken (they would fall more than
    `DARKEN_LIMIT_EV` below their target), ``"brighten"`` when a dark scene's cap how far
    it may brighten (past `HIGHLIGHT_HEADROOM_EV` above it), ``""`` when neither does."""
    blend = _blend(key_ev, highlight_ev)
    if blend > highlight_ev + DARKEN_LIMIT_EV:
        return "darken"
    if blend < highlight_ev - HIGHLIGHT_HEADROOM_EV:
        return "brighten"
    return ""


def measure_exposure(rgb: Linear, *, grain: float | None = None) -> ExposureMeasurement:
    """Measure exposure on validated linear sRGB pixels (see `_image.prepare`).

    ``grain``: the photo's luma noise σ, 8-bit levels, when the caller has measured it
    (`noise.measure_noise`); below `GRAIN_FLOOR` no flat area counts as a moved clip.
    """
    y = luminance(rgb)
    median = max(_centre_weighted_median(y), 1e-5)
    p995 = max(float(np.percentile(y, 99.5)), 1e-5)
    key_ev = math.log2(median / KEY)
    highlight_ev = math.log2(p995 / HIGHLIGHT_TARGET)
    enc = encoded(rgb)
    luma_enc = encoded(y[..., None])[..., 0]
    # Each rule's per-channel detail and texture, computed once for all of them.
    texture = channel_texture(enc)
    clip_mask = (detail_lost(enc, enc >= CLIP_LEVEL, texture=texture)
                 & (luma_enc >= BRIGHT_LEVEL)) | blown_plateau(enc, luma_enc)
    grain = measure_noise(rgb).sigma_luma if grain is None else grain
    # Flatness means a moved clip only where there is grain (a NaN reading keeps the rules).
    if not grain < GRAIN_FLOOR:
        detail = channel_detail(enc)
        moved = (detail_free(enc, detail=detail) | ratio_locked(rgb, enc, detail=detail)
                 | lone_plateau(enc, luma_enc, detail=detail, texture=texture))
        clip_mask |= moved | near_plateau(enc, luma_enc, moved, texture=texture)
    crush_mask = luma_enc <= CRUSH_LEVEL
    lo, hi = np.percentile(luma_enc, [0.5, 99.5])
    return ExposureMeasurement(
        median_luminance=median,
        key_ev=key_ev,
        highlight_ev=highlight_ev,
        highlight_level=float(encoded(np.array([[[p995] * 3]], dtype=np.float32))[0, 0, 0]),
        error_ev=exposure_error(key_ev, highlight_ev),
        clipped=float(clip_mask.mean()),
        greyed=float((clip_mask & (enc.max(axis=-1) < BRIGHT_LEVEL)).mean()),
        crushed=float(crush_mask.mean()),
        range_used=float(hi - lo),
        clipped_where=mask_place(clip_mask),
        crushed_where=mask_place(crush_mask),
    )
