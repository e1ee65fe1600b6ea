"""Atelier engine: decoding, colour, develop model, predictors, masks, critic; a gRPC server."""
