"""darktable's pipeline orders: where each module instance runs.

A sidecar names its order with ``darktable:iop_order_version`` (1 legacy, 2 "v3.0",
3 "v3.0 for JPEG", 0 custom) and, for a custom order, lists every instance in
``darktable:iop_order_list`` as ``"op,instance,op,instance,…"``.  A module instance that
is not in the order cannot run ("cannot get iop-order"), so a sidecar adding instances
writes a custom list.

The three built-in orders below are those of darktable 4.2 (read from the installed
``libdarktable.so``'s order tables; every module's first instance, in pipeline order).
"""

from __future__ import annotations

__all__ = ["BASE_ORDERS", "OrderError", "parse_order", "serialize_order"]

Order = list[tuple[str, int]]

_LEGACY = """
    rawprepare invert temperature highlights cacorrect hotpixels rawdenoise demosaic
    mask_manager denoiseprofile tonemap exposure spots retouch lens cacorrectrgb
    ashift liquify rotatepixels scalepixels flip clipping toneequal crop graduatednd
    basecurve bilateral profile_gamma hazeremoval colorin channelmixerrgb diffuse
    censorize negadoctor blurs basicadj colorreconstruct colorchecker defringe
    equalizer vibrance colorbalance colorbalancergb colorize colortransfer
    colormapping bloom nlmeans globaltonemap shadhi atrous bilat colorzones lowlight
    monochrome sigmoid filmic filmicrgb colisa zonesystem tonecurve levels rgblevels
    rgbcurve relight colorcorrection sharpen lowpass highpass grain lut3d
    colorcontrast colorout channelmixer soften vignette splittoning velvia clahe
    finalscale overexposed rawoverexposed dither borders watermark gamma
"""

_V30 = """
    rawprepare invert temperature highlights cacorrect hotpixels rawdenoise demosaic
    denoiseprofile bilateral rotatepixels scalepixels lens cacorrectrgb hazeremoval
    ashift flip clipping liquify spots retouch exposure mask_manager tonemap
    toneequal crop graduatednd profile_gamma equalizer colorin channelmixerrgb
    diffuse censorize negadoctor blurs nlmeans colorchecker defringe atrous lowpass
    highpass sharpen colortransfer colormapping channelmixer basicadj colorbalance
    colorbalancergb rgbcurve rgblevels basecurve filmic sigmoid filmicrgb lut3d
    colisa tonecurve levels shadhi zonesystem globaltonemap relight bilat
    colorcorrection colorcontrast velvia vibrance colorzones bloom colorize lowlight
    monochrome grain soften splittoning vignette colorreconstruct colorout clahe
    finalscale overexposed rawoverexposed dither borders watermark gamma
"""

_V30_JPG = """
    rawprepare invert temperature highlights cacorrect hotpixels rawdenoise demosaic
    colorin denoiseprofile bilateral rotatepixels scalepixels lens cacorrectrgb
    hazeremoval ashift flip clipping liquify spots retouch exposure mask_manager
    tonemap toneequal crop graduatednd profile_gamma equalizer channelmixerrgb
    diffuse censorize negadoctor blurs nlmeans colorchecker defringe atrous lowpass
    highpass sharpen colortransfer colormapping channelmixer basicadj colorbalance
    colorbalancergb rgbcurve rgblevels basecurve filmic sigmoid filmicrgb lut3d
    colisa tonecurve levels shadhi zonesystem globaltonemap relight bilat
    colorcorrection colorcontrast velvia vibrance colorzones bloom colorize lowlight
    monochrome grain soften splittoning vignette colorreconstruct colorout clahe
    finalscale overexposed rawoverexposed dither borders watermark gamma
"""


def _instances(names: str) -> tuple[tuple[str, int], ...]:
    return tuple((name, 0) for name in names.split())


#: iop_order_version → built-in order (first instances only).
BASE_ORDERS: dict[int, tuple[tuple[str, int], ...]] = {
    1: _instances(_LEGACY),
    2: _instances(_V30),
    3: _instances(_V30_JPG),
}


class OrderError(ValueError):
    """An ``iop_order_list`` that is not ``op,instance`` pairs."""


def parse_order(text: str) -> Order:
    """``"rawprepare,0,invert,0,…"`` → ``[("rawprepare", 0), ("invert", 0), …]``.

    Raises:
        OrderError: an odd number of items or a non-integer instance.
    """
    items = [t.strip() for t in text.strip().strip(",").split(",")]
    if len(items) % 2:
        raise OrderError("darktable iop_order_list has an odd number of items")
    try:
        return [(items[i], int(items[i + 1])) for i in range(0, len(items), 2)]
    except ValueError:
        raise OrderError("darktable iop_order_list has a non-integer instance") from None


def serialize_order(order: Order) -> str:
    """The inverse of `parse_order` (darktable's text form, no trailing comma)."""
    return ",".join(f"{op},{inst}" for op, inst in order)
