"""Benchmark of the embedded teachers (CHGNet, SevenNet) against a reference oracle (CP2K DFT).

Frames are drawn from the ``init_data/<system>`` deepmd/npy folders of a study, labelled by
the reference and by every teacher, and compared with the usual machine-learning-potential
error metrics (energy RMSE per atom, force-component RMSE/MAE, stress RMSE).

Energy zero points differ between methods (CP2K GTH pseudopotential total energies vs the
MP2020-compatible energies of CHGNet/SevenNet), so teacher energies are compared after adding a
per-element reference energy ``mu`` fitted by linear least squares of ``E_ref - E_teacher`` on the
element counts of all frames -- the per-element energy shift of DeePMD-kit's output bias
(``atom_ener`` / ``bias_atom_e``; Zeng et al., J. Chem. Phys. 159, 054801 (2023)) and of the
MACE-MP foundation models' E0s (Batatia et al., arXiv:2401.00096). The fit absorbs any error that
is linear in composition, so with few distinct compositions the shifted RMSE is a lower bound;
the shift-free *relative* energy RMSE (energies relative to the mean of frames of the same
composition) is reported beside it.
"""

from __future__ import annotations

import time
import zlib
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from ase.data import atomic_numbers
from ase.units import GPa

PICK_RULE = ("lowest force RMSE over all frames (system 'all'); teachers within force_tol_eV_A "
             "of the best are tied and the tie goes to the lowest shifted energy RMSE")

TABLE_COLUMNS = ["teacher", "system", "n_frames", "n_atoms", "n_compositions",
                 "energy_shift_mode", "energy_rmse_meV_atom", "rel_energy_rmse_meV_atom",
                 "force_rmse_eV_A", "force_mae_eV_A", "max_force_error_eV_A", "stress_rmse_GPa",
                 "seconds_per_frame"]


def select_benchmark_frames(init_data_dirs: Mapping[str, str], n_per_system: int, seed: int,
                            max_atoms: int) -> list:
    """Draw frames without replacement from each deepmd/npy system.

    Parameters
    ----------
    init_data_dirs : mapping of str to path
        System name -> ``init_data/<system>`` folder (``dpdata.LabeledSystem(fmt="deepmd/npy")``).
    n_per_system : int
        Frames drawn per system (all of them if the system has fewer).
    seed : int
        Seed; each system's draw uses ``numpy.random.default_rng([seed, crc32(name)])``, so it
        does not change when other systems are added or removed.
    max_atoms : int
        Systems with more atoms per frame are skipped (the reference is DFT: cost ~ N^3).

    Returns
    -------
    list of ase.Atoms
        Unlabelled copies (no calculator), positions in Å, with ``info["system"]`` and
        ``info["frame_index"]``, grouped by system in the order of ``init_data_dirs`` and sorted
        by frame index within a system.

    Raises
    ------
    ValueError
        ``n_per_system < 1``, or no system has ``<= max_atoms`` atoms.
    """
    import dpdata

    if n_per_system < 1:
        raise ValueError(f"n_per_system must be >= 1, got {n_per_system}")
    frames = []
    for name, folder in init_data_dirs.items():
        system = dpdata.LabeledSystem(str(folder), fmt="deepmd/npy")
        if system.get_natoms() > max_atoms or len(system) == 0:
            continue
        rng = np.random.default_rng([seed, zlib.crc32(name.encode())])
        picks = np.sort(rng.choice(len(system), min(n_per_system, len(system)), replace=False))
        for i in picks:
            (atoms,) = system[int(i)].to("ase/structure")
            atoms.calc = None
            atoms.info.update(system=name, frame_index=int(i))
            frames.append(atoms)
    if not frames:
        raise ValueError(f"no benchmark frames: every system of {list(init_data_dirs)} is empty "
                         f"or has more than max_atoms={max_atoms} atoms")
    return frames


def label_with(calculator, frames: Sequence) -> list[dict]:
    """Single-point labels of frames by one ASE calculator.

    Parameters
    ----------
    calculator : ase Calculator
        Any calculator giving ``energy`` (eV) and ``forces`` (eV/Å); ``stress`` is optional.
    frames : sequence of ase.Atoms
        Structures (copied, never modified).

    Returns
    -------
    list of dict
        Per frame: ``energy_eV`` (float), ``forces_eV_A`` (n_atoms, 3), ``stress_eV_A3`` (6,)
        Voigt order in the ASE sign convention, or ``None`` when the calculator has no stress
        (or the frame is not periodic), and ``wall_s`` (s, wall time of the call).

    Raises
    ------
    seiflow.oracle.calculators.OracleError
        Non-finite energy, forces or stress.
    """
    from ase.calculators.calculator import PropertyNotImplementedError

    from seiflow.oracle.calculators import OracleError

    labels = []
    for atoms in frames:
        a = atoms.copy()
        a.calc = calculator
        t0 = time.perf_counter()
        energy = float(a.get_potential_energy())
        forces = np.array(a.get_forces(), dtype=float)
        stress = None
        if a.pbc.all():
            try:
                stress = np.array(a.get_stress(voigt=True), dtype=float)
            except PropertyNotImplementedError:
                stress = None
        wall = time.perf_counter() - t0
        arrays = [np.atleast_1d(energy), forces] + ([stress] if stress is not None else [])
        if not all(np.isfinite(x).all() for x in arrays):
            raise OracleError(f"non-finite labels for {a.get_chemical_formula()}")
        labels.append({"energy_eV": energy, "forces_eV_A": forces, "stress_eV_A3": stress,
                       "wall_s": wall})
    return labels


def element_counts(frames: Sequence) -> tuple[list[str], np.ndarray]:
    """Element count matrix of frames.

    Returns
    -------
    elements : list of str
        Chemical symbols present, ordered by atomic number.
    counts : numpy.ndarray, shape (n_frames, n_elements), int
    """
    per_frame = [Counter(a.get_chemical_symbols()) for a in frames]
    elements = sorted(set().union(*per_frame), key=atomic_numbers.__getitem__)
    return elements, np.array([[c[e] for e in elements] for c in per_frame], dtype=int)


def fit_element_shifts(counts: np.ndarray, delta_E: np.ndarray) -> tuple[np.ndarray, str]:
    """Per-element reference energies by linear least squares, ``delta_E ~ counts @ mu``.

    The per-element energy shift of DeePMD-kit's output bias (``bias_atom_e``; Zeng et al.,
    J. Chem. Phys. 159, 054801 (2023)) and of MACE-MP's E0s (Batatia et al.,
    arXiv:2401.00096). If the count matrix is rank deficient (fewer independent compositions
    than elements, e.g. only scaled copies of one stoichiometry) the per-element values are not
    determined and one per-atom constant ``c`` (``delta_E ~ c * n_atoms``) is fitted instead.

    Parameters
    ----------
    counts : array_like, shape (n_frames, n_elements)
        Atoms of each element in each frame.
    delta_E : array_like, shape (n_frames,)
        ``E_reference - E_teacher`` per frame (eV).

    Returns
    -------
    shifts : numpy.ndarray, shape (n_elements,)
        eV per atom of each element; all equal to ``c`` in the fallback.
    mode : str
        ``"per_element"`` or ``"per_atom_constant"`` (rank-deficient fallback).

    Raises
    ------
    ValueError
        Shape mismatch, no frames, or frames without atoms.
    """
    counts = np.asarray(counts, dtype=float)
    delta_E = np.asarray(delta_E, dtype=float)
    if counts.ndim != 2 or delta_E.shape != (counts.shape[0],) or counts.shape[0] == 0:
        raise ValueError(f"counts {counts.shape} and delta_E {delta_E.shape} do not match "
                         "(n_frames, n_elements) and (n_frames,) with n_frames >= 1")
    n_atoms = counts.sum(axis=1)
    if (n_atoms <= 0).any():
        raise ValueError("every frame needs at least one atom")
    if np.linalg.matrix_rank(counts) == counts.shape[1]:
        shifts = np.linalg.lstsq(counts, delta_E, rcond=None)[0]
        return shifts, "per_element"
    c = float(n_atoms @ delta_E / (n_atoms @ n_atoms))
    return np.full(counts.shape[1], c), "per_atom_constant"


def shifted_energies(reference: Sequence[dict], labels: Sequence[dict], frames: Sequence
                     ) -> tuple[np.ndarray, dict[str, float], str]:
    """Teacher energies moved onto the reference zero point with :func:`fit_element_shifts`.

    Returns
    -------
    energies : numpy.ndarray, shape (n_frames,)
        ``E_teacher + counts @ mu`` (eV).
    shifts : dict
        Element -> ``mu`` (eV/atom).
    mode : str
        ``"per_element"`` or ``"per_atom_constant"``.
    """
    elements, counts = element_counts(frames)
    e_ref = np.array([r["energy_eV"] for r in reference])
    e_t = np.array([t["energy_eV"] for t in labels])
    mu, mode = fit_element_shifts(counts, e_ref - e_t)
    return e_t + counts @ mu, dict(zip(elements, mu.tolist())), mode


def _relative(energies: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """E minus the mean E of frames with the same composition; NaN for single-frame ones."""
    keys = [tuple(row) for row in counts]
    groups = pd.Series(energies).groupby(pd.Series(keys).astype(str))
    rel = energies - groups.transform("mean").to_numpy()
    return np.where(groups.transform("size").to_numpy() > 1, rel, np.nan)


def rms(x: np.ndarray) -> float:
    """Root mean square of the finite entries of ``x``.

    Parameters
    ----------
    x : array_like, any shape
        Errors (any unit).

    Returns
    -------
    float
        sqrt(mean(x²)) over the finite entries (same unit as ``x``); NaN when none is finite.
    """
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    return float(np.sqrt(np.mean(x ** 2))) if x.size else float("nan")


def error_table(reference: Sequence[dict], teachers: Mapping[str, Sequence[dict]],
                frames: Sequence) -> pd.DataFrame:
    """Errors of each teacher with respect to the reference, per system and over all frames.

    Parameters
    ----------
    reference : sequence of dict
        :func:`label_with` output of the reference (e.g. CP2K), one per frame.
    teachers : mapping of str to sequence of dict
        Teacher name -> :func:`label_with` output on the same frames.
    frames : sequence of ase.Atoms
        The labelled frames; ``info["system"]`` groups rows (missing: ``"all"`` only).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TABLE_COLUMNS`; one row per teacher and system plus one per teacher with
        system ``"all"``:

        * ``energy_rmse_meV_atom``: RMSE of ``(E_teacher + counts @ mu - E_ref) / n_atoms``
          with ``mu`` fitted once per teacher over all frames (mode in ``energy_shift_mode``).
        * ``rel_energy_rmse_meV_atom``: RMSE of the per-atom error of energies relative to the
          mean of the frames of the same composition (shift-free); frames whose composition
          occurs once are left out, NaN if none is left.
        * ``force_rmse_eV_A`` / ``force_mae_eV_A``: over all Cartesian force components.
        * ``max_force_error_eV_A``: largest per-atom norm of the force error.
        * ``stress_rmse_GPa``: over the 6 Voigt components of frames where both have a stress
          (NaN if none).
        * ``seconds_per_frame``: mean teacher wall time (NaN if not recorded).

    Raises
    ------
    ValueError
        Label lists and frames of different lengths, or no frames.
    """
    n = len(frames)
    if n == 0 or len(reference) != n or any(len(v) != n for v in teachers.values()):
        raise ValueError("reference, every teacher and frames need the same number (>= 1) "
                         "of entries")
    _, counts = element_counts(frames)
    n_atoms = counts.sum(axis=1)
    systems = np.array([a.info.get("system", "all") for a in frames], dtype=object)
    e_ref = np.array([r["energy_eV"] for r in reference])
    rel_ref = _relative(e_ref, counts)
    rows = []
    for name, labels in teachers.items():
        e_shift, _, mode = shifted_energies(reference, labels, frames)
        de = 1e3 * (e_shift - e_ref) / n_atoms
        de_rel = 1e3 * (_relative(e_shift, counts) - rel_ref) / n_atoms
        subsets = [(s, systems == s) for s in dict.fromkeys(systems) if s != "all"]
        for system, sel in subsets + [("all", np.ones(n, dtype=bool))]:
            idx = np.flatnonzero(sel)
            df = np.concatenate([labels[i]["forces_eV_A"] - reference[i]["forces_eV_A"]
                                 for i in idx])
            ds = [labels[i]["stress_eV_A3"] - reference[i]["stress_eV_A3"] for i in idx
                  if labels[i]["stress_eV_A3"] is not None
                  and reference[i]["stress_eV_A3"] is not None]
            wall = [labels[i].get("wall_s", np.nan) for i in idx]
            rows.append({
                "teacher": name, "system": system, "n_frames": idx.size,
                "n_atoms": int(n_atoms[idx].sum()),
                "n_compositions": len({tuple(c) for c in counts[idx]}),
                "energy_shift_mode": mode, "energy_rmse_meV_atom": rms(de[idx]),
                "rel_energy_rmse_meV_atom": rms(de_rel[idx]),
                "force_rmse_eV_A": rms(df), "force_mae_eV_A": float(np.abs(df).mean()),
                "max_force_error_eV_A": float(np.linalg.norm(df, axis=1).max()),
                "stress_rmse_GPa": rms(np.concatenate(ds) / GPa) if ds else float("nan"),
                "seconds_per_frame": float(np.mean(wall)),
            })
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def pick_default(table: pd.DataFrame, force_tol_eV_A: float = 0.0) -> str:
    """Teacher to use as the default oracle, by :data:`PICK_RULE`.

    Forces drive MD and are what DP-GEN's model deviation selects on, so the force RMSE
    decides; energy RMSE (after the per-element shift) breaks ties.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`error_table` output (rows with ``system == "all"`` are used).
    force_tol_eV_A : float
        Teachers whose force RMSE is within this of the best (eV/Å) count as tied.

    Returns
    -------
    str
        Teacher name.

    Raises
    ------
    ValueError
        No ``"all"`` row with a finite force RMSE.
    """
    rows = table[(table["system"] == "all") & np.isfinite(table["force_rmse_eV_A"])]
    if rows.empty:
        raise ValueError("pick_default: no 'all' row with a finite force RMSE")
    tied = rows[rows["force_rmse_eV_A"] <= rows["force_rmse_eV_A"].min() + force_tol_eV_A]
    energy = tied["energy_rmse_meV_atom"].fillna(np.inf)
    best = tied.assign(_e=energy).sort_values(["_e", "force_rmse_eV_A"], kind="stable")
    return str(best["teacher"].iloc[0])


def parity_data(reference: Sequence[dict], teachers: Mapping[str, Sequence[dict]],
                frames: Sequence) -> pd.DataFrame:
    """Long table of reference vs teacher values for parity plots.

    Returns
    -------
    pandas.DataFrame
        Columns ``teacher``, ``system``, ``quantity`` (``"energy_per_atom"``: shifted energy
        per atom, eV/atom; ``"force"``: Cartesian component, eV/Å), ``reference``,
        ``predicted``.
    """
    n_atoms = np.array([len(a) for a in frames])
    systems = [a.info.get("system", "all") for a in frames]
    e_ref = np.array([r["energy_eV"] for r in reference]) / n_atoms
    parts = []
    for name, labels in teachers.items():
        e_shift = shifted_energies(reference, labels, frames)[0] / n_atoms
        parts.append(pd.DataFrame({"teacher": name, "system": systems,
                                   "quantity": "energy_per_atom", "reference": e_ref,
                                   "predicted": e_shift}))
        parts.append(pd.DataFrame({
            "teacher": name, "system": np.repeat(systems, 3 * n_atoms), "quantity": "force",
            "reference": np.concatenate([r["forces_eV_A"].ravel() for r in reference]),
            "predicted": np.concatenate([t["forces_eV_A"].ravel() for t in labels])}))
    return pd.concat(parts, ignore_index=True)


def label_benchmark(init_data_dirs: Mapping[str, str], teachers: Sequence[str], reference: str,
                    n_per_system: int, max_atoms: int, seed: int, n_threads: int = 1,
                    calculator_factory: Callable[[str, int], object] | None = None
                    ) -> tuple[list, list[dict], dict[str, list[dict]]]:
    """Select frames and label them with the reference and every teacher.

    Parameters
    ----------
    init_data_dirs, n_per_system, max_atoms, seed
        As in :func:`select_benchmark_frames`.
    teachers : sequence of str
        Oracle names of the teachers (e.g. ``["chgnet", "sevennet"]``).
    reference : str
        Oracle name of the reference (e.g. ``"cp2k"``).
    n_threads : int
        Threads per calculator.
    calculator_factory : callable ``(name, n_threads) -> Calculator``, optional
        Default :func:`seiflow.oracle.calculators.get_calculator`; tests inject cheap calculators.

    Returns
    -------
    frames : list of ase.Atoms
    reference_labels : list of dict
        :func:`label_with` output of the reference.
    teacher_labels : dict
        Teacher name -> :func:`label_with` output.
    """
    if calculator_factory is None:
        from seiflow.oracle.calculators import get_calculator as calculator_factory
    frames = select_benchmark_frames(init_data_dirs, n_per_system, seed, max_atoms)
    ref = label_with(calculator_factory(reference, n_threads), frames)
    return frames, ref, {t: label_with(calculator_factory(t, n_threads), frames)
                         for t in teachers}
