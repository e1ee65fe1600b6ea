"""CocoGold: masks from words with an image-conditioned latent diffusion model.

Import the pieces from their modules; this package does not import torch or diffusers
until `pipeline`, `train` or `widen` are imported (`words` and `processing` are light).
"""

from __future__ import annotations

__all__: list[str] = []
