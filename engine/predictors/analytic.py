"""The analytic auto-adjust: weight-free, deterministic, explained.

Measurements on the analysis thumbnail in scene-linear light (Rec. 709 luminance Y). The
tails (luminance percentiles, clipped and crushed fractions) are taken on the thumbnail as it
is, since area averaging dims small bright highlights; everything else on the thumbnail
averaged down to `STATISTICS_SIZE`, where it barely changes and costs a quarter.

- **Exposure** blends two corrections that each move by exactly 1 EV when the photo
  does: bringing the centre-weighted median luminance to a photographic key (`KEY`) and
  bringing the 99.5th percentile to `HIGHLIGHT_TARGET`; the result is kept within
  −`DARKEN_LIMIT_EV` / +`HIGHLIGHT_HEADROOM_EV` of the highlight correction, so bright,
  high-key scenes are not dragged down to grey and highlights are not blown.
- **Whites / Blacks** move the end points from the 99.7th / 0.5th percentiles and the
  fractions clipped or crushed after exposure.
- **Highlights / Shadows** answer the mass in the tails (fraction of pixels brighter than
  0.6 / darker than 0.02 after exposure).
- **Contrast** answers the spread of log-luminance (flat, hazy scenes get more).
- **Vibrance** answers the mean saturation of mid-tones.
- **White balance**: shades-of-grey illuminant estimate → CCT/Duv (colour-science) →
  Lightroom ``Temperature``/``Tint`` for raw (relative to the as-shot white) or
  ``IncrementalTemperature``/``IncrementalTint`` for rendered files, correcting
  `WB_STRENGTH` of the cast (less for warm light, which people like to keep warm).
- A **black-and-white or toned** photo keeps its colour: no vibrance, and its toning is
  not a cast to neutralise (`engine.predictors.monochrome`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from engine.color.channels import REC709_LUMA, channel_max, channel_min
from engine.color.transfer import linear_to_srgb
from engine.color.white_balance import (
    MIRED_PER_UNIT,
    d65_cct_duv,
    duv_to_tint,
    estimate_illuminant,
    rgb_to_xy,
    shift_to_incremental,
    xy_to_cct_duv,
)
from engine.decode.types import DecodedPhoto
from engine.predictors.base import Prediction
from engine.predictors.monochrome import keep_monochrome_colour
from engine.typography import signed
from xmp.vocabulary import global_slider

__all__ = ["AnalyticPredictor"]

_Put = Callable[[str, float, str], None]

KEY = 0.13  # linear luminance the median is moved toward (≈ 40 % sRGB)
HIGHLIGHT_TARGET = 0.85  # where the 99.5th luminance percentile should land
KEY_WEIGHT = 0.35  # share of the key term; the rest anchors the highlights
HIGHLIGHT_HEADROOM_EV = 0.7  # how far past HIGHLIGHT_TARGET highlights may be pushed
DARKEN_LIMIT_EV = 0.3  # how far below HIGHLIGHT_TARGET highlights may be pulled
EXPOSURE_DEADBAND_EV = 0.08
WB_STRENGTH = 0.8  # share of a colour cast corrected
WARM_LIGHT_STRENGTH = 0.6  # … for light warmer than 4000 K
TINT_STRENGTH = 0.5  # share of a tint cast corrected
TEMP_SOFT_LIMIT = 50.0  # IncrementalTemperature units
TINT_SOFT_LIMIT = 25.0  # IncrementalTint units


def _weighted_median(values: NDArray[np.float32], weights: NDArray[np.float32]) -> float:
    order = np.argsort(values)
    cum = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cum, cum[-1] / 2)])


def _centre_weights(h: int, w: int) -> NDArray[np.float32]:
    """Half uniform, half a centred Gaussian (σ = 35 % of each side), summing to 1."""
    y = (np.arange(h, dtype=np.float32) - (h - 1) / 2) / (0.35 * h)
    x = (np.arange(w, dtype=np.float32) - (w - 1) / 2) / (0.35 * w)
    g = np.exp(-0.5 * (y[:, None] ** 2 + x[None, :] ** 2))
    weights = 0.5 / (h * w) + 0.5 * g / g.sum()
    return weights.astype(np.float32)


#: Long side, px, the statistics other than the tails are taken at (the 512 px thumbnail
#: halved): beyond it they barely change (see the direction tests) while the cost grows.
STATISTICS_SIZE = 256


def _statistics_size(rgb: NDArray[np.float32]) -> NDArray[np.float32]:
    """``rgb`` (H, W, 3) area-averaged by an integer factor to about `STATISTICS_SIZE`."""
    # never below one pixel on the short side (a thin mask's bounding box, say)
    factor = min(max(rgb.shape[:2]) // STATISTICS_SIZE, min(rgb.shape[:2]))
    if factor < 2:
        return rgb
    h, w = (rgb.shape[0] // factor) * factor, (rgb.shape[1] // factor) * factor
    # a sum of factor² strided views: numpy reduces over reshaped block axes ~6× slower
    total = rgb[0:h:factor, 0:w:factor].astype(np.float32)  # a copy to add into
    for i in range(factor):
        for j in range(factor):
            if i or j:
                total += rgb[i:h:factor, j:w:factor]
    return total / np.float32(factor * factor)


def _finite(rgb: NDArray[np.float32]) -> NDArray[np.float32]:
    """``rgb`` with NaN → 0, +inf → 1 and negatives → 0 (copied only if any is present)."""
    # the check is ~10× cheaper than the clean-up, which decoded photos almost never need
    if np.isfinite(rgb).all() and rgb.min(initial=0.0) >= 0.0:
        return rgb
    return np.maximum(np.nan_to_num(rgb, nan=0.0, posinf=1.0), 0.0)


class _Tails(NamedTuple):
    """Tail statistics of the full-size thumbnail, linear luminance before exposure.

    Attributes:
        y: (H, W) luminance, ≥ 0.
        peak: (H, W) brightest channel of each pixel, ≥ 0.
        p005, p995, p997: the 0.5th, 99.5th and 99.7th luminance percentiles.
    """

    y: NDArray[np.float32]
    peak: NDArray[np.float32]
    p005: float
    p995: float
    p997: float

    @classmethod
    def of(cls, rgb: NDArray[np.float32]) -> _Tails:
        """The tails of ``rgb`` (H, W, 3), finite and ≥ 0."""
        y = rgb @ REC709_LUMA
        p005, p995, p997 = (float(v) for v in np.percentile(y, [0.5, 99.5, 99.7]))
        return cls(y, channel_max(rgb), p005, p995, p997)


def _round(name: str, value: float) -> float:
    slider = global_slider(name)
    value = slider.clamp(value)
    return round(value, slider.decimals) if slider.decimals else float(round(value))


class AnalyticPredictor:
    """Weight-free auto-adjust (see the module docstring for the method)."""

    name = "analytic"
    version = "1"

    def predict(self, photo: DecodedPhoto) -> Prediction:
        """Settings and reasons for ``photo``'s analysis thumbnail."""
        full = _finite(np.asarray(photo.linear, dtype=np.float32))
        tails = _Tails.of(full)
        rgb = _statistics_size(full)
        y = rgb @ REC709_LUMA
        out = Prediction(backend=f"{self.name}/{self.version}")

        def put(name: str, value: float, reason: str) -> None:
            out.settings[name] = _round(name, value)
            out.reasons[name] = reason

        ev = self._exposure(y, tails.p995, put)
        gain = 2.0**ev
        self._tones((y * gain).ravel(), tails, gain, put)
        self._vibrance(rgb * gain, y * gain, put)
        self._white_balance(photo, rgb, put)
        return keep_monochrome_colour(photo, out)

    @staticmethod
    def _exposure(y: NDArray[np.float32], p995: float, put: _Put) -> float:
        """``y``: (H, W) luminance (averaging barely moves its median); ``p995``: its
        99.5th percentile on the full-size thumbnail (2×2 averaging lowered it, and the
        median exposure error on the quality harness's global cases grew 0.30 → 0.35 EV)."""
        median = max(_weighted_median(y.ravel(), _centre_weights(*y.shape).ravel()), 1e-5)
        p995 = max(p995, 1e-5)
        to_key = math.log2(KEY / median)
        to_white = math.log2(HIGHLIGHT_TARGET / p995)
        blend = KEY_WEIGHT * to_key + (1 - KEY_WEIGHT) * to_white
        # Both terms move by exactly 1 EV when the photo does, so the correction does too.
        ev = min(max(blend, to_white - DARKEN_LIMIT_EV), to_white + HIGHLIGHT_HEADROOM_EV)
        ev = max(-4.0, min(4.0, ev))
        facts = f"median luminance {median:.3f}, brightest 0.5 % at {p995:.2f}"
        if abs(ev) < EXPOSURE_DEADBAND_EV:
            put("Exposure2012", 0.0, f"{facts}: already well exposed")
            return 0.0
        reason = (f"{facts} → {signed(ev, ' EV', 2)} toward a key of {KEY} "
                  "with highlights near white")
        if ev < blend:
            reason += " (held back to keep highlight detail)"
        elif ev > blend:
            reason += " (limited so bright highlights are not dimmed)"
        put("Exposure2012", ev, reason)
        return ev

    @staticmethod
    def _tones(ye: NDArray[np.float32], tails: _Tails, gain: float, put: _Put) -> None:
        """``ye``: luminance after exposure (``gain``, linear); ``tails`` before it."""
        p997, p005 = tails.p997 * gain, tails.p005 * gain
        clipped = float(np.mean(tails.peak >= 0.99 / gain))
        crushed = float(np.mean(tails.y < 5e-4 / gain))
        if clipped > 0.003:
            put("Whites2012", -min(40.0, 5 + clipped * 800),
                f"{clipped:.1%} of pixels clip after exposure → pull the white point down")
        elif p997 < 0.75:
            put("Whites2012", min(35.0, 5 + (0.9 - p997) * 60),
                f"brightest tones reach only {p997:.2f} → lift the white point")
        else:
            put("Whites2012", 0.0, f"white point well placed (99.7th percentile {p997:.2f})")
        if crushed > 0.02:
            put("Blacks2012", min(30.0, 5 + crushed * 300),
                f"{crushed:.1%} of pixels crushed to black → open the black point")
        elif p005 > 0.01:
            put("Blacks2012", -min(40.0, 5 + (p005 - 0.005) * 600),
                f"darkest tones sit at {p005:.3f} (washed out) → deepen the blacks")
        else:
            put("Blacks2012", 0.0, f"black point well placed (0.5th percentile {p005:.4f})")

        bright = float(np.mean(ye > 0.6))
        if bright > 0.05:
            put("Highlights2012", -min(70.0, 10 + bright * 150),
                f"{bright:.0%} of the frame is bright (> 0.6) → recover highlight detail")
        else:
            put("Highlights2012", 0.0, f"only {bright:.1%} of the frame is bright: no recovery")
        dark = float(np.mean(ye < 0.02))
        if dark > 0.08:
            put("Shadows2012", min(60.0, 10 + dark * 120),
                f"{dark:.0%} of the frame is in deep shadow (< 0.02) → open the shadows")
        else:
            put("Shadows2012", 0.0, f"only {dark:.1%} of the frame in deep shadow")

        spread = float(np.std(np.log2(ye + 1e-3)))
        if spread < 1.3:
            put("Contrast2012", min(30.0, 5 + (1.4 - spread) * 40),
                f"flat tones (log-luminance spread {spread:.2f} EV) → add contrast")
        elif spread > 3.0:
            put("Contrast2012", -min(25.0, 5 + (spread - 3.0) * 20),
                f"harsh tones (log-luminance spread {spread:.2f} EV) → soften contrast")
        else:
            put("Contrast2012", 0.0, f"tonal spread {spread:.2f} EV is natural")

    @staticmethod
    def _vibrance(rgb: NDArray[np.float32], y: NDArray[np.float32], put: _Put) -> None:
        enc = np.clip(linear_to_srgb(np.clip(rgb, 0, 1)), 0, 1)
        hi, lo = channel_max(enc), channel_min(enc)
        sat = (hi - lo) / np.maximum(hi, 1e-4)
        mid = (y > 0.02) & (y < 0.7)
        s = float(np.mean(sat[mid])) if mid.any() else float(np.mean(sat))
        if s < 0.3:
            put("Vibrance", min(30.0, 5 + (0.35 - s) * 100),
                f"muted colour (mean mid-tone saturation {s:.2f}) → more vibrance")
        else:
            put("Vibrance", 0.0, f"colour already lively (mean mid-tone saturation {s:.2f})")

    @staticmethod
    def _white_balance(photo: DecodedPhoto, rgb: NDArray[np.float32], put: _Put) -> None:
        cct, duv = xy_to_cct_duv(rgb_to_xy(estimate_illuminant(rgb)))
        cct = min(max(cct, 2000.0), 25000.0)
        strength = WARM_LIGHT_STRENGTH if cct < 4000 else WB_STRENGTH
        inc_temp, inc_tint = shift_to_incremental(cct, duv)
        # Soft limits (monotone, unlike clamping): a strong apparent cast is more often a
        # colourful scene than coloured light, and tint estimates are the least reliable.
        inc_temp = TEMP_SOFT_LIMIT * math.tanh(strength * inc_temp / TEMP_SOFT_LIMIT)
        inc_tint = TINT_SOFT_LIMIT * math.tanh(TINT_STRENGTH * inc_tint / TINT_SOFT_LIMIT)
        cast = f"the light reads {cct:.0f} K, tint {signed(duv_to_tint(duv - d65_cct_duv()[1]))}"
        if not photo.info.is_raw:
            if abs(inc_temp) < 3 and abs(inc_tint) < 3:
                inc_temp = inc_tint = 0.0
            put("IncrementalTemperature", inc_temp,
                f"{cast} → {'warm' if inc_temp > 0 else 'cool'} by {abs(inc_temp):.0f}"
                if inc_temp else f"{cast}: neutral enough")
            put("IncrementalTint", inc_tint,
                f"{cast} → tint {signed(inc_tint)}" if inc_tint else f"{cast}: no tint cast")
            return
        shot_t, shot_tint = photo.info.as_shot_temperature, photo.info.as_shot_tint
        if shot_t is None or shot_tint is None:
            return  # without the camera's colour facts an absolute WB would be a guess
        # The thumbnail is balanced for the as-shot light; a residual cast shifts it.
        mired = 1e6 / shot_t - inc_temp * MIRED_PER_UNIT
        temperature = 1e6 / max(mired, 20.0)
        tint = shot_tint + inc_tint
        put("Temperature", temperature,
            f"as shot {shot_t:.0f} K; {cast} relative to it → {temperature:.0f} K")
        put("Tint", tint, f"as shot tint {signed(shot_tint)} → {signed(tint)}")
