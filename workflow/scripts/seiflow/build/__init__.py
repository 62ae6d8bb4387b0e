"""Building structures: bulk phases, surfaces, terminations, interface cells, glasses, slabs."""
