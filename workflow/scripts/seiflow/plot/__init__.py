"""Figures: one seaborn style, public helpers, one module per domain (no science here)."""
