"""Atelier bridge: the `atelier` CLI, the only code that touches users' files."""
