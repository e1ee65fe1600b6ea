"""Marigold-style widening of a Stable Diffusion UNet's input for image conditioning.

CocoGold's UNet sees the photo's latent and the noisy target latent side by side
(4 + 4 = 8 channels).  A pretrained 4-channel UNet becomes one by duplicating the
``conv_in`` kernel along the input channels and halving it (Ke et al., Marigold, 2024):
then an input whose two halves are equal gives exactly the pretrained response, so
fine-tuning starts from what the model already knows instead of from noise.
"""

from __future__ import annotations

import torch

from engine.masks.cocogold._compat import diffusers_importable

with diffusers_importable():
    from diffusers.models.unets.unet_2d_condition import UNet2DConditionModel

__all__ = ["widen_conv_in"]


def widen_conv_in(unet: UNet2DConditionModel, copies: int = 2) -> UNet2DConditionModel:
    """Widen ``unet.conv_in`` to ``copies`` × its input channels, in place.

    The kernel is repeated ``copies`` times along the input-channel axis and divided by
    ``copies``; the bias is kept.  ``unet.config.in_channels`` is updated so
    ``save_pretrained`` records the new width.

    Args:
        unet: a diffusers UNet (typically 4 input channels).
        copies: how many inputs are concatenated, ≥ 2.

    Returns:
        The same ``unet``, for chaining.
    """
    if copies < 2:
        raise ValueError(f"copies={copies}: widening needs at least 2")
    old = unet.conv_in
    if not isinstance(old, torch.nn.Conv2d):
        raise TypeError(f"unet.conv_in is a {type(old).__name__}, not a Conv2d")
    new = torch.nn.Conv2d(
        old.in_channels * copies, old.out_channels, kernel_size=old.kernel_size,  # type: ignore[arg-type]
        stride=old.stride, padding=old.padding,  # type: ignore[arg-type]
        bias=old.bias is not None,
    ).to(dtype=old.weight.dtype, device=old.weight.device)
    with torch.no_grad():
        new.weight.copy_(old.weight.repeat(1, copies, 1, 1) / copies)
        if old.bias is not None and new.bias is not None:
            new.bias.copy_(old.bias)
    unet.conv_in = new
    unet.register_to_config(in_channels=old.in_channels * copies)
    return unet
