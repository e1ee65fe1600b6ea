"""XMP: read, merge and write develop settings safely (Lightroom crs:, darktable)."""
