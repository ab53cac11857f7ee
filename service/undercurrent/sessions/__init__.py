"""sessions stage."""
