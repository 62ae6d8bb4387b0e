"""Reference calculators (oracles): embedded universal potentials, CP2K/VASP DFT, their benchmark."""
