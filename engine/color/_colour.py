"""colour-science, imported without its warning about the optional Matplotlib."""

import warnings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*Matplotlib.*related API features")
    import colour

__all__ = ["colour"]
