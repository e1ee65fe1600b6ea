"""The Atelier engine contract: generated gRPC stubs (``atelier.v1``) and helpers."""
