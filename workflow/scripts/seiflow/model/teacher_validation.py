"""Teacher validation of a trained model: does the DeePMD model reproduce its reference
calculator (the "teacher") where the workflow uses it? (issue 21)

A model is trained on frames labelled by the teacher (CHGNet / SevenNet through ASE, or DFT).
Parity on held-out *training-distribution* frames (rule fig_model_parity) does not show
whether the model stays close to the teacher on the frames its own MD visits, nor whether
it keeps the teacher's phase behaviour (a demo model turned bcc Li at 300 K into 57 % HCP
while CHGNet kept 81-98 % BCC). Every check here runs the *same* protocol with the teacher
and with the model, both as ASE calculators, and compares the two results:

1. ``own_frames``: frames sampled from MD driven by the model, relabelled by the teacher:
   energy RMSE (meV/atom) and force RMSE (meV/Å, over every Cartesian component);
2. ``bcc_li``: PTM class shares of bcc Li (OVITO polyhedral template matching, Larsen,
   Schmidt & Schiøtz, Modelling Simul. Mater. Sci. Eng. 24, 055007 (2016); through
   :func:`seiflow.analysis.crystallinity.ptm_structure_types`) averaged over a Langevin
   run at 300 K, same cell, seed and thermostat for both;
3. ``lattice``: equilibrium volume, lattice constant and bulk modulus from a
   Birch-Murnaghan energy-volume fit (``ase.eos.EquationOfState``, eos ``birchmurnaghan``;
   Birch, Phys. Rev. 71, 809 (1947)) of each bulk phase the model is used on;
4. ``rdf_peak``: first-peak position of partial RDFs (``ase.geometry.rdf.get_rdf``) from
   Langevin MD at 300 K, teacher vs model from the same start;
5. ``reactive``: share of intact tetrahedra (PS4, SiS4: the four nearest neighbours of the
   centre are S within a cutoff, the criterion of paper 001 for PS4) at the end of Langevin
   MD of a small Li | electrolyte cell, teacher vs model from the same start and seed.

Every check gives rows of :data:`TABLE_COLUMNS`; ``passed`` is ``error <= tolerance``
(a non-finite error fails). Errors are absolute in the row's unit, except the
``cell_length_a`` and ``bulk_modulus`` rows, whose error is relative (|model/teacher - 1|).

MD uses ASE's Langevin integrator (Allen & Tildesley, *Computer Simulation of Liquids*,
2nd ed., Sec. 12.2; ASE ``ase.md.langevin.Langevin``) with initial velocities from
``ase.md.velocitydistribution.thermalize_momenta`` (Maxwell-Boltzmann), both driven by ``numpy.random.default_rng(seed)``, so the
teacher and the model run the identical integrator from identical velocities.

Units: energies eV (tables meV/atom), forces eV/Å (tables meV/Å), lengths Å, volumes Å^3,
bulk moduli GPa, times fs / ps, temperatures K.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

#: columns of the teacher-validation table, one row per (check, system, quantity)
TABLE_COLUMNS = ("check", "system", "quantity", "unit", "teacher", "model", "error",
                 "tolerance", "passed")

#: check kinds, in the order they are reported
CHECKS = ("own_frames", "bcc_li", "lattice", "rdf_peak", "reactive")

#: what a failed check does to the workflow (``scales.<scale>.teacher_validation.on_fail``)
ON_FAIL = ("stop", "warn")

#: PTM classes reported by the bcc-Li check (shares in percent)
PTM_CLASSES = ("BCC", "HCP", "FCC", "other")

#: tolerance keys (``teacher_validation.tolerances``) and the check they apply to
TOLERANCE_KEYS = ("energy_rmse_meV_atom", "force_rmse_meV_A", "bcc_share_points",
                  "lattice_rel", "bulk_modulus_rel", "rdf_peak_A", "intact_share_points")


def read_cell(path, type_map: Sequence[str]):
    """A structure file as ``ase.Atoms`` with the elements of the model's type map.

    Parameters
    ----------
    path : path-like
        LAMMPS data file (``.lmp``, ``atom_style atomic``, types 1..n = ``type_map``) or any
        file ASE reads (POSCAR ``.vasp``, extxyz).
    type_map : sequence of str
        Element of each LAMMPS type (used for ``.lmp`` only).

    Returns
    -------
    ase.Atoms
        Periodic cell without a calculator.

    Raises
    ------
    ValueError
        A LAMMPS type beyond ``type_map``.
    """
    from pathlib import Path

    import ase.io
    from ase.data import atomic_numbers

    path = Path(path)
    if path.suffix == ".lmp":
        z_of_type = {i + 1: atomic_numbers[s] for i, s in enumerate(type_map)}
        try:
            atoms = ase.io.read(path, format="lammps-data", atom_style="atomic",
                                Z_of_type=z_of_type)
        except KeyError as err:
            raise ValueError(f"{path}: atom type {err} beyond the type map "
                             f"{list(type_map)}") from err
    else:
        atoms = ase.io.read(path)
    atoms.calc = None
    return atoms


def bcc_li_cell(a_A: float, supercell: Sequence[int]):
    """Cubic bcc Li supercell (``ase.build.bulk``, 2 atoms per cubic cell).

    Parameters
    ----------
    a_A : float
        Cubic lattice constant (Å).
    supercell : sequence of 3 int
        Repeats; (3, 3, 3) gives 54 atoms.

    Returns
    -------
    ase.Atoms

    Raises
    ------
    ValueError
        Non-positive ``a_A`` or repeats.
    """
    from ase.build import bulk

    if a_A <= 0 or len(supercell) != 3 or min(supercell) < 1:
        raise ValueError(f"need a_A > 0 and 3 positive repeats, got {a_A}, {supercell}")
    return bulk("Li", "bcc", a=float(a_A), cubic=True).repeat(tuple(int(n) for n in supercell))


def langevin_trajectory(atoms, calculator, temperature_K: float, timestep_fs: float,
                        nsteps: int, friction_per_ps: float, seed: int, sample_every: int,
                        equilibration_steps: int = 0) -> list:
    """Langevin NVT with an ASE calculator; frames sampled after equilibration.

    Parameters
    ----------
    atoms : ase.Atoms
        Start structure (copied; not modified).
    calculator : ase.calculators.calculator.Calculator
        Teacher or model.
    temperature_K, timestep_fs : float
        Thermostat temperature (K) and time step (fs).
    nsteps : int
        Steps after equilibration (>= 1).
    friction_per_ps : float
        Langevin friction (1/ps).
    seed : int
        Seed of the initial Maxwell-Boltzmann velocities and of the Langevin noise
        (``numpy.random.default_rng(seed)``): same seed, same velocities and noise stream.
    sample_every : int
        Frame interval (steps) of the production part; 1 <= sample_every <= nsteps.
    equilibration_steps : int
        Steps run before sampling starts.

    Returns
    -------
    list of ase.Atoms
        ``nsteps // sample_every`` frames (positions, cell, numbers; no calculator).

    Raises
    ------
    ValueError
        Bad step counts or non-positive temperature, time step or friction.
    RuntimeError
        Non-finite positions (the calculator let the system explode).
    """
    from ase import units
    from ase.md.langevin import Langevin
    from ase.md.velocitydistribution import Stationary, thermalize_momenta

    if nsteps < 1 or sample_every < 1 or sample_every > nsteps or equilibration_steps < 0:
        raise ValueError(f"need 1 <= sample_every <= nsteps and equilibration_steps >= 0, got "
                         f"{sample_every}, {nsteps}, {equilibration_steps}")
    if min(temperature_K, timestep_fs, friction_per_ps) <= 0:
        raise ValueError("temperature_K, timestep_fs and friction_per_ps must be positive")
    work = atoms.copy()
    work.calc = calculator
    rng = np.random.default_rng(int(seed))
    thermalize_momenta(work, temperature_K=temperature_K, rng=rng)
    Stationary(work)
    dyn = Langevin(work, timestep=timestep_fs * units.fs, temperature_K=temperature_K,
                   friction=friction_per_ps / (1000.0 * units.fs), fixcm=False, rng=rng)
    if equilibration_steps:
        dyn.run(int(equilibration_steps))
    frames = []
    for _ in range(int(nsteps) // int(sample_every)):
        dyn.run(int(sample_every))
        if not np.isfinite(work.positions).all():
            raise RuntimeError("non-finite positions in Langevin MD (the calculator exploded)")
        frame = work.copy()
        frame.calc = None
        frames.append(frame)
    return frames


def single_points(frames: Sequence, calculator) -> tuple[np.ndarray, list[np.ndarray]]:
    """Energy and forces of each frame with one calculator.

    Parameters
    ----------
    frames : sequence of ase.Atoms
    calculator : ase.calculators.calculator.Calculator

    Returns
    -------
    energies_eV : np.ndarray, shape (n_frames,)
    forces_eV_A : list of np.ndarray, each shape (n_atoms_i, 3)
    """
    energies, forces = [], []
    for frame in frames:
        work = frame.copy()
        work.calc = calculator
        energies.append(float(work.get_potential_energy()))
        forces.append(np.array(work.get_forces(), dtype=float))
    return np.asarray(energies), forces


def relabel_errors(frames: Sequence, teacher, model) -> dict:
    """Energy and force errors of the model against the teacher on the same frames.

    As ``dp test`` defines them: energy RMSE over frames of (E_model - E_teacher) / N, force
    RMSE over every Cartesian component of every atom of every frame.

    Parameters
    ----------
    frames : sequence of ase.Atoms
        At least one frame.
    teacher, model : ase.calculators.calculator.Calculator

    Returns
    -------
    dict
        ``energy_rmse_meV_atom``, ``force_rmse_meV_A``, ``teacher_energy_meV_atom`` /
        ``model_energy_meV_atom`` (mean E/N), ``teacher_force_rms_meV_A`` /
        ``model_force_rms_meV_A`` (RMS force component: the scale of the force error),
        ``n_frames``.

    Raises
    ------
    ValueError
        No frame.
    """
    if len(frames) == 0:
        raise ValueError("relabel_errors needs at least one frame")
    n = np.array([len(f) for f in frames], dtype=float)
    e_t, f_t = single_points(frames, teacher)
    e_m, f_m = single_points(frames, model)
    ft, fm = np.concatenate(f_t).ravel(), np.concatenate(f_m).ravel()
    return {
        "energy_rmse_meV_atom": 1000.0 * float(np.sqrt(np.mean(((e_m - e_t) / n) ** 2))),
        "force_rmse_meV_A": 1000.0 * float(np.sqrt(np.mean((fm - ft) ** 2))),
        "teacher_energy_meV_atom": 1000.0 * float(np.mean(e_t / n)),
        "model_energy_meV_atom": 1000.0 * float(np.mean(e_m / n)),
        "teacher_force_rms_meV_A": 1000.0 * float(np.sqrt(np.mean(ft ** 2))),
        "model_force_rms_meV_A": 1000.0 * float(np.sqrt(np.mean(fm ** 2))),
        "n_frames": len(frames),
    }


def ptm_shares(frames: Sequence, species: str = "Li", rmsd_cutoff: float = 0.0) -> dict:
    """Mean PTM class shares (percent) of one species over frames.

    Parameters
    ----------
    frames : sequence of ase.Atoms
        At least one periodic frame.
    species : str
        Element whose sub-lattice PTM labels (others removed first).
    rmsd_cutoff : float
        PTM RMSD cutoff; 0 = none (every atom gets its best template), as in the issue's
        measurement.

    Returns
    -------
    dict
        Percent of :data:`PTM_CLASSES` (``other`` includes ICO and SC), averaged over frames.

    Raises
    ------
    ValueError
        No frame (and the errors of :func:`seiflow.analysis.crystallinity.ptm_structure_types`).
    """
    from seiflow.analysis.crystallinity import ptm_structure_types, structure_type_fractions

    if len(frames) == 0:
        raise ValueError("ptm_shares needs at least one frame")
    acc = {c: 0.0 for c in PTM_CLASSES}
    for frame in frames:
        frac = structure_type_fractions(ptm_structure_types(frame, species, rmsd_cutoff))
        for c in PTM_CLASSES[:-1]:
            acc[c] += frac[c]
        acc["other"] += 1.0 - sum(frac[c] for c in PTM_CLASSES[:-1])
    return {c: 100.0 * v / len(frames) for c, v in acc.items()}


def energy_volume(atoms, calculator, volume_strain: float, n_volumes: int,
                  relax_steps: int = 0, fmax_eV_A: float = 0.05,
                  extrapolate: bool = False) -> dict:
    """Energy-volume curve under isotropic strain and its Birch-Murnaghan fit.

    Each cell is ``atoms`` scaled by (1 + s) along every cell vector for ``n_volumes``
    linear strains s evenly spaced in [-volume_strain, +volume_strain]; positions are scaled
    with the cell and then, if ``relax_steps`` > 0, relaxed at fixed cell (ASE FIRE).

    Parameters
    ----------
    atoms : ase.Atoms
        Bulk cell (periodic).
    calculator : ase.calculators.calculator.Calculator
    volume_strain : float
        Largest linear strain, in (0, 0.2].
    n_volumes : int
        Points of the curve (>= 5 for a 3-parameter fit with spare points).
    relax_steps : int
        Fixed-cell FIRE steps per volume (0: positions only scaled).
    fmax_eV_A : float
        FIRE force criterion (eV/Å).
    extrapolate : bool
        Return the fit when its minimum lies outside the sampled volumes (flagged by
        ``v0_in_range``) instead of raising: a model far from its teacher still gets a
        (failing) number.

    Returns
    -------
    dict
        ``volume_A3_atom`` / ``energy_eV_atom`` (np.ndarray, shape (n_volumes,)),
        ``v0_A3_atom``, ``e0_eV_atom``, ``bulk_modulus_GPa``, ``a_A`` (length of the first
        cell vector at v0: input length x (v0 / v_input)^(1/3)), ``v0_in_range``.

    Raises
    ------
    ValueError
        Bad strain or point count; without ``extrapolate``, the fitted minimum outside the
        sampled range (the calculator's equilibrium lies beyond ±volume_strain).
    """
    from ase import units
    from ase.eos import EquationOfState
    from ase.optimize import FIRE

    if not 0 < volume_strain <= 0.2 or n_volumes < 5:
        raise ValueError(f"need 0 < volume_strain <= 0.2 and n_volumes >= 5, got "
                         f"{volume_strain}, {n_volumes}")
    n = len(atoms)
    v_in = atoms.get_volume() / n
    volumes, energies = [], []
    for s in np.linspace(-volume_strain, volume_strain, int(n_volumes)):
        work = atoms.copy()
        work.set_cell(atoms.cell[:] * (1.0 + s), scale_atoms=True)
        work.calc = calculator
        if relax_steps > 0:
            FIRE(work, logfile=None).run(fmax=fmax_eV_A, steps=int(relax_steps))
        volumes.append(work.get_volume() / n)
        energies.append(work.get_potential_energy() / n)
    volumes, energies = np.asarray(volumes), np.asarray(energies)
    import warnings

    with warnings.catch_warnings():  # ASE warns on a minimum outside the data: handled below
        warnings.simplefilter("ignore", UserWarning)
        try:
            v0, e0, b = EquationOfState(volumes, energies, eos="birchmurnaghan").fit()
        except RuntimeError:  # scipy found no minimum: the curve is monotonic over the range
            v0 = e0 = b = float("nan")
    in_range = bool(volumes.min() <= v0 <= volumes.max())
    if not in_range and not extrapolate:
        raise ValueError(f"equilibrium volume {v0:.3f} A^3/atom outside the sampled "
                         f"{volumes.min():.3f}-{volumes.max():.3f}: raise volume_strain")
    return {"volume_A3_atom": volumes, "energy_eV_atom": energies, "v0_A3_atom": float(v0),
            "e0_eV_atom": float(e0), "bulk_modulus_GPa": float(b / units.GPa),
            "a_A": float(np.linalg.norm(atoms.cell[0]) * (v0 / v_in) ** (1.0 / 3.0)),
            "v0_in_range": in_range}


def first_rdf_peak_A(frames: Sequence, pair: Sequence[str], r_max_A: float,
                     n_bins: int) -> tuple[float, np.ndarray, np.ndarray]:
    """First-peak position of the frame-averaged partial RDF g_ab(r).

    The RDF is ``ase.geometry.rdf.get_rdf`` per frame (elements ``pair``), averaged over
    frames; the peak is the bin of the largest g(r) within ``r_max_A``. For the bonded pairs
    checked here (P-S, Si-S, Li-S in sulfides and thiophosphates) the first coordination
    shell is the highest peak, so this is the first peak.

    Parameters
    ----------
    frames : sequence of ase.Atoms
        At least one periodic frame containing both elements.
    pair : (str, str)
        Elements a, b.
    r_max_A : float
        RDF range (Å); reduced to just below half the smallest cell width if larger
        (minimum-image range of ``get_rdf``).
    n_bins : int
        Bins of [0, r_max).

    Returns
    -------
    peak_A : float
        Bin centre of the maximum (Å).
    r_A, g : np.ndarray, shape (n_bins,)
        Bin centres and the averaged g(r).

    Raises
    ------
    ValueError
        No frame, an element missing from the frames, or g(r) zero everywhere.
    """
    from ase.data import atomic_numbers
    from ase.geometry.rdf import get_rdf

    if len(frames) == 0:
        raise ValueError("first_rdf_peak_A needs at least one frame")
    a, b = pair
    for el in (a, b):
        if el not in frames[0].get_chemical_symbols():
            raise ValueError(f"element {el} not in the RDF frames")
    cell = frames[0].cell
    widths = cell.volume / np.linalg.norm(np.cross(cell[[1, 2, 0]], cell[[2, 0, 1]]), axis=1)
    r_max = min(float(r_max_A), 0.499 * float(widths.min()))
    g_sum = np.zeros(int(n_bins))
    for frame in frames:
        g, r = get_rdf(frame, r_max, int(n_bins),
                       elements=(atomic_numbers[a], atomic_numbers[b]))
        g_sum += g
    g_mean = g_sum / len(frames)
    if not g_mean.any():
        raise ValueError(f"no {a}-{b} pair within {r_max:.2f} A")
    return float(r[int(np.argmax(g_mean))]), r, g_mean


def intact_tetrahedra_share(atoms, centre: str, ligand: str = "S",
                            cutoff_A: float = 2.6) -> float:
    """Percent of ``centre`` atoms in an intact ``centre``-``ligand``4 tetrahedron
    (:func:`seiflow.analysis.sei_formation.intact_tetrahedra_mask`: the four nearest
    neighbours are ``ligand`` atoms closer than ``cutoff_A``; paper 001's PS4 criterion).

    Parameters
    ----------
    atoms : ase.Atoms
        Frame (periodicity from ``atoms.pbc``).
    centre, ligand : str
        Elements of the tetrahedron centre and its corners.
    cutoff_A : float
        Largest centre-ligand distance of the four nearest neighbours (Å).

    Returns
    -------
    float
        Intact share (%) of the centre atoms.

    Raises
    ------
    ValueError
        No ``centre`` atom, or a non-positive cutoff.
    """
    from seiflow.analysis.sei_formation import intact_tetrahedra_mask

    intact = intact_tetrahedra_mask(atoms, centre, ligand, cutoff_A)
    return 100.0 * int(intact.sum()) / intact.size


def reactive_rows(system: str, centres: Sequence[str], teacher_frame, model_frame,
                  cutoff_A: float, tolerance_points: float) -> list[dict]:
    """Check 5: intact tetrahedra after MD from the same start, teacher vs model.

    Returns
    -------
    list of dict
        One ``intact_<centre>S4_share`` row (%, error in percentage points) per centre.
    """
    rows = []
    for c in centres:
        t = intact_tetrahedra_share(teacher_frame, c, "S", cutoff_A)
        m = intact_tetrahedra_share(model_frame, c, "S", cutoff_A)
        rows.append(check_row("reactive", system, f"intact_{c}S4_share", "%", t, m, abs(m - t),
                              tolerance_points))
    return rows


def check_row(check: str, system: str, quantity: str, unit: str, teacher: float,
              model: float, error: float, tolerance: float) -> dict:
    """One row of the table; ``passed`` is ``error <= tolerance`` with a finite error.

    Returns
    -------
    dict
        Keys :data:`TABLE_COLUMNS`.
    """
    error = float(error)
    return {"check": check, "system": system, "quantity": quantity, "unit": unit,
            "teacher": float(teacher), "model": float(model), "error": error,
            "tolerance": float(tolerance),
            "passed": bool(np.isfinite(error) and error <= float(tolerance))}


def own_frame_rows(trajectories: Mapping[str, Sequence], teacher, model,
                   tolerances: Mapping[str, float]) -> list[dict]:
    """Check 1: errors on frames the model's own MD visits, per system.

    Parameters
    ----------
    trajectories : mapping of str to sequence of ase.Atoms
        System name -> frames sampled from MD driven by the model.
    teacher, model : ase.calculators.calculator.Calculator
    tolerances : mapping
        ``energy_rmse_meV_atom`` and ``force_rmse_meV_A``.

    Returns
    -------
    list of dict
        Two rows per system (``energy_rmse`` in meV/atom: teacher / model = mean E/N;
        ``force_rmse`` in meV/A: teacher / model = RMS force component).
    """
    rows = []
    for system, frames in trajectories.items():
        err = relabel_errors(frames, teacher, model)
        rows.append(check_row("own_frames", system, "energy_rmse", "meV/atom",
                              err["teacher_energy_meV_atom"], err["model_energy_meV_atom"],
                              err["energy_rmse_meV_atom"], tolerances["energy_rmse_meV_atom"]))
        rows.append(check_row("own_frames", system, "force_rmse", "meV/A",
                              err["teacher_force_rms_meV_A"], err["model_force_rms_meV_A"],
                              err["force_rmse_meV_A"], tolerances["force_rmse_meV_A"]))
    return rows


def bcc_rows(teacher_shares: Mapping[str, float], model_shares: Mapping[str, float],
             tolerance_points: float, system: str = "bcc_Li") -> list[dict]:
    """Check 2: PTM class shares of bcc Li at temperature, teacher vs model.

    Parameters
    ----------
    teacher_shares, model_shares : mapping
        Percent of each of :data:`PTM_CLASSES` (:func:`ptm_shares`).
    tolerance_points : float
        Largest accepted |model - teacher| (percentage points).

    Returns
    -------
    list of dict
        One row per PTM class (unit %, error in percentage points).
    """
    return [check_row("bcc_li", system, f"{c}_share", "%", teacher_shares[c], model_shares[c],
                      abs(model_shares[c] - teacher_shares[c]), tolerance_points)
            for c in PTM_CLASSES]


def lattice_rows(phase: str, teacher_eos: Mapping, model_eos: Mapping,
                 tolerances: Mapping[str, float]) -> list[dict]:
    """Check 3: equilibrium lattice constant and bulk modulus of one phase.

    Parameters
    ----------
    teacher_eos, model_eos : mapping
        From :func:`energy_volume`.
    tolerances : mapping
        ``lattice_rel`` and ``bulk_modulus_rel`` (relative errors).

    Returns
    -------
    list of dict
        ``cell_length_a`` (Å: first cell vector of the cell as given, i.e. n x the lattice
        constant of an n-fold supercell) and ``bulk_modulus`` (GPa) rows; error =
        |model / teacher - 1|.
    """
    rows = []
    for quantity, key, unit, tol in (("cell_length_a", "a_A", "A", "lattice_rel"),
                                     ("bulk_modulus", "bulk_modulus_GPa", "GPa",
                                      "bulk_modulus_rel")):
        t, m = float(teacher_eos[key]), float(model_eos[key])
        rows.append(check_row("lattice", phase, quantity, unit, t, m, abs(m / t - 1.0),
                              tolerances[tol]))
    return rows


def rdf_rows(system: str, pairs: Sequence[Sequence[str]], teacher_frames: Sequence,
             model_frames: Sequence, r_max_A: float, n_bins: int,
             tolerance_A: float) -> tuple[list[dict], pd.DataFrame]:
    """Check 4: first-peak positions of partial RDFs, teacher vs model.

    Returns
    -------
    rows : list of dict
        One ``first_peak_<a>-<b>`` row (Å) per pair.
    curves : pandas.DataFrame
        Columns ``system, pair, source (teacher | model), r_A, g``: the averaged RDFs.
    """
    rows, curves = [], []
    for a, b in pairs:
        peaks = {}
        for source, frames in (("teacher", teacher_frames), ("model", model_frames)):
            peaks[source], r, g = first_rdf_peak_A(frames, (a, b), r_max_A, n_bins)
            curves.append(pd.DataFrame({"system": system, "pair": f"{a}-{b}",
                                        "source": source, "r_A": r, "g": g}))
        rows.append(check_row("rdf_peak", system, f"first_peak_{a}-{b}", "A",
                              peaks["teacher"], peaks["model"],
                              abs(peaks["model"] - peaks["teacher"]), tolerance_A))
    return rows, pd.concat(curves, ignore_index=True)


def validation_table(rows: Sequence[Mapping]) -> pd.DataFrame:
    """The rows as a table with :data:`TABLE_COLUMNS`, checks in :data:`CHECKS` order.

    Raises
    ------
    ValueError
        No row, a missing column or an unknown check.
    """
    table = pd.DataFrame(list(rows))
    if table.empty:
        raise ValueError("no teacher-validation rows")
    missing = set(TABLE_COLUMNS) - set(table.columns)
    if missing:
        raise ValueError(f"rows lack columns {sorted(missing)}")
    unknown = set(table["check"]) - set(CHECKS)
    if unknown:
        raise ValueError(f"unknown checks {sorted(unknown)}; known: {CHECKS}")
    order = {c: i for i, c in enumerate(CHECKS)}
    table = table.sort_values("check", key=lambda s: s.map(order), kind="stable")
    return table[list(TABLE_COLUMNS)].reset_index(drop=True)


def validation_verdict(table: pd.DataFrame, on_fail: str, model: str,
                       switch: str) -> tuple[bool, str]:
    """Whether production MD may use the model, and the message saying why.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`validation_table`.
    on_fail : {"stop", "warn"}
        A failed row stops the workflow, or only warns.
    model : str
        Model name for the message.
    switch : str
        The config key of ``on_fail``, named in the message.

    Returns
    -------
    (bool, str)
        ``(False, message)`` when a row failed and ``on_fail`` is ``stop``; ``(True,
        message)`` otherwise (the message starts with "WARNING" when rows failed).

    Raises
    ------
    ValueError
        Unknown ``on_fail``.
    """
    if on_fail not in ON_FAIL:
        raise ValueError(f"on_fail must be one of {ON_FAIL}, got {on_fail!r}")
    failed = table[~table["passed"].astype(bool)]
    if failed.empty:
        return True, f"model {model} reproduces its teacher on all {len(table)} checks"
    lines = "\n".join(
        f"  {r.check} / {r.system} / {r.quantity}: teacher {r.teacher:.4g} {r.unit}, model "
        f"{r.model:.4g} {r.unit}, error {r.error:.4g} > tolerance {r.tolerance:.4g}"
        for r in failed.itertuples())
    msg = (f"model {model} does not reproduce its teacher in {len(failed)} of {len(table)} "
           f"checks:\n{lines}\n")
    if on_fail == "stop":
        return False, msg + (f"No production MD was started. To run it anyway, knowingly, set "
                             f"{switch}: warn.")
    return True, "WARNING: " + msg + f"Production MD goes on ({switch}: warn)."


def run_teacher_validation(teacher, model, type_map: Sequence[str], settings: Mapping,
                           block: Mapping, seed: int, li_lattice_A: float,
                           own_cells: Mapping[str, tuple] | None = None,
                           own_frames: Mapping[str, Sequence] | None = None,
                           phases: Mapping | None = None,
                           rdf_cell=None, rdf_pairs: Sequence[Sequence[str]] = (),
                           rdf_system: str = "",
                           reactive_cell=None, reactive_centres: Sequence[str] = (),
                           reactive_system: str = "", tetrahedron_cutoff_A: float = 2.6,
                           log=print) -> tuple[pd.DataFrame, dict]:
    """Every check of one model against its teacher.

    Parameters
    ----------
    teacher, model : ase.calculators.calculator.Calculator
        Reference calculator and the model (e.g. ``deepmd.calculator.DP``).
    type_map : sequence of str
        Elements of the model; the bcc-Li check runs when Li is one of them.
    settings : mapping
        ``scales.<scale>.teacher_validation``: ``own_frames`` / ``bcc_li`` / ``rdf`` /
        ``reactive`` (``equilibration_steps``, ``steps``, ``sample_every``), ``eos`` (``volume_strain``,
        ``n_volumes``, ``relax_steps``, ``fmax_eV_A``).
    block : mapping
        Top-level ``teacher_validation``: ``tolerances`` (:data:`TOLERANCE_KEYS`; only those
        of the checks that run are read), ``temperature_K``, ``timestep_fs``,
        ``friction_per_ps``, ``bcc_li`` (``supercell``, ``ptm_rmsd_cutoff``), ``rdf``
        (``r_max_A``, ``n_bins``).
    seed : int
        Seed of every MD run (teacher and model runs of one check share it).
    li_lattice_A : float
        Start lattice constant of bcc Li (Å).
    own_cells : mapping of str to (ase.Atoms, float, float), optional
        Check 1: system -> (cell, temperature K, time step fs) of extra model MD.
    own_frames : mapping of str to sequence of ase.Atoms, optional
        Check 1: frames the model already visited (e.g. the exploding-model check's last).
    phases : mapping of str to ase.Atoms, optional
        Check 3: bulk phases. The strain range doubles (up to 0.2) until it holds the
        teacher's E-V minimum; the model is fitted on the same range, extrapolated when its
        minimum lies outside (a NaN when no minimum is found: a failed row).
    rdf_cell : ase.Atoms, optional
        Check 4: cell of the RDF runs (with ``rdf_pairs`` and ``rdf_system``).
    reactive_cell : ase.Atoms, optional
        Check 5: small Li | electrolyte cell (with ``reactive_centres``, e.g. ["P"], and
        ``reactive_system``); ``settings["reactive"]`` MD, intact tetrahedra of the last
        frame (``tetrahedron_cutoff_A``, Å).
    log : callable
        Progress messages.

    Returns
    -------
    table : pandas.DataFrame
        :func:`validation_table` of every row.
    details : dict
        ``eos`` (DataFrame ``system, source, volume_A3_atom, energy_eV_atom``) and ``rdf``
        (DataFrame of :func:`rdf_rows`), for the figure.
    """
    tol = block["tolerances"]
    T, dt, gamma = block["temperature_K"], block["timestep_fs"], block["friction_per_ps"]
    trajectories = {k: list(v) for k, v in (own_frames or {}).items()}
    rows, eos_frames, rdf_curves = [], [], pd.DataFrame()

    def md(atoms, calc, run, temperature_K=T, timestep_fs=dt):
        return langevin_trajectory(atoms, calc, temperature_K, timestep_fs, run["steps"],
                                   gamma, seed, run["sample_every"],
                                   run["equilibration_steps"])

    for name, (cell, temperature_K, timestep_fs) in (own_cells or {}).items():
        log(f"own frames: model MD on {name} ({len(cell)} atoms) at {temperature_K} K")
        trajectories[name] = md(cell, model, settings["own_frames"], temperature_K,
                                timestep_fs)
    if "Li" in type_map:
        cell = bcc_li_cell(li_lattice_A, block["bcc_li"]["supercell"])
        shares = {}
        for source, calc in (("teacher", teacher), ("model", model)):
            log(f"bcc Li: {source} MD at {T} K")
            frames = md(cell, calc, settings["bcc_li"])
            shares[source] = ptm_shares(frames, "Li", block["bcc_li"]["ptm_rmsd_cutoff"])
            if source == "model":
                trajectories["bcc_Li"] = frames
        rows += bcc_rows(shares["teacher"], shares["model"], tol["bcc_share_points"])
    for phase, atoms in (phases or {}).items():
        log(f"lattice: energy-volume curves of {phase}")
        eos = settings["eos"]
        strain, fits = float(eos["volume_strain"]), {}
        while "teacher" not in fits:  # widen the range until it holds the teacher's minimum
            try:
                fits["teacher"] = energy_volume(atoms, teacher, strain, eos["n_volumes"],
                                                eos["relax_steps"], eos["fmax_eV_A"])
            except ValueError:
                if strain >= 0.2:
                    raise
                strain = min(2 * strain, 0.2)
                log(f"lattice: teacher minimum of {phase} outside the range, strain {strain:g}")
        fits["model"] = energy_volume(atoms, model, strain, eos["n_volumes"], eos["relax_steps"],
                                      eos["fmax_eV_A"], extrapolate=True)
        if not fits["model"]["v0_in_range"]:
            log(f"lattice: the model's E-V minimum of {phase} lies outside the sampled "
                f"±{strain:g} strain (extrapolated fit)")
        rows += lattice_rows(phase, fits["teacher"], fits["model"], tol)
        eos_frames += [pd.DataFrame({"system": phase, "source": s,
                                     "volume_A3_atom": f["volume_A3_atom"],
                                     "energy_eV_atom": f["energy_eV_atom"]})
                       for s, f in fits.items()]
    if rdf_cell is not None and rdf_pairs:
        log(f"rdf: teacher and model MD of {rdf_system} at {T} K")
        teacher_frames = md(rdf_cell, teacher, settings["rdf"])
        model_frames = md(rdf_cell, model, settings["rdf"])
        trajectories[rdf_system] = model_frames
        rdf_table, rdf_curves = rdf_rows(rdf_system, rdf_pairs, teacher_frames, model_frames,
                                         block["rdf"]["r_max_A"], block["rdf"]["n_bins"],
                                         tol["rdf_peak_A"])
        rows += rdf_table
    if reactive_cell is not None and reactive_centres:
        last = {}
        for source, calc in (("teacher", teacher), ("model", model)):
            log(f"reactive: {source} MD of {reactive_system} ({len(reactive_cell)} atoms) "
                f"at {T} K")
            frames = md(reactive_cell, calc, settings["reactive"])
            last[source] = frames[-1]
            if source == "model":
                trajectories[reactive_system] = frames
        rows += reactive_rows(reactive_system, reactive_centres, last["teacher"], last["model"],
                              tetrahedron_cutoff_A, tol["intact_share_points"])
    log(f"own frames: relabelling {sum(len(v) for v in trajectories.values())} frames")
    rows = own_frame_rows(trajectories, teacher, model, tol) + rows
    eos = pd.concat(eos_frames, ignore_index=True) if eos_frames else pd.DataFrame(
        columns=["system", "source", "volume_A3_atom", "energy_eV_atom"])
    return validation_table(rows), {"eos": eos, "rdf": rdf_curves}
