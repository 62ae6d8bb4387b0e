"""Exploding-model check of a trained DeePMD model: a short NVT run and its conserved energy.

A DeePMD model that extrapolates badly (too little or unrepresentative training data, or a
compressed model used outside its tabulated range) shows in MD as atoms flying apart (LAMMPS
"lost atoms"), non-finite energies or a drifting conserved energy. Before any production run,
the workflow reruns a short Nose-Hoover NVT at the highest production temperature of the study
on the production cell and checks

* no lost atoms (LAMMPS ``thermo_modify lost error`` stops the run; the atom count is checked
  too) and finite energies;
* the drift of the conserved energy ``econserve`` (total energy plus the energy the thermostat
  exchanged, LAMMPS ``thermo`` keyword; Martyna, Klein & Tuckerman, J. Chem. Phys. 97, 2635
  (1992)), fitted linearly over time and given per atom (meV/atom/ps), stays below a
  configured bound.

The drift bound is a config value per scale: it flags explosions of the small demo models, and is
tight at paper scale (a well-trained DeePMD model conserves energy to well below 1 meV/atom/ps at
a 1 fs time step).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

THERMO_COLUMNS = ("step", "time", "temp", "pe", "ke", "etotal", "econserve", "atoms")


def stability_input(data_file: str, model: str, type_map: list[str], temperature_K: float,
                    timestep_ps: float, nsteps: int, seed: int, thermo_every: int) -> str:
    """LAMMPS input: Gaussian velocities at ``temperature_K``, then ``nsteps`` of NVT.

    Parameters
    ----------
    data_file, model : str
        LAMMPS data file (``atom_style atomic``) and DeePMD model (absolute or run-relative).
    type_map : list of str
        Element of each LAMMPS atom type, in model order.
    temperature_K : float
        Thermostat temperature (K); Nose-Hoover damping 0.1 ps as in production.
    timestep_ps : float
        Time step (ps).
    nsteps, thermo_every : int
        Steps to run and thermo output interval (steps).
    seed : int
        Velocity seed (folded into 1 .. 2^31 - 2).

    Returns
    -------
    str
        Input whose thermo columns are :data:`THERMO_COLUMNS`.

    Raises
    ------
    ValueError
        If ``nsteps`` or ``thermo_every`` < 1, or ``thermo_every`` > ``nsteps``.
    """
    if nsteps < 1 or thermo_every < 1 or thermo_every > nsteps:
        raise ValueError(f"need 1 <= thermo_every <= nsteps, got {thermo_every}, {nsteps}")
    seed = int(seed) % (2**31 - 1) or 1
    return (
        "units metal\natom_style atomic\nboundary p p p\n"
        f"read_data {data_file}\n"
        f"pair_style deepmd {model}\n"
        f"pair_coeff * * {' '.join(type_map)}\n"
        "neighbor 1.0 bin\nneigh_modify every 1 delay 0 check yes\n"
        f"timestep {timestep_ps:.6g}\n"
        f"thermo_style custom {' '.join(THERMO_COLUMNS)}\n"
        "thermo_modify lost error flush yes\n"
        f"thermo {int(thermo_every)}\n"
        f"velocity all create {temperature_K} {seed} dist gaussian mom yes rot no\n"
        f"fix nvt all nvt temp {temperature_K} {temperature_K} 0.1\n"
        f"run {int(nsteps)}\n"
    )


# LAMMPS header names of the thermo keywords of :data:`THERMO_COLUMNS`
_HEADER_NAMES = {"Step": "step", "Time": "time", "Temp": "temp", "PotEng": "pe",
                 "KinEng": "ke", "TotEng": "etotal", "Econserve": "econserve", "Atoms": "atoms"}


def parse_stability_thermo(log_text: str) -> pd.DataFrame:
    """Thermo table of a :func:`stability_input` run from its LAMMPS log.

    Reads the log with :func:`seiflow.lammps_md.parse_thermo` and names the columns by their
    thermo keywords.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`THERMO_COLUMNS` (time in ps, temperature in K, energies in eV).

    Raises
    ------
    ValueError
        If the log holds no thermo block with these columns.
    """
    from seiflow.lammps_md import parse_thermo

    table = parse_thermo(log_text).rename(columns=_HEADER_NAMES)
    if table.empty or not set(THERMO_COLUMNS) <= set(table.columns):
        raise ValueError("no thermo block with columns " + " ".join(THERMO_COLUMNS))
    return table[list(THERMO_COLUMNS)]


def conserved_energy_drift(thermo: pd.DataFrame) -> dict:
    """Linear drift and largest excursion of the conserved energy, per atom.

    Parameters
    ----------
    thermo : pandas.DataFrame
        From :func:`parse_stability_thermo` (``time`` in ps, ``econserve`` in eV, ``atoms``).

    Returns
    -------
    dict
        ``drift_meV_atom_ps``: least-squares slope of econserve(t) / N (meV/atom/ps);
        ``max_deviation_meV_atom``: max |econserve(t) - econserve(0)| / N (meV/atom);
        ``n_atoms_start`` / ``n_atoms_end``; ``max_temperature_K``; ``duration_ps``;
        ``finite``: all energies finite.

    Raises
    ------
    ValueError
        If fewer than 2 thermo rows.
    """
    if len(thermo) < 2:
        raise ValueError("need at least 2 thermo rows to fit a drift")
    t = thermo["time"].to_numpy(float)
    e = thermo["econserve"].to_numpy(float)
    n = float(thermo["atoms"].iloc[0])
    finite = bool(np.isfinite(thermo[["pe", "ke", "econserve", "temp"]].to_numpy()).all())
    slope = float(np.polyfit(t - t[0], e, 1)[0]) if finite else float("nan")
    return {
        "n_atoms_start": int(thermo["atoms"].iloc[0]),
        "n_atoms_end": int(thermo["atoms"].iloc[-1]),
        "duration_ps": float(t[-1] - t[0]),
        "finite": finite,
        "drift_meV_atom_ps": 1000.0 * slope / n,
        "max_deviation_meV_atom": 1000.0 * float(np.nanmax(np.abs(e - e[0]))) / n,
        "max_temperature_K": float(thermo["temp"].max()),
    }


def stability_verdict(drift: dict, max_drift_meV_atom_ps: float) -> tuple[bool, str]:
    """Pass/fail of the exploding-model check.

    Parameters
    ----------
    drift : dict
        From :func:`conserved_energy_drift`.
    max_drift_meV_atom_ps : float
        Largest accepted |drift| of the conserved energy (meV/atom/ps).

    Returns
    -------
    (bool, str)
        Whether the model passed, and the reason (every failed criterion, or "stable").
    """
    problems = []
    if drift["n_atoms_end"] != drift["n_atoms_start"]:
        problems.append(f"lost atoms: {drift['n_atoms_start']} -> {drift['n_atoms_end']}")
    if not drift["finite"]:
        problems.append("non-finite energy or temperature")
    elif abs(drift["drift_meV_atom_ps"]) > max_drift_meV_atom_ps:
        problems.append(f"conserved-energy drift {drift['drift_meV_atom_ps']:.3g} meV/atom/ps "
                        f"exceeds {max_drift_meV_atom_ps:g}")
    return (not problems, "; ".join(problems) if problems else "stable")
