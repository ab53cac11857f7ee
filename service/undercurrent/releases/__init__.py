"""Releases: failure signatures per release and their comparison (docs/releases.md)."""
