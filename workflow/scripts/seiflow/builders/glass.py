"""Glassy Li2S-SiS2-P2S5 electrolytes and Li-metal | glass slabs (study ``glass``, paper 000).

Zhou, Luo and An (paper 000) simulate Li metal against three melt-quenched sulfide
glasses, 50Li2S-50SiS2 (LiSiS), 60Li2S-32SiS2-8P2S5 (LiSiPS) and 75Li2S-25P2S5 (LiPS),
six amorphous samples per composition, in Li | glass cells whose top and bottom 7 A are
frozen and excluded from analysis (paper 000, Methods). This module builds those samples:

1. :func:`glass_composition` -- integer atom counts of whole formula units;
2. :func:`random_packing` -- seeded random sequential insertion at the target density;
3. :func:`melt_quench` -- optional FIRE minimisation, then ASE MD: Langevin NVT melt,
   Langevin NVT linear quench, isotropic MTK NPT relaxation, with any ASE calculator (the
   oracle now, the trained DeePMD model later), streaming a trajectory and a CSV log,
   restartable;
4. per-sample checks: :func:`density_g_cm3`, :func:`tetrahedral_share`,
   :func:`partial_rdfs`, :func:`analyse_glass_sample`;
5. :func:`li_glass_slab` -- bcc Li(100) | glass along z with frozen boundary layers.

Pure functions: no file is written except the optional MD trajectory / log streams of
:func:`melt_quench`; every random choice takes an explicit seed (``numpy.random.default_rng``).
Units: lengths in angstrom (A), times in ps (``timestep_fs`` in fs), temperatures in K,
energies in eV, densities in g/cm^3, pressures in bar (input) or GPa (log).

Paper 000 does not state its melt-quench protocol (temperatures, rates, densities); the
protocol here is the standard one for ML-potential glasses and every setting comes from the
config (see config/README.md). The only numbers taken from paper 000 are the compositions,
the sample count, the 7 A frozen layers and the coordination cutoffs P-S 2.73 A and
Si-S 2.80 A (first minima of its partial RDFs, Methods).
"""

from __future__ import annotations

import csv
import json
import math
import zlib
from collections import Counter
from fractions import Fraction
from functools import reduce
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
from ase import Atoms, units
from ase.data import atomic_masses, chemical_symbols

from seiflow.builders.cells import StructureValidationError, validate_structure

__all__ = [
    "GlassError",
    "OXIDES",
    "PAPER_TETRAHEDRAL_CUTOFFS_A",
    "RSA_JAMMING_FRACTION",
    "glass_composition",
    "formula_unit",
    "formal_charge",
    "sample_seeds",
    "density_g_cm3",
    "random_packing",
    "melt_quench",
    "protocol_steps",
    "tetrahedral_share",
    "partial_rdfs",
    "relaxation_frames",
    "analyse_glass_sample",
    "li_glass_slab",
    "samples_table",
    "check_glass_config",
]

#: Glass-forming components, in the order of the (x, y, z) mol % arguments, as
#: element -> atoms per formula unit.
OXIDES: dict[str, dict[str, int]] = {
    "Li2S": {"Li": 2, "S": 1},
    "SiS2": {"Si": 1, "S": 2},
    "P2S5": {"P": 2, "S": 5},
}
#: Element order of every count dict returned here.
ELEMENTS = ("Li", "Si", "P", "S")
#: Formal charges used for the charge-neutrality check (Li+, Si4+, P5+, S2-).
FORMAL_CHARGE = {"Li": 1, "Si": 4, "P": 5, "S": -2}
#: Center -> X-S coordination cutoff (A), paper 000 Methods (first RDF minimum).
PAPER_TETRAHEDRAL_CUTOFFS_A = {"P": 2.73, "Si": 2.80}
#: Saturation (jamming) packing fraction of 3D random sequential addition of equal hard
#: spheres, 0.3841 (S. Torquato, O. U. Uche, F. H. Stillinger, Phys. Rev. E 74, 061308 (2006)).
RSA_JAMMING_FRACTION = 0.3841
#: grams per atomic mass unit (CODATA, via ASE: ``units._amu`` is in kg)
_AMU_G = units._amu * 1e3
_STAGES = ("melt", "quench", "relax")


class GlassError(ValueError):
    """Invalid glass input (composition, density, protocol) or a packing that cannot succeed."""


# --------------------------------------------------------------------------- #
# Composition
# --------------------------------------------------------------------------- #
def _as_fraction(value: float, name: str) -> Fraction:
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise GlassError(f"{name} must be a number, got {value!r}") from exc
    if not math.isfinite(v):
        raise GlassError(f"{name} must be finite, got {value!r}")
    if v < 0:
        raise GlassError(f"{name} must be >= 0 mol %, got {value!r}")
    return Fraction(repr(v))  # the decimal as written: 33.3 -> 333/10, not a binary float


def formula_unit(x_Li2S: float, y_SiS2: float, z_P2S5: float) -> dict[str, int]:
    """Smallest whole formula unit of ``x Li2S - y SiS2 - z P2S5`` (mol %).

    The three mol % (decimals taken as written) are turned into the smallest integer
    triple (a, b, c) with a:b:c = x:y:z; the formula unit is a Li2S + b SiS2 + c P2S5,
    i.e. Li(2a) Si(b) P(2c) S(a + 2b + 5c).  Examples: 50:50:0 -> Li2SiS3 (6 atoms),
    60:32:8 -> Li30Si8P4S41 (83 atoms), 75:0:25 -> Li6P2S8 (16 atoms).

    Returns
    -------
    dict
        Element -> atoms per formula unit, keys ``Li, Si, P, S`` in that order (0 allowed).

    Raises
    ------
    GlassError
        A value is negative / not finite, or the three do not sum to 100 (tolerance 1e-6).
    """
    fr = [_as_fraction(v, n) for v, n in zip((x_Li2S, y_SiS2, z_P2S5), OXIDES)]
    total = float(sum(fr))
    if abs(total - 100.0) > 1e-6:
        raise GlassError(
            f"mol % of Li2S, SiS2, P2S5 must sum to 100, got {x_Li2S} + {y_SiS2} + {z_P2S5} "
            f"= {total:g}"
        )
    lcm = reduce(lambda m, f: m * f.denominator // math.gcd(m, f.denominator), fr, 1)
    ints = [int(f * lcm) for f in fr]
    g = reduce(math.gcd, [i for i in ints if i]) or 1
    a, b, c = (i // g for i in ints)
    counts = Counter()
    for n, oxide in zip((a, b, c), OXIDES):
        for el, k in OXIDES[oxide].items():
            counts[el] += n * k
    return {el: int(counts[el]) for el in ELEMENTS}


def glass_composition(
    x_Li2S: float, y_SiS2: float, z_P2S5: float, n_atoms_target: int
) -> dict[str, int]:
    """Integer atom counts of a ``x Li2S - y SiS2 - z P2S5`` glass (mol %) near a target size.

    Rounding rule: the cell holds ``k`` whole formula units (see :func:`formula_unit`) with
    ``k = max(1, floor(n_atoms_target / n_fu + 1/2))`` (nearest integer, halves up), so the
    stoichiometry is exact and the cell is charge neutral (Li+, Si4+, P5+, S2-); the atom
    count is ``k * n_fu`` and differs from the target by at most ``n_fu / 2`` -- or is one
    whole formula unit when that alone exceeds the target (60:32:8 needs 83 atoms).

    Parameters
    ----------
    x_Li2S, y_SiS2, z_P2S5
        Mol % of Li2S, SiS2, P2S5; non-negative, summing to 100 (paper 000: LiSiS 50:50:0,
        LiSiPS 60:32:8, LiPS 75:0:25).
    n_atoms_target
        Wanted number of atoms (int >= 1).

    Returns
    -------
    dict
        Element -> count, keys ``Li, Si, P, S`` in that order (absent elements give 0).

    Raises
    ------
    GlassError
        Bad mol % (see :func:`formula_unit`) or ``n_atoms_target`` not an integer >= 1.
    """
    if isinstance(n_atoms_target, bool) or int(n_atoms_target) != n_atoms_target \
            or n_atoms_target < 1:
        raise GlassError(f"n_atoms_target must be an integer >= 1, got {n_atoms_target!r}")
    fu = formula_unit(x_Li2S, y_SiS2, z_P2S5)
    n_fu = sum(fu.values())
    k = max(1, math.floor(n_atoms_target / n_fu + 0.5))
    return {el: k * n for el, n in fu.items()}


def formal_charge(counts: Mapping[str, int]) -> int:
    """Sum of formal charges (Li+1, Si+4, P+5, S-2) of an element -> count mapping."""
    unknown = set(counts) - set(FORMAL_CHARGE)
    if unknown:
        raise GlassError(f"no formal charge for {sorted(unknown)}")
    return int(sum(FORMAL_CHARGE[el] * int(n) for el, n in counts.items()))


def sample_seeds(master_seed: int, composition: str, sample: int) -> dict[str, int]:
    """Independent seeds of one glass sample, derived from the config master seed.

    ``numpy.random.SeedSequence(master_seed, spawn_key=(crc32(composition), sample))``
    spawns two children: ``packing`` (random insertion) and ``md`` (velocities, Langevin
    noise).  Deterministic across runs and machines (crc32, not Python's salted hash).

    Raises
    ------
    GlassError
        Negative ``master_seed`` or ``sample``, or an empty composition name.
    """
    if int(master_seed) < 0 or int(sample) < 0 or not str(composition):
        raise GlassError(
            f"need master_seed >= 0, sample >= 0 and a name; got {master_seed!r}, "
            f"{sample!r}, {composition!r}"
        )
    ss = np.random.SeedSequence(
        int(master_seed), spawn_key=(zlib.crc32(str(composition).encode()), int(sample))
    )
    packing, md = (int(c.generate_state(1, dtype=np.uint32)[0]) for c in ss.spawn(2))
    return {"packing": packing, "md": md}


# --------------------------------------------------------------------------- #
# Random packing
# --------------------------------------------------------------------------- #
def density_g_cm3(atoms: Atoms) -> float:
    """Mass density (g/cm^3) of a periodic cell: sum of atomic masses (amu) / cell volume.

    Raises
    ------
    GlassError
        Cell volume not positive.
    """
    vol = float(atoms.get_volume()) if atoms.cell.rank == 3 else 0.0
    if not vol > 0:
        raise GlassError(f"cell volume must be positive, got {vol!r} A^3")
    return float(atoms.get_masses().sum() * _AMU_G / (vol * 1e-24))


def _check_counts(counts: Mapping[str, int]) -> dict[str, int]:
    if not isinstance(counts, Mapping) or not counts:
        raise GlassError(f"counts must be a non-empty element -> count mapping, got {counts!r}")
    out = {}
    for el, n in counts.items():
        if el not in chemical_symbols[1:]:
            raise GlassError(f"unknown element {el!r} in counts")
        if isinstance(n, bool) or int(n) != n or n < 0:
            raise GlassError(f"count of {el} must be an integer >= 0, got {n!r}")
        if n:
            out[el] = int(n)
    if not out:
        raise GlassError("counts contain no atoms")
    return out


def random_packing(
    counts: Mapping[str, int],
    density_g_cm3: float,
    seed: int,
    min_distance_A: float,
    c_over_a: float = 1.0,
    max_trials_per_atom: int = 10_000,
) -> Atoms:
    """Atoms at random positions in a periodic cell at exactly the target mass density.

    Seeded random sequential insertion: atoms are inserted one at a time, in a random
    order of species, at uniform random positions; a trial position is accepted when its
    minimum-image distance to every atom already placed is at least ``min_distance_A``
    (orthorhombic minimum image, ``d - L round(d / L)``, vectorised over trials of 8:
    :func:`ase.geometry.get_distances` handles general cells but was ~100x slower for
    thousands of atoms).  The result is checked once more with ASE's neighbour list
    (:func:`seiflow.builders.cells.validate_structure`).

    Atoms, not PS4 / SiS4 tetrahedra, are inserted: only 75Li2S-25P2S5 (Li3PS4) has enough
    S for isolated tetrahedra; LiSiS (Li2SiS3) and LiSiPS are S-deficient and need
    corner/edge-sharing units, whose connectivity a unit-based packing would impose
    arbitrarily.  The melt at ``T_melt`` (:func:`melt_quench`) forms the network and erases
    the starting arrangement, so no chemical bias is put in by hand.  (No packmol binary is
    available for pymatgen's ``PackmolBoxGen``.)

    Parameters
    ----------
    counts
        Element -> number of atoms (e.g. from :func:`glass_composition`).
    density_g_cm3
        Target density (g/cm^3), > 0.  The cell volume is ``sum(m) / density``; with
        ``c_over_a = 1`` the cell is cubic with edge ``V**(1/3)``.
    seed
        Seed of ``numpy.random.default_rng``.
    min_distance_A
        Hard-core distance (A) between any two atoms, periodic images included; > 0.
    c_over_a
        Length ratio of the z edge to the (equal) x and y edges, > 0 (1 = cubic).  Elongated
        cells serve the Li | glass slab (paper 000: cell ~3 x 3 x 18 nm^3).
    max_trials_per_atom
        Trials before the insertion of one atom gives up.

    Returns
    -------
    ase.Atoms
        Periodic orthorhombic cell, atoms grouped by element in the order of ``counts``;
        ``info``: ``seed``, ``density_g_cm3`` (target), ``min_distance_A``,
        ``packing_fraction`` (hard spheres of diameter ``min_distance_A``).

    Raises
    ------
    GlassError
        Bad counts / density / distance; a hard-sphere packing fraction above the random
        sequential addition jamming limit (:data:`RSA_JAMMING_FRACTION`), which no
        insertion can reach; or an atom that found no free spot in ``max_trials_per_atom``.
    """
    cnt = _check_counts(counts)
    rho = float(density_g_cm3)
    if not (math.isfinite(rho) and rho > 0):
        raise GlassError(f"density must be a positive number (g/cm^3), got {density_g_cm3!r}")
    dmin = float(min_distance_A)
    if not (math.isfinite(dmin) and dmin > 0):
        raise GlassError(f"min_distance_A must be > 0, got {min_distance_A!r}")
    if not (math.isfinite(c_over_a) and c_over_a > 0):
        raise GlassError(f"c_over_a must be > 0, got {c_over_a!r}")
    if int(max_trials_per_atom) < 1:
        raise GlassError(f"max_trials_per_atom must be >= 1, got {max_trials_per_atom!r}")

    symbols = [el for el, n in cnt.items() for _ in range(n)]
    n_atoms = len(symbols)
    mass_g = sum(atomic_masses[chemical_symbols.index(el)] * n for el, n in cnt.items()) * _AMU_G
    volume = mass_g / rho * 1e24  # A^3
    a = (volume / c_over_a) ** (1.0 / 3.0)
    cell = np.diag([a, a, a * c_over_a])
    phi = n_atoms * math.pi * dmin**3 / 6.0 / volume
    if phi > RSA_JAMMING_FRACTION:
        raise GlassError(
            f"hard-sphere packing fraction {phi:.3f} (min_distance_A={dmin} A, "
            f"{n_atoms} atoms in {volume:.1f} A^3) exceeds the random-sequential-addition "
            f"jamming limit {RSA_JAMMING_FRACTION}: lower min_distance_A or the density"
        )
    if min(a, a * c_over_a) < dmin:
        raise GlassError(f"cell edge {min(a, a * c_over_a):.3f} A shorter than min_distance_A")

    rng = np.random.default_rng(seed)
    order = rng.permutation(n_atoms)
    positions = np.full((n_atoms, 3), np.nan)
    lengths = np.diag(cell)
    placed_buf = np.empty((n_atoms, 3))
    n_placed = 0
    batch = 8
    for idx in order:
        tries = 0
        while True:
            cand = rng.random((batch, 3)) * lengths
            diff = cand[:, None, :] - placed_buf[None, :n_placed, :]
            diff -= lengths * np.round(diff / lengths)
            d2 = np.einsum("ijk,ijk->ij", diff, diff)
            ok = np.flatnonzero(d2.min(axis=1, initial=np.inf) >= dmin**2)
            if ok.size:
                positions[idx] = placed_buf[n_placed] = cand[ok[0]]
                n_placed += 1
                break
            tries += batch
            if tries >= max_trials_per_atom:
                raise GlassError(
                    f"random packing failed: no free position for atom {n_placed + 1} of "
                    f"{n_atoms} ({symbols[idx]}) after {tries} trials; lower min_distance_A "
                    f"({dmin} A) or the density ({rho} g/cm^3)"
                )
    atoms = Atoms(symbols=symbols, positions=positions, cell=cell, pbc=True)
    atoms.info.update({"seed": int(seed), "density_g_cm3": rho, "min_distance_A": dmin,
                       "packing_fraction": float(phi)})
    validate_structure(atoms, min_distance=dmin * (1 - 1e-9), expected_composition=cnt)
    return atoms


# --------------------------------------------------------------------------- #
# Melt-quench
# --------------------------------------------------------------------------- #
def protocol_steps(
    T_melt_K: float,
    t_melt_ps: float,
    T_final_K: float,
    quench_rate_K_ps: float,
    t_relax_ps: float,
    timestep_fs: float,
) -> dict[str, int]:
    """MD steps of each melt-quench stage (nearest integer).

    ``melt = t_melt / dt``, ``quench = (T_melt - T_final) / rate / dt``,
    ``relax = t_relax / dt`` with ``dt = timestep_fs / 1000`` ps; a quench of at least one
    step whenever ``T_melt > T_final``.

    Raises
    ------
    GlassError
        Non-positive timestep / temperatures / rate, negative times, or ``T_melt < T_final``.
    """
    vals = dict(T_melt_K=T_melt_K, t_melt_ps=t_melt_ps, T_final_K=T_final_K,
                quench_rate_K_ps=quench_rate_K_ps, t_relax_ps=t_relax_ps,
                timestep_fs=timestep_fs)
    for k, v in vals.items():
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise GlassError(f"{k} must be a finite number, got {v!r}")
    for k in ("T_melt_K", "T_final_K", "quench_rate_K_ps", "timestep_fs"):
        if vals[k] <= 0:
            raise GlassError(f"{k} must be > 0, got {vals[k]!r}")
    for k in ("t_melt_ps", "t_relax_ps"):
        if vals[k] < 0:
            raise GlassError(f"{k} must be >= 0, got {vals[k]!r}")
    if T_melt_K < T_final_K:
        raise GlassError(f"T_melt_K ({T_melt_K}) must be >= T_final_K ({T_final_K})")
    dt_ps = timestep_fs / 1000.0
    n_q = round((T_melt_K - T_final_K) / quench_rate_K_ps / dt_ps)
    if T_melt_K > T_final_K:
        n_q = max(1, n_q)
    return {"melt": int(round(t_melt_ps / dt_ps)), "quench": int(n_q),
            "relax": int(round(t_relax_ps / dt_ps))}


_THERMO_FIELDS = ("step", "time_ps", "stage", "T_target_K", "T_K", "epot_eV", "ekin_eV",
                  "etot_eV", "volume_A3", "density_g_cm3", "pressure_GPa")


def _thermo_row(atoms: Atoms, step: int, dt_fs: float, stage: str, T_target: float) -> dict:
    from ase.calculators.calculator import PropertyNotImplementedError

    epot = float(atoms.get_potential_energy())
    ekin = float(atoms.get_kinetic_energy())
    try:
        stress = atoms.get_stress(voigt=True, include_ideal_gas=True)
        p_gpa = float(-np.mean(stress[:3]) / units.GPa)
    except PropertyNotImplementedError:
        p_gpa = float("nan")
    return {
        "step": int(step), "time_ps": step * dt_fs / 1000.0, "stage": stage,
        "T_target_K": float(T_target), "T_K": float(atoms.get_temperature()),
        "epot_eV": epot, "ekin_eV": ekin, "etot_eV": epot + ekin,
        "volume_A3": float(atoms.get_volume()), "density_g_cm3": density_g_cm3(atoms),
        "pressure_GPa": p_gpa,
    }


def melt_quench(
    atoms: Atoms,
    calculator,
    T_melt_K: float,
    t_melt_ps: float,
    T_final_K: float,
    quench_rate_K_ps: float,
    t_relax_ps: float,
    timestep_fs: float,
    seed: int,
    trajectory_path: str | Path | None = None,
    *,
    log_path: str | Path | None = None,
    pressure_bar: float = 1.0,
    friction_per_ps: float = 10.0,
    tdamp_fs: float | None = None,
    pdamp_fs: float | None = None,
    traj_every: int = 10,
    log_every: int = 1,
    restart: bool = True,
    minimise_steps: int = 0,
    minimise_fmax_eV_A: float = 0.1,
    calculator_id: str | None = None,
) -> tuple[Atoms, list[dict[str, Any]]]:
    """Melt, quench and relax a cell with ASE molecular dynamics and any ASE calculator.

    Stages (global step counter ``k``, timestep ``dt``; steps from :func:`protocol_steps`):

    0. optional **minimise** -- at most ``minimise_steps`` FIRE steps
       (:class:`ase.optimize.FIRE`, fixed cell) down to ``minimise_fmax_eV_A``, so that a
       random packing does not start the melt with its overlap energy (which otherwise
       heats a small cell by ~1000 K within tens of fs);
    1. **melt** -- Langevin NVT (:class:`ase.md.langevin.Langevin`, friction
       ``friction_per_ps``) at ``T_melt_K`` for ``t_melt_ps``; velocities start from a
       Maxwell-Boltzmann distribution at ``T_melt_K``
       (:func:`ase.md.velocitydistribution.thermalize_momenta`, zero total momentum).
    2. **quench** -- Langevin NVT with a linear ramp of the target temperature,
       ``T(k) = T_melt - rate * (k - n_melt + 1) * dt``, ending exactly at ``T_final_K``.
    3. **relax** -- isotropic Martyna-Tobias-Klein NPT (:class:`ase.md.nose_hoover_chain.
       IsotropicMTKNPT`, Nose-Hoover chains; Martyna, Tobias, Klein, J. Chem. Phys. 101,
       4177 (1994)) at ``T_final_K`` and ``pressure_bar`` for ``t_relax_ps``.

    Parameters
    ----------
    atoms
        Periodic cell without constraints (MTK NPT supports none); not modified.
    calculator
        Any ASE calculator with energy and forces (and stress for the NPT stage): the oracle
        (CHGNet) or a DeePMD model.
    T_melt_K, t_melt_ps, T_final_K, quench_rate_K_ps, t_relax_ps, timestep_fs
        Protocol (K, ps, K, K/ps, ps, fs).
    seed
        Seed of the velocities and Langevin noise (``numpy.random.default_rng``).
    trajectory_path
        Optional ASE ``.traj`` file; a frame (positions, momenta, cell, calculator results,
        ``info``: ``mq_stage``, ``mq_step``, ``mq_protocol``) every ``traj_every`` steps and
        at the end.  With ``restart=True`` and an existing file from the same protocol, the
        run resumes after its last frame (positions, momenta, cell); Langevin noise is
        re-seeded with ``(seed, k)`` and the NPT chain variables restart at zero, so a
        resumed run is valid but not bit-identical to an uninterrupted one.
    log_path
        Optional CSV thermodynamic log, streamed (flushed) every ``log_every`` steps with the
        columns of the returned rows; on restart, rows after the resumed frame are dropped
        and the log is continued.
    pressure_bar
        NPT target pressure (bar).
    friction_per_ps
        Langevin friction (1/ps), > 0.
    tdamp_fs, pdamp_fs
        MTK thermostat / barostat time constants (fs); default 100 and 1000 timesteps
        (ASE's recommendation).
    traj_every, log_every
        Frame / log-row interval (steps), >= 1.
    restart
        Resume from ``trajectory_path`` when it exists (see above).
    minimise_steps, minimise_fmax_eV_A
        Pre-melt FIRE minimisation (fresh runs only): step limit (>= 0) and force
        criterion (eV/A, > 0).
    calculator_id
        What the calculator is (e.g. the oracle name and its DFT settings); part of the
        protocol, so a trajectory of another calculator is never resumed.

    Returns
    -------
    (atoms, thermo)
        A copy of the final cell with a ``SinglePointCalculator`` holding its energy (eV),
        forces (eV/A) and, when available, stress; ``info`` gets ``mq_step``,
        ``mq_steps`` (per stage), ``mq_seed`` and, for a fresh run, ``mq_minimise``
        (FIRE steps taken, potential energy before / after in eV).  ``thermo`` is the list of log rows written
        by this call: ``step, time_ps, stage, T_target_K, T_K, epot_eV, ekin_eV, etot_eV,
        volume_A3, density_g_cm3, pressure_GPa``.

    Raises
    ------
    GlassError
        Bad protocol values, a non-periodic cell, constraints, a trajectory written with a
        different protocol, or non-finite energies during the run.
    """
    n = protocol_steps(T_melt_K, t_melt_ps, T_final_K, quench_rate_K_ps, t_relax_ps,
                       timestep_fs)
    tdamp, pdamp = _check_md_settings(atoms, friction_per_ps, pressure_bar, traj_every,
                                      log_every, minimise_steps, minimise_fmax_eV_A,
                                      tdamp_fs, pdamp_fs, timestep_fs)
    protocol = json.dumps(
        {"T_melt_K": T_melt_K, "t_melt_ps": t_melt_ps, "T_final_K": T_final_K,
         "quench_rate_K_ps": quench_rate_K_ps, "t_relax_ps": t_relax_ps,
         "timestep_fs": timestep_fs, "pressure_bar": pressure_bar, "seed": int(seed),
         "friction_per_ps": friction_per_ps, "tdamp_fs": tdamp, "pdamp_fs": pdamp,
         "minimise_steps": int(minimise_steps), "minimise_fmax_eV_A": minimise_fmax_eV_A,
         "n_atoms": len(atoms), "formula": atoms.get_chemical_formula(),
         **({} if calculator_id is None else {"calculator": str(calculator_id)})},
        sort_keys=True)
    bounds = np.cumsum([0, n["melt"], n["quench"], n["relax"]])  # stage start steps
    total = int(bounds[-1])
    target_T = _temperature_schedule(bounds, T_melt_K, T_final_K, quench_rate_K_ps, timestep_fs)

    work = atoms.copy()
    work.calc = calculator
    traj_file = Path(trajectory_path) if trajectory_path is not None else None
    start, resumed, minimised = 0, False, None
    if traj_file is not None and restart and traj_file.is_file() and traj_file.stat().st_size:
        start, resumed = _resume_from_trajectory(work, traj_file, log_path, protocol), True
    else:
        minimised = _fresh_start(work, traj_file, log_path, T_melt_K, seed, minimise_steps,
                                 minimise_fmax_eV_A)

    # steps already in the trajectory / log are not written again on resume
    recorder = _MeltQuenchRecorder(work, traj_file, log_path, protocol, total, timestep_fs,
                                   target_T, log_every, traj_every,
                                   last_step=start if resumed else -1)
    try:
        _run_stages(work, bounds, start, recorder.record, target_T, timestep_fs=timestep_fs,
                    T_final_K=T_final_K, pressure_bar=pressure_bar, tdamp=tdamp, pdamp=pdamp,
                    friction_per_ps=friction_per_ps, seed=seed)
    finally:
        recorder.close()
    return _final_structure(work, total, n, seed, minimised), recorder.rows


# Steps of melt_quench, in the order it calls them.
def _check_md_settings(atoms: Atoms, friction_per_ps, pressure_bar, traj_every, log_every,
                       minimise_steps, minimise_fmax_eV_A, tdamp_fs, pdamp_fs,
                       timestep_fs) -> tuple[float, float]:
    """Validate the MD settings and cell of :func:`melt_quench`; return (tdamp, pdamp) in fs."""
    for k, v in dict(friction_per_ps=friction_per_ps, pressure_bar=pressure_bar).items():
        if not (isinstance(v, (int, float)) and math.isfinite(v)):
            raise GlassError(f"{k} must be a finite number, got {v!r}")
    if friction_per_ps <= 0:
        raise GlassError(f"friction_per_ps must be > 0, got {friction_per_ps!r}")
    if int(traj_every) < 1 or int(log_every) < 1:
        raise GlassError("traj_every and log_every must be >= 1")
    if int(minimise_steps) < 0 or not minimise_fmax_eV_A > 0:
        raise GlassError(f"need minimise_steps >= 0 and minimise_fmax_eV_A > 0, got "
                         f"{minimise_steps!r}, {minimise_fmax_eV_A!r}")
    tdamp = 100 * timestep_fs if tdamp_fs is None else float(tdamp_fs)
    pdamp = 1000 * timestep_fs if pdamp_fs is None else float(pdamp_fs)
    if not (tdamp > 0 and pdamp > 0):
        raise GlassError(f"tdamp_fs and pdamp_fs must be > 0, got {tdamp_fs}, {pdamp_fs}")
    if not all(atoms.pbc) or atoms.cell.rank != 3:
        raise GlassError("melt_quench needs a cell periodic in x, y and z")
    if atoms.constraints:
        raise GlassError("melt_quench: remove constraints first (MTK NPT supports none)")
    return tdamp, pdamp


def _temperature_schedule(bounds, T_melt_K: float, T_final_K: float, quench_rate_K_ps: float,
                          timestep_fs: float):
    """Thermostat target T(k) (K): T_melt, then the linear quench ramp, then T_final."""

    def target_T(step_next: int) -> float:
        """Thermostat target for the step that takes the system from k to k + 1."""
        if step_next < bounds[1]:
            return float(T_melt_K)
        if step_next < bounds[2]:
            return float(T_melt_K - quench_rate_K_ps * (step_next - bounds[1] + 1)
                         * timestep_fs / 1000.0)
        return float(T_final_K)

    return target_T


def _resume_from_trajectory(work: Atoms, traj_file: Path, log_path, protocol: str) -> int:
    """Load the last frame of ``traj_file`` into ``work``, trim the log; return its step."""
    from ase.io import read

    last = read(traj_file, index=-1)
    if last.info.get("mq_protocol") != protocol:
        raise GlassError(f"{traj_file} was written with a different protocol; delete it "
                         "or pass restart=False")
    start = int(last.info["mq_step"])
    if log_path is not None and Path(log_path).is_file():  # drop rows after the frame
        with open(log_path, newline="") as fh:
            kept = [r for r in csv.DictReader(fh) if int(r["step"]) <= start]
        with open(log_path, "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=_THERMO_FIELDS)
            w.writeheader()
            w.writerows(kept)
    work.set_cell(last.cell, scale_atoms=False)
    work.set_positions(last.get_positions())
    work.set_momenta(last.get_momenta())
    return start


def _fresh_start(work: Atoms, traj_file: Path | None, log_path, T_melt_K: float, seed: int,
                 minimise_steps: int, minimise_fmax_eV_A: float) -> dict[str, Any] | None:
    """Optional FIRE minimisation, Maxwell-Boltzmann velocities at T_melt, old outputs removed.

    Returns the ``mq_minimise`` record (None without minimisation).
    """
    from ase.md.velocitydistribution import Stationary, thermalize_momenta

    minimised: dict[str, Any] | None = None
    if int(minimise_steps) > 0:
        from ase.optimize import FIRE

        e0 = float(work.get_potential_energy())
        opt = FIRE(work, logfile=None)
        opt.run(fmax=float(minimise_fmax_eV_A), steps=int(minimise_steps))
        minimised = {"steps": int(opt.nsteps), "epot_start_eV": e0,
                     "epot_end_eV": float(work.get_potential_energy())}
    thermalize_momenta(work, T_melt_K, rng=np.random.default_rng(seed))
    Stationary(work)
    if traj_file is not None and traj_file.exists():
        traj_file.unlink()
    if log_path is not None and Path(log_path).exists():
        Path(log_path).unlink()
    return minimised


class _MeltQuenchRecorder:
    """Thermo rows, streamed CSV log and trajectory frames of one :func:`melt_quench` call.

    ``last_step`` is the step already in the trajectory / log (-1 for a fresh run); it is
    not written again.
    """

    def __init__(self, work: Atoms, traj_file: Path | None, log_path, protocol: str,
                 total: int, timestep_fs: float, target_T, log_every: int, traj_every: int,
                 last_step: int):
        from ase.io import Trajectory

        self.work, self.protocol, self.total = work, protocol, total
        self.timestep_fs, self.target_T = timestep_fs, target_T
        self.log_every, self.traj_every = int(log_every), int(traj_every)
        self.traj = Trajectory(str(traj_file), "a") if traj_file is not None else None
        self.log_fh = None
        self.writer = None
        if log_path is not None:
            new = not Path(log_path).exists()
            self.log_fh = open(log_path, "a", newline="")
            self.writer = csv.DictWriter(self.log_fh, fieldnames=_THERMO_FIELDS)
            if new:
                self.writer.writeheader()
        self.rows: list[dict[str, Any]] = []
        self.logged = self.written = last_step

    def record(self, k: int, stage: str) -> None:
        """Log step ``k`` (every ``log_every`` and the last) and write its frame (every
        ``traj_every`` and the last); GlassError on a non-finite energy."""
        work = self.work
        if k % self.log_every == 0 or k == self.total:
            if k != self.logged:
                row = _thermo_row(work, k, self.timestep_fs, stage, self.target_T(max(k - 1, 0)))
                if not (math.isfinite(row["epot_eV"]) and math.isfinite(row["ekin_eV"])):
                    raise GlassError(f"non-finite energy at step {k}: {row}")
                self.rows.append(row)
                self.logged = k
                if self.writer is not None:
                    self.writer.writerow(row)
                    self.log_fh.flush()
        if self.traj is not None and (k % self.traj_every == 0 or k == self.total) \
                and k != self.written:
            work.info.update({"mq_stage": stage, "mq_step": int(k), "mq_protocol": self.protocol})
            self.traj.write(work)
            self.written = k

    def close(self) -> None:
        """Close the trajectory and the log."""
        if self.traj is not None:
            self.traj.close()
        if self.log_fh is not None:
            self.log_fh.close()


def _stage_dynamics(work: Atoms, stage: str, offset: int, target_T, *, timestep_fs: float,
                    T_final_K: float, pressure_bar: float, tdamp: float, pdamp: float,
                    friction_per_ps: float, seed: int):
    """ASE integrator of one stage from global step ``offset``: isotropic MTK NPT for the
    relaxation, Langevin NVT (target re-set every step, noise seeded with (seed, offset))
    for melt and quench."""
    from ase.md.langevin import Langevin
    from ase.md.nose_hoover_chain import IsotropicMTKNPT

    dt = timestep_fs * units.fs
    if stage == "relax":
        return IsotropicMTKNPT(work, timestep=dt, temperature_K=T_final_K,
                               pressure_au=pressure_bar * units.bar,
                               tdamp=tdamp * units.fs, pdamp=pdamp * units.fs)
    dyn = Langevin(work, timestep=dt, temperature_K=target_T(offset),
                   friction=friction_per_ps / (1000.0 * units.fs), fixcm=False,
                   rng=np.random.default_rng([int(seed), offset]))

    def retarget(dyn=dyn, offset=offset):
        dyn.set_temperature(temperature_K=target_T(offset + dyn.nsteps))

    dyn.attach(retarget, interval=1)
    return dyn


def _run_stages(work: Atoms, bounds, start: int, record, target_T, **md) -> None:
    """Run melt, quench and relax from global step ``start``, calling ``record`` every step
    (``md``: the settings of :func:`_stage_dynamics`); record the input state of an empty
    protocol."""
    for i, stage in enumerate(_STAGES):
        lo, hi = int(bounds[i]), int(bounds[i + 1])
        if start >= hi or hi == lo:
            continue
        offset = max(start, lo)
        dyn = _stage_dynamics(work, stage, offset, target_T, **md)
        dyn.attach(lambda dyn=dyn, offset=offset, stage=stage:
                   record(offset + dyn.nsteps, stage), interval=1)
        dyn.run(hi - offset)
        start = hi
    if int(bounds[-1]) == 0:  # nothing to run: still log the input state
        record(0, _STAGES[-1])


def _final_structure(work: Atoms, total: int, n: Mapping[str, int], seed: int,
                     minimised: dict[str, Any] | None) -> Atoms:
    """Copy of the final cell with a SinglePointCalculator and the ``mq_*`` info keys."""
    from ase.calculators.calculator import PropertyNotImplementedError
    from ase.calculators.singlepoint import SinglePointCalculator

    out = work.copy()
    results = {"energy": float(work.get_potential_energy()), "forces": work.get_forces()}
    try:
        results["stress"] = work.get_stress()
    except PropertyNotImplementedError:  # calculators without stress
        pass
    out.calc = SinglePointCalculator(out, **results)
    for key in ("mq_stage", "mq_protocol"):
        out.info.pop(key, None)
    out.info.update({"mq_step": total, "mq_steps": dict(n), "mq_seed": int(seed)})
    if minimised is not None:
        out.info["mq_minimise"] = minimised
    return out


# --------------------------------------------------------------------------- #
# Per-sample analysis
# --------------------------------------------------------------------------- #
def relaxation_frames(frames: Sequence[Atoms], final: Atoms | None = None) -> list[Atoms]:
    """Frames of the NPT relaxation stage (``info["mq_stage"] == "relax"``) of a
    :func:`melt_quench` trajectory; ``[final]`` when there is none.

    Raises
    ------
    GlassError
        No relaxation frame and no ``final``.
    """
    out = [f for f in frames if f.info.get("mq_stage") == "relax"]
    if out:
        return out
    if final is None:
        raise GlassError("trajectory has no relaxation frame and no final structure was given")
    return [final]


def tetrahedral_share(
    atoms: Atoms, center: str, cutoff_A: float, ligand: str = "S", n_ligands: int = 4
) -> float:
    """Fraction of ``center`` atoms with exactly ``n_ligands`` ``ligand`` neighbours.

    Neighbours are counted within ``cutoff_A`` with :func:`ase.neighborlist.neighbor_list`
    (periodic images included).  Paper 000 (Methods) counts neighbours within the first
    minimum of the partial RDF: P-S 2.73 A, Si-S 2.80 A
    (:data:`PAPER_TETRAHEDRAL_CUTOFFS_A`); PS4 / SiS4 tetrahedra have 4 S.

    Returns
    -------
    float
        In [0, 1]; ``nan`` when the cell holds no ``center`` atom.

    Raises
    ------
    GlassError
        ``cutoff_A`` not > 0 or ``n_ligands`` < 1.
    """
    from ase.neighborlist import neighbor_list

    if not (math.isfinite(cutoff_A) and cutoff_A > 0):
        raise GlassError(f"cutoff_A must be > 0, got {cutoff_A!r}")
    if int(n_ligands) < 1:
        raise GlassError(f"n_ligands must be >= 1, got {n_ligands!r}")
    sym = np.array(atoms.get_chemical_symbols())
    centers = np.flatnonzero(sym == center)
    if centers.size == 0:
        return float("nan")
    i, j = neighbor_list("ij", atoms, float(cutoff_A))
    keep = (sym[i] == center) & (sym[j] == ligand)
    cn = np.bincount(i[keep], minlength=len(atoms))[centers]
    return float(np.mean(cn == int(n_ligands)))


def _mean_cn(atoms: Atoms, center: str, ligand: str, cutoff_A: float) -> float:
    from ase.neighborlist import neighbor_list

    sym = np.array(atoms.get_chemical_symbols())
    centers = np.flatnonzero(sym == center)
    if centers.size == 0:
        return float("nan")
    i, j = neighbor_list("ij", atoms, float(cutoff_A))
    keep = (sym[i] == center) & (sym[j] == ligand)
    return float(np.bincount(i[keep], minlength=len(atoms))[centers].mean())


def partial_rdfs(
    frames: Atoms | Sequence[Atoms],
    rmax_A: float,
    nbins: int,
    pairs: Iterable[tuple[str, str]] | None = None,
) -> list[dict[str, Any]]:
    """Partial radial distribution functions g_ab(r), averaged over frames.

    Computed with :func:`ase.geometry.rdf.get_rdf` (LAMMPS-consistent normalisation,
    g_ab = g_ba, ASE >= 3.27).  ASE requires every perpendicular cell width h >= 2 rmax;
    smaller cells are first repeated ``ceil(2 rmax / h)`` times along that axis, which
    leaves g(r) of a periodic system unchanged.

    Parameters
    ----------
    frames
        One periodic ``Atoms`` or a sequence (e.g. the NPT-relaxation frames).
    rmax_A, nbins
        Range (A) and number of bins.
    pairs
        Element pairs; default all unordered pairs of the elements present, in the order
        Li, Si, P, S, then the rest alphabetically.

    Returns
    -------
    list of dict
        Long-form rows ``pair`` ("Li-S"), ``r_A`` (bin centre), ``g_r``.

    Raises
    ------
    GlassError
        No frames, ``rmax_A`` <= 0, ``nbins`` < 1, or a non-periodic frame.
    """
    from ase.geometry.rdf import get_rdf

    frames = [frames] if isinstance(frames, Atoms) else list(frames)
    if not frames:
        raise GlassError("partial_rdfs needs at least one frame")
    if not (math.isfinite(rmax_A) and rmax_A > 0) or int(nbins) < 1:
        raise GlassError(f"need rmax_A > 0 and nbins >= 1, got {rmax_A!r}, {nbins!r}")
    present = sorted({s for f in frames for s in f.get_chemical_symbols()},
                     key=lambda e: (ELEMENTS.index(e) if e in ELEMENTS else 99, e))
    if pairs is None:
        pairs = [(a, b) for k, a in enumerate(present) for b in present[k:]]
    pairs = [tuple(p) for p in pairs]
    sums = {p: np.zeros(int(nbins)) for p in pairs}
    r = None
    for f in frames:
        if not all(f.pbc) or f.cell.rank != 3:
            raise GlassError("partial_rdfs needs cells periodic in x, y and z")
        vol = f.cell.volume
        widths = [vol / np.linalg.norm(np.cross(f.cell[(k + 1) % 3], f.cell[(k + 2) % 3]))
                  for k in range(3)]
        reps = [max(1, math.ceil(2 * rmax_A / h * (1 + 1e-9))) for h in widths]
        big = f.repeat(reps) if reps != [1, 1, 1] else f
        for p in pairs:
            g, r = get_rdf(big, rmax_A, int(nbins), elements=p)
            sums[p] += g
    rows = []
    for p in pairs:
        g = sums[p] / len(frames)
        rows += [{"pair": f"{p[0]}-{p[1]}", "r_A": float(ri), "g_r": float(gi)}
                 for ri, gi in zip(r, g)]
    return rows


def analyse_glass_sample(
    frames: Atoms | Sequence[Atoms],
    expected_counts: Mapping[str, int],
    tetrahedral_cutoffs_A: Mapping[str, float] = PAPER_TETRAHEDRAL_CUTOFFS_A,
    rdf_rmax_A: float = 6.0,
    rdf_nbins: int = 60,
    min_distance_A: float = 1.0,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Checks and structure descriptors of one melt-quenched sample.

    * composition: the last frame must hold exactly ``expected_counts`` and no pair closer
      than ``min_distance_A`` (:func:`seiflow.builders.cells.validate_structure`);
    * density (g/cm^3) of the last frame and mean over ``frames``;
    * share of each center in ``tetrahedral_cutoffs_A`` (P, Si) with exactly 4 S within its
      cutoff (paper 000: P-S 2.73, Si-S 2.80 A), and the mean X-S coordination number, both
      averaged over ``frames``;
    * partial RDFs (:func:`partial_rdfs`) averaged over ``frames``.

    Returns
    -------
    (summary, rdf_rows)
        ``summary``: ``n_atoms``, ``formula``, ``n_frames``, ``density_g_cm3``,
        ``density_mean_g_cm3``, ``tetrahedral_share_<X>``, ``cn_<X>_S`` (``nan`` for an
        absent X), ``charge`` (formal, must be 0); ``rdf_rows`` as :func:`partial_rdfs`.

    Raises
    ------
    seiflow.builders.cells.StructureValidationError
        Wrong composition, overlapping atoms or a non-neutral cell.
    GlassError
        No frames or bad analysis parameters.
    """
    frames = [frames] if isinstance(frames, Atoms) else list(frames)
    if not frames:
        raise GlassError("analyse_glass_sample needs at least one frame")
    final = frames[-1]
    validate_structure(final, min_distance=float(min_distance_A),
                       expected_composition=dict(expected_counts))
    counts = Counter(final.get_chemical_symbols())
    charge = formal_charge(counts)
    if charge != 0:
        raise StructureValidationError(f"glass is not charge neutral: formal charge {charge}")
    summary: dict[str, Any] = {
        "n_atoms": len(final),
        "formula": final.get_chemical_formula(),
        "n_frames": len(frames),
        "density_g_cm3": density_g_cm3(final),
        "density_mean_g_cm3": float(np.mean([density_g_cm3(f) for f in frames])),
        "charge": charge,
    }
    for center, cut in tetrahedral_cutoffs_A.items():
        shares = [tetrahedral_share(f, center, float(cut)) for f in frames]
        cns = [_mean_cn(f, center, "S", float(cut)) for f in frames]
        summary[f"tetrahedral_share_{center}"] = float(np.mean(shares))
        summary[f"cn_{center}_S"] = float(np.mean(cns))
    return summary, partial_rdfs(frames, rdf_rmax_A, rdf_nbins)


# --------------------------------------------------------------------------- #
# Li | glass slab
# --------------------------------------------------------------------------- #
def li_glass_slab(
    glass: Atoms,
    li_lattice_A: float,
    n_li_layers: int,
    gap_A: float,
    freeze_A: float = 7.0,
    freeze_z_only: bool = False,
    min_distance_A: float = 1.0,
) -> tuple[Atoms, dict[str, Any]]:
    """bcc Li(100) metal | glass cell stacked along z with frozen top and bottom layers.

    Paper 000 (Methods): periodic in x, y, z; "the top and bottom 7 A atoms were 'frozen'
    along the z axis ... and excluded from all subsequent analyses".  Layout along z, from
    0: ``n_li_layers`` Li(100) layers (spacing a/2), ``gap_A``, the glass (its atoms
    wrapped into the cell, lowest at Li top + gap), ``gap_A`` to the periodic image of the
    bottom Li layer.  The metal takes the in-plane strain: ``n_x = round(L_x / a)`` (>= 1)
    Li cells along x (same for y) are scaled to the glass lengths; the strain is
    ``L / (n a) - 1`` (Li(100) is not named in paper 000).

    Parameters
    ----------
    glass
        Periodic glass with an orthorhombic cell (e.g. from :func:`melt_quench`).
    li_lattice_A
        bcc Li lattice constant (A), > 0.
    n_li_layers
        Number of Li(100) layers, >= 2.
    gap_A
        Li-glass distance along z at both contacts (A), > 0.
    freeze_A
        Thickness (A) of the frozen layers measured from the lowest and the highest atom.
        Both the Li block and the glass must be thicker than this.
    freeze_z_only
        ``False``: :class:`ase.constraints.FixAtoms` on the frozen atoms; ``True``:
        :class:`ase.constraints.FixCartesian` of their z coordinate only (the literal
        reading of "frozen along the z axis").
    min_distance_A
        Validation limit for the closest pair (A).

    Returns
    -------
    (slab, info)
        ``slab``: ase.Atoms, Li metal first (tag 1) then glass (tag 0), per-atom bool array
        ``"frozen"``, the constraint above.  ``info``: ``li_repeats``, ``li_strain_percent``
        ([x, y], + = Li stretched), ``n_li_metal``, ``n_li_layers``, ``li_thickness_A``,
        ``glass_thickness_A``, ``gap_A``, ``freeze_A``, ``n_frozen``, ``interface_z_A``
        (middle of the Li | glass gap), ``cell_lengths``, ``composition``.

    Raises
    ------
    GlassError
        Bad parameters, a non-orthorhombic or non-periodic glass, or a block thinner than
        ``freeze_A`` (nothing would be left to simulate).
    seiflow.builders.cells.StructureValidationError
        Closest pair below ``min_distance_A`` or a composition mismatch.
    """
    a, lx, ly = _check_slab_args(glass, li_lattice_A, n_li_layers, gap_A, freeze_A)
    metal, (nx, ny), strain, t_li = _strained_li100(a, lx, ly, n_li_layers)
    g, t_glass = _glass_block(glass, t_li, gap_A, freeze_A)
    slab = Atoms(
        symbols=list(metal.get_chemical_symbols()) + list(g.get_chemical_symbols()),
        positions=np.vstack([metal.positions, g.positions]),
        cell=[lx, ly, t_li + gap_A + t_glass + gap_A],
        pbc=True,
    )
    slab.set_tags([1] * len(metal) + [0] * len(g))
    frozen = _freeze_boundary_layers(slab, freeze_A, freeze_z_only)

    comp = Counter(glass.get_chemical_symbols())
    comp["Li"] += len(metal)
    info = {
        "li_repeats": [nx, ny],
        "li_strain_percent": strain,
        "strain_definition": "L_glass / (n a_Li) - 1 per in-plane axis; + = Li stretched",
        "n_li_metal": len(metal),
        "n_li_layers": int(n_li_layers),
        "li_lattice_A": a,
        "li_thickness_A": t_li,
        "glass_thickness_A": t_glass,
        "gap_A": float(gap_A),
        "freeze_A": float(freeze_A),
        "freeze_z_only": bool(freeze_z_only),
        "n_frozen": int(frozen.sum()),
        "interface_z_A": t_li + 0.5 * gap_A,
        "cell_lengths": [float(v) for v in slab.cell.lengths()],
        "composition": {el: int(comp[el]) for el in sorted(comp)},
    }
    validate_structure(slab, min_distance=min(float(min_distance_A), float(gap_A)),
                       expected_composition=info["composition"])
    return slab, info


# Steps of li_glass_slab, in the order it calls them.
def _check_slab_args(glass: Atoms, li_lattice_A, n_li_layers, gap_A, freeze_A):
    """Validate the arguments of :func:`li_glass_slab`; return (a, L_x, L_y) of the glass (A)."""
    a = float(li_lattice_A)
    if not (math.isfinite(a) and a > 0):
        raise GlassError(f"li_lattice_A must be > 0, got {li_lattice_A!r}")
    if isinstance(n_li_layers, bool) or int(n_li_layers) != n_li_layers or n_li_layers < 2:
        raise GlassError(f"n_li_layers must be an integer >= 2, got {n_li_layers!r}")
    if not (math.isfinite(gap_A) and gap_A > 0):
        raise GlassError(f"gap_A must be > 0, got {gap_A!r}")
    if not (math.isfinite(freeze_A) and freeze_A >= 0):
        raise GlassError(f"freeze_A must be >= 0, got {freeze_A!r}")
    if not all(glass.pbc) or glass.cell.rank != 3:
        raise GlassError("glass must be periodic in x, y and z")
    cell = glass.cell.array
    if np.abs(cell - np.diag(np.diag(cell))).max() > 1e-6 * np.abs(cell).max():
        raise GlassError("glass cell must be orthorhombic (diagonal) to stack along z")
    lx, ly, _ = np.diag(cell)
    return a, lx, ly


def _strained_li100(a: float, lx: float, ly: float, n_li_layers: int):
    """bcc Li(100) block from z = 0, ``round(L / a)`` cells per in-plane axis scaled to L.

    Returns (block, (n_x, n_y), strain in % [x, y], thickness in A).
    """
    from ase.build import bcc100

    nx, ny = (max(1, int(round(v / a))) for v in (lx, ly))
    metal = bcc100("Li", size=(nx, ny, int(n_li_layers)), a=a, orthogonal=True)
    metal.positions[:, 2] -= metal.positions[:, 2].min()
    metal.positions[:, 0] *= lx / (nx * a)
    metal.positions[:, 1] *= ly / (ny * a)
    strain = [float(100.0 * (lx / (nx * a) - 1.0)), float(100.0 * (ly / (ny * a) - 1.0))]
    return metal, (nx, ny), strain, float(metal.positions[:, 2].max())


def _glass_block(glass: Atoms, t_li: float, gap_A: float, freeze_A: float):
    """Wrapped, unconstrained copy of the glass placed ``gap_A`` above the Li block.

    Returns (glass, thickness in A); GlassError when either block is not thicker than
    ``freeze_A``.
    """
    g = glass.copy()
    g.set_constraint()
    g.wrap()
    gz = g.positions[:, 2] - g.positions[:, 2].min()
    t_glass = float(gz.max())
    if t_li <= freeze_A or t_glass <= freeze_A:
        raise GlassError(
            f"Li block ({t_li:.2f} A) and glass ({t_glass:.2f} A) must both be thicker than "
            f"freeze_A={freeze_A} A; add Li layers or glass atoms"
        )
    g.positions[:, 2] = gz + t_li + gap_A
    return g, t_glass


def _freeze_boundary_layers(slab: Atoms, freeze_A: float, freeze_z_only: bool) -> np.ndarray:
    """Mark (array ``"frozen"``) and constrain the atoms within ``freeze_A`` of the lowest and
    the highest atom: FixAtoms, or FixCartesian of z with ``freeze_z_only``; return the mask."""
    from ase.constraints import FixAtoms, FixCartesian

    z = slab.positions[:, 2]
    frozen = (z <= z.min() + freeze_A) | (z >= z.max() - freeze_A)
    slab.new_array("frozen", frozen)
    idx = np.flatnonzero(frozen)
    if freeze_z_only:
        slab.set_constraint(FixCartesian(idx, mask=(False, False, True)))
    else:
        slab.set_constraint(FixAtoms(indices=idx))
    return frozen


# --------------------------------------------------------------------------- #
# Table and config check (the RDF figure is plot_glass_rdf in plot/glass.py)
# --------------------------------------------------------------------------- #
_TABLE_COLUMNS = ["composition", "sample", "seed_packing", "seed_md", "n_atoms", "formula",
                  "density_initial_g_cm3", "density_g_cm3", "density_mean_g_cm3",
                  "tetrahedral_share_P", "tetrahedral_share_Si", "cn_P_S", "cn_Si_S",
                  "n_frames", "oracle"]


def samples_table(summaries: Iterable[Mapping[str, Any]]):
    """``glass_samples`` table (pandas DataFrame) from per-sample summary dicts.

    Columns (in order, extras appended): composition, sample, seed_packing, seed_md,
    n_atoms, formula, density_initial_g_cm3, density_g_cm3, density_mean_g_cm3,
    tetrahedral_share_P, tetrahedral_share_Si, cn_P_S, cn_Si_S, n_frames, oracle; nested
    dicts are flattened with ``_`` (``mq_steps_melt``); rows sorted by composition, sample.

    Raises
    ------
    GlassError
        No summaries, or one without ``composition`` / ``sample``.
    """
    import pandas as pd

    rows = [dict(s) for s in summaries]
    if not rows:
        raise GlassError("samples_table needs at least one sample summary")
    for r in rows:
        if "composition" not in r or "sample" not in r:
            raise GlassError(f"summary without composition/sample: {r}")
    df = pd.json_normalize(rows, sep="_")  # nested dicts (mq_steps) -> mq_steps_melt, ...
    cols = [c for c in _TABLE_COLUMNS if c in df.columns]
    cols += [c for c in df.columns if c not in cols]
    return df[cols].sort_values(["composition", "sample"], kind="stable").reset_index(drop=True)


def check_glass_config(
    glass: Mapping[str, Any], scales: Mapping[str, Any], li_lattice_A: float
) -> None:
    """Cross-key checks of the glass config the JSON schema cannot express.

    Rejects: mol % that do not sum to 100; compositions without a density (or densities
    without a composition); a composition whose cell at any scale is too small for its
    frozen layers or whose hard-sphere packing exceeds the RSA jamming limit; a melt
    temperature not above the final temperature; ``slab_sample >= n_samples``; a protocol
    with no MD step at all.

    Parameters
    ----------
    glass
        ``config["glass"]``.
    scales
        ``config["scales"]`` (each with a ``glass`` block).
    li_lattice_A
        ``config["structures"]["li_lattice_A"]`` (A), the Li(100) layer spacing is a/2.

    Raises
    ------
    GlassError
        With the offending key path.
    """
    comps = glass["compositions"]
    dens = glass["density_g_cm3"]
    if set(comps) != set(dens):
        raise GlassError(f"glass.compositions {sorted(comps)} and glass.density_g_cm3 "
                         f"{sorted(dens)} must name the same glasses")
    for name, mol in comps.items():
        try:
            formula_unit(mol["Li2S"], mol["SiS2"], mol["P2S5"])
        except GlassError as exc:
            raise GlassError(f"glass.compositions.{name}: {exc}") from exc
    for scale, block in scales.items():
        g = block["glass"]
        where = f"scales.{scale}.glass"
        if g["T_melt_K"] <= glass["T_final_K"]:
            raise GlassError(f"{where}.T_melt_K must exceed glass.T_final_K")
        if glass["slab_sample"] >= g["n_samples"]:
            raise GlassError(f"glass.slab_sample={glass['slab_sample']} but {where}.n_samples="
                             f"{g['n_samples']}")
        steps = protocol_steps(g["T_melt_K"], g["t_melt_ps"], glass["T_final_K"],
                               g["quench_rate_K_ps"], g["t_relax_ps"], g["timestep_fs"])
        if steps["relax"] < 1:
            raise GlassError(f"{where}: t_relax_ps gives no NPT relaxation step")
        for name, mol in comps.items():
            counts = glass_composition(mol["Li2S"], mol["SiS2"], mol["P2S5"], g["n_atoms"])
            n = sum(counts.values())
            mass_g = sum(atomic_masses[chemical_symbols.index(el)] * k
                         for el, k in counts.items()) * _AMU_G
            vol = mass_g / dens[name] * 1e24
            phi = n * math.pi * glass["min_distance_A"] ** 3 / 6.0 / vol
            if phi > RSA_JAMMING_FRACTION:
                raise GlassError(f"{where}: {name} cannot be packed with min_distance_A="
                                 f"{glass['min_distance_A']} (packing fraction {phi:.2f})")
            lz = (vol / g["cell_c_over_a"]) ** (1 / 3) * g["cell_c_over_a"]
            li = (g["n_li_layers"] - 1) * 0.5 * float(li_lattice_A)
            if lz <= glass["freeze_A"] + 0.5 or li <= glass["freeze_A"]:
                raise GlassError(
                    f"{where}: {name} glass ({lz:.1f} A) or Li block ({li:.1f} A) too thin "
                    f"for freeze_A={glass['freeze_A']} A"
                )
