"""Initial training frames for DP-GEN: perturbed copies and short oracle MD of a cell."""

from __future__ import annotations

import numpy as np


def oracle_md_frames(atoms, calculator, n_steps: int, temperature_K: float, seed: int,
                     timestep_fs: float = 1.0, sample_every: int = 5) -> list:
    """Short Langevin MD with the oracle (ASE), returning every ``sample_every``-th frame.

    Parameters
    ----------
    atoms : ase.Atoms
        Start structure (not modified).
    calculator : ASE calculator
        The oracle.
    n_steps : int
        MD steps; 0 returns an empty list.
    temperature_K : float
        Langevin thermostat temperature (K); friction 0.02 fs^-1.
    seed : int
        Seed of the Maxwell-Boltzmann velocities and the Langevin noise.

    Returns
    -------
    list of ase.Atoms
        ``n_steps // sample_every`` snapshots (positions in Å), without calculators.
    """
    from ase import units
    from ase.md.langevin import Langevin
    from ase.md.velocitydistribution import MaxwellBoltzmannDistribution

    if n_steps <= 0:
        return []
    a = atoms.copy()
    a.calc = calculator
    rng = np.random.default_rng(seed)
    MaxwellBoltzmannDistribution(a, temperature_K=temperature_K, rng=rng)
    dyn = Langevin(a, timestep_fs * units.fs, temperature_K=temperature_K, friction=0.02,
                   rng=rng)
    frames = []
    for _ in range(n_steps // sample_every):
        dyn.run(sample_every)
        snap = a.copy()
        snap.calc = None
        frames.append(snap)
    return frames


def make_initial_frames(atoms, calculator, cfg: dict, seed: int) -> list:
    """Rattled/strained copies plus short oracle-MD snapshots of one cell.

    Parameters
    ----------
    atoms : ase.Atoms
        Reference cell.
    calculator : ASE calculator
        Oracle used for the short MD (labelling happens later).
    cfg : dict
        ``n_rattled``, ``rattle_stdev_A`` (Å), ``strain`` (max |symmetric strain|),
        ``oracle_md_steps``, ``oracle_md_temperature_K``.
    seed : int

    Returns
    -------
    list of ase.Atoms
        The unperturbed cell, ``n_rattled`` perturbed copies and the MD snapshots.
    """
    from seiflow.builders.cells import rattled_frames

    frames = [atoms.copy()]
    frames += rattled_frames(atoms, cfg["n_rattled"], stdev=cfg["rattle_stdev_A"],
                             strain=cfg["strain"], seed=seed)
    frames += oracle_md_frames(atoms, calculator, cfg["oracle_md_steps"],
                               cfg["oracle_md_temperature_K"], seed + 1)
    return frames
