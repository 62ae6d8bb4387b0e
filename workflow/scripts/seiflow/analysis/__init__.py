"""Streaming trajectory analyses and the science behind every figure (no plotting here)."""
