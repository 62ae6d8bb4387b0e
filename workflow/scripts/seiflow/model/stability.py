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

* no collapsed atom pairs in the final frame: two atoms closer than ``min_contact_fraction`` ×
  the sum of their covalent radii (ASE's Cordero et al. radii) mean the model has no
  short-range repulsion where its training data had no close pairs, and atoms fall onto each
  other (S-S at 0.5 A in an undertrained Li-P-S-Cl model). The energy stays finite and the
  thermostat removes the released heat, so the drift test alone misses it. A collapse fails
  the check, or is only recorded (``on_collapse: flag``) so that a demo run can go on with
  visibly flagged results.

The drift bound is a config value per scale: it flags explosions of the small demo models, and is
tight at paper scale (a well-trained DeePMD model conserves energy to well below 1 meV/atom/ps at
a 1 fs time step).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

THERMO_COLUMNS = ("step", "time", "temp", "pe", "ke", "etotal", "econserve", "atoms")

#: final frame of the check run (LAMMPS dump, in the run directory), for :func:`close_contacts`
FINAL_DUMP = "final.lammpstrj"

#: what a collapse does to the verdict: fail the check, or only record it
ON_COLLAPSE = ("fail", "flag")


def close_contacts(atoms, min_contact_fraction: float) -> dict:
    """Atom pairs closer than ``min_contact_fraction`` × (r_cov,i + r_cov,j).

    Parameters
    ----------
    atoms : ase.Atoms
        Frame (periodic or not); covalent radii from ``ase.data.covalent_radii``
        (Cordero et al., Dalton Trans. 2832 (2008)).
    min_contact_fraction : float
        Fraction of the covalent-radius sum below which a pair counts as collapsed, in (0, 1].
        0.5 gives 1.05 Å for S-S (bond 2.05 Å), 1.06 Å for P-S, 1.17 Å for Li-S, 1.28 Å for
        Li-Li: far below any bond of the Li-P-S-Cl-Si-O-N-Na systems studied here.

    Returns
    -------
    dict
        ``n_close_pairs`` (int), ``min_pair_distance_A`` (shortest pair distance of any
        kind, Å; NaN for < 2 atoms), ``close_pairs_by_element`` ({"S-S": [count,
        shortest Å], ...}, elements sorted), ``min_contact_fraction``.

    Raises
    ------
    ValueError
        ``min_contact_fraction`` outside (0, 1].
    """
    from ase.data import covalent_radii
    from ase.neighborlist import neighbor_list

    f = float(min_contact_fraction)
    if not 0 < f <= 1:
        raise ValueError(f"min_contact_fraction must be in (0, 1], got {min_contact_fraction}")
    out = {"n_close_pairs": 0, "min_pair_distance_A": float("nan"),
           "close_pairs_by_element": {}, "min_contact_fraction": f}
    if len(atoms) < 2:
        return out
    radii = covalent_radii[atoms.numbers]
    # shortest distance: any pair within the largest possible contact radius or 3 Å
    i, j, d = neighbor_list("ijd", atoms, max(3.0, 2 * f * radii.max()))
    if d.size:
        out["min_pair_distance_A"] = float(d.min())
    keep = (i < j) & (d < f * (radii[i] + radii[j]))
    sym = np.asarray(atoms.get_chemical_symbols())
    by = {}
    for a, b, r in zip(i[keep], j[keep], d[keep]):
        key = "-".join(sorted((sym[a], sym[b])))
        n, rmin = by.get(key, (0, np.inf))
        by[key] = (n + 1, min(rmin, float(r)))
    out["n_close_pairs"] = int(keep.sum())
    out["close_pairs_by_element"] = {k: [int(n), float(r)] for k, (n, r) in sorted(by.items())}
    return out


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
        f"write_dump all custom {FINAL_DUMP} id type x y z modify sort id\n"
    )


# LAMMPS header names of the thermo keywords of :data:`THERMO_COLUMNS`
_HEADER_NAMES = {"Step": "step", "Time": "time", "Temp": "temp", "PotEng": "pe",
                 "KinEng": "ke", "TotEng": "etotal", "Econserve": "econserve", "Atoms": "atoms"}


def parse_stability_thermo(log_text: str) -> pd.DataFrame:
    """Thermo table of a :func:`stability_input` run from its LAMMPS log.

    Reads the log with :func:`seiflow.md.lammps.parse_thermo` and names the columns by their
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
    from seiflow.md.lammps import parse_thermo

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


def stability_verdict(drift: dict, max_drift_meV_atom_ps: float, contacts: dict | None = None,
                      on_collapse: str = "fail") -> tuple[bool, str]:
    """Pass/fail of the exploding-model check.

    Parameters
    ----------
    drift : dict
        From :func:`conserved_energy_drift`.
    max_drift_meV_atom_ps : float
        Largest accepted |drift| of the conserved energy (meV/atom/ps).
    contacts : dict, optional
        From :func:`close_contacts` on the final frame; None skips the collapse test.
    on_collapse : {"fail", "flag"}
        A collapse (``n_close_pairs`` > 0) fails the check, or is only named in the reason
        (prefixed "FLAGGED:") with the check passed.

    Returns
    -------
    (bool, str)
        Whether the model passed, and the reason (every failed or flagged criterion, or
        "stable").

    Raises
    ------
    ValueError
        Unknown ``on_collapse``.
    """
    if on_collapse not in ON_COLLAPSE:
        raise ValueError(f"on_collapse must be one of {ON_COLLAPSE}, got {on_collapse!r}")
    problems, flags = [], []
    if contacts is not None and contacts["n_close_pairs"] > 0:
        worst = ", ".join(f"{k} x{n} (shortest {r:.2f} A)"
                          for k, (n, r) in contacts["close_pairs_by_element"].items())
        msg = (f"{contacts['n_close_pairs']} collapsed atom pairs closer than "
               f"{contacts['min_contact_fraction']:g} x the covalent-radius sum in the final "
               f"frame: {worst} (no short-range repulsion in the model)")
        (problems if on_collapse == "fail" else flags).append(msg)
    if drift["n_atoms_end"] != drift["n_atoms_start"]:
        problems.append(f"lost atoms: {drift['n_atoms_start']} -> {drift['n_atoms_end']}")
    if not drift["finite"]:
        problems.append("non-finite energy or temperature")
    elif abs(drift["drift_meV_atom_ps"]) > max_drift_meV_atom_ps:
        problems.append(f"conserved-energy drift {drift['drift_meV_atom_ps']:.3g} meV/atom/ps "
                        f"exceeds {max_drift_meV_atom_ps:g}")
    if problems:
        return False, "; ".join(problems + [f"also: {m}" for m in flags])
    return True, ("FLAGGED: " + "; ".join(flags)) if flags else "stable"
