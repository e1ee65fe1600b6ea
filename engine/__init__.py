"""Atelier engine: decoding, colour, develop model, predictors, masks, critic; a gRPC server.

Importing this package is cheap (no torch); heavy modules load on first use.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
