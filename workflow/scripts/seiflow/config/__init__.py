"""Configuration: every semantic check behind one check_config(), job sizes, the figure index."""
