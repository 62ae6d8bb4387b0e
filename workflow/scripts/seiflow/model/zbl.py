"""Short-range ZBL repulsion for DeePMD models (DP-ZBL).

A DeePMD model knows nothing about distances it never saw in training: two S atoms at 0.5 Å
may have a lower energy than a bonded pair, and an undertrained model in MD lets atoms fall
onto each other (seen in the demo Li-P-S-Cl model: S-S at 0.1-0.5 Å, ~10 eV released per
collapsed S).  DeePMD-kit's DP-ZBL model (``model.use_srtab``; Wang et al., DeePMD-kit v2,
J. Chem. Phys. 159, 054801 (2023), section "DP/ZBL model") mixes the network energy with a
tabulated pair potential,

    E_i = w_i E_i^ZBL + (1 - w_i) E_i^DP,

where w_i = 1 when the softmin neighbour distance r_s,i < ``sw_rmin``, 0 above ``sw_rmax``,
smooth in between.  The table holds the Ziegler-Biersack-Littmark universal screened Coulomb
potential (Ziegler, Biersack, Littmark, The Stopping and Range of Ions in Solids, 1985) of
every type pair.  It is written by LAMMPS itself (``pair_style zbl`` + ``pair_write``), so
the formula and its smooth cut-off are LAMMPS's, not re-implemented here (LAMMPS runs as a
subprocess, as every LAMMPS call of the workflow).

Table format (DeePMD-kit ``PairTab``): column 0 is r (Å), then one energy column (eV) per
type pair (t0, t1) with t0 <= t1 in row-major order: 00, 01, ..., 0n, 11, 12, ..., nn.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

__all__ = ["pair_columns", "zbl_pair_table", "write_zbl_table", "dpzbl_model_keys"]


def pair_columns(type_map: Sequence[str]) -> list[tuple[str, str]]:
    """Element pairs of the table's energy columns, in DeePMD-kit ``PairTab`` order."""
    n = len(type_map)
    return [(type_map[a], type_map[b]) for a in range(n) for b in range(a, n)]


def zbl_pair_table(type_map: Sequence[str], r_min_A: float = 0.01, r_max_A: float = 6.0,
                   n_points: int = 1200, inner_A: float = 2.0, outer_A: float = 2.5,
                   lmp_cmd: Sequence[str] = ("lmp",)) -> np.ndarray:
    """ZBL pair energies of every type pair on an even r grid, computed by LAMMPS.

    Parameters
    ----------
    type_map
        Elements in model type order (atomic numbers from ``ase.data.atomic_numbers``).
    r_min_A, r_max_A, n_points
        Grid: ``n_points`` equally spaced r in [r_min_A, r_max_A] (Å); r_max_A at least the
        model's rcut so DeePMD-kit does not extrapolate the table.
    inner_A, outer_A
        LAMMPS ``pair_style zbl inner outer``: the energy is switched smoothly to 0 between
        them (Å); LAMMPS does this with a switching term that is a constant below ``inner``,
        so there the table is the ZBL energy plus a small negative constant (same forces).  Beyond ``sw_rmax`` of the DP-ZBL model the table has no weight anyway.
    lmp_cmd
        LAMMPS command (the serial ``lmp`` of the environment by default).

    Returns
    -------
    np.ndarray, shape (n_points, 1 + n(n+1)/2)
        r (Å) and the pair energies (eV), columns as :func:`pair_columns`.

    Raises
    ------
    ValueError
        Unknown element, bad grid (r_min_A <= 0, r_max_A <= r_min_A, n_points < 2) or
        inner_A >= outer_A.
    """
    from ase.data import atomic_masses, atomic_numbers

    unknown = [e for e in type_map if e not in atomic_numbers]
    if unknown:
        raise ValueError(f"unknown elements {unknown}")
    if not (0 < r_min_A < r_max_A) or n_points < 2:
        raise ValueError(f"bad grid: r_min_A={r_min_A}, r_max_A={r_max_A}, n_points={n_points}")
    if not 0 < inner_A < outer_A:
        raise ValueError(f"need 0 < inner_A < outer_A, got {inner_A}, {outer_A}")
    from seiflow.md.lammps import run_lammps

    pairs = [(a, b) for a in range(len(type_map)) for b in range(a, len(type_map))]
    z = [atomic_numbers[e] for e in type_map]
    table = np.empty((n_points, 1 + len(pairs)))
    box = 3 * r_max_A
    lines = [
        "units metal", "atom_style atomic", "boundary p p p",
        f"region box block 0 {box} 0 {box} 0 {box}", f"create_box {len(type_map)} box",
        *[f"mass {k + 1} {atomic_masses[zk]}" for k, zk in enumerate(z)],
        f"pair_style zbl {inner_A} {outer_A}",
        *[f"pair_coeff {a + 1} {b + 1} {z[a]} {z[b]}" for a, b in pairs],
        *[f"pair_write {a + 1} {b + 1} {n_points} r {r_min_A} {r_max_A} zbl_{a}_{b}.table ZBL"
          for a, b in pairs],
    ]
    with tempfile.TemporaryDirectory() as tmp:
        run_lammps("\n".join(lines) + "\n", Path(tmp), "zbl_table", list(lmp_cmd))
        for col, (a, b) in enumerate(pairs, start=1):
            path = Path(tmp) / f"zbl_{a}_{b}.table"
            rows = np.loadtxt(path, skiprows=_header_lines(path))
            table[:, 0] = rows[:, 1]
            table[:, col] = rows[:, 2]
    return table


def _header_lines(path: Path) -> int:
    """Lines before the first data row of a LAMMPS ``pair_write`` file (comments, keyword,
    ``N`` line, blank line)."""
    lines = Path(path).read_text().splitlines()
    for k, line in enumerate(lines):
        if line.startswith("N "):
            return k + 2
    raise ValueError(f"{path}: no 'N' line of a pair_write table")


def write_zbl_table(path, type_map: Sequence[str], **kwargs) -> Path:
    """Write :func:`zbl_pair_table` as a DeePMD-kit ``use_srtab`` text file; return the path."""
    table = zbl_pair_table(type_map, **kwargs)
    cols = " ".join(f"{a}-{b}" for a, b in pair_columns(type_map))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savetxt(path, table, fmt="%.10e",
               header=f"ZBL pair energies (eV) from LAMMPS pair_style zbl; r(A) {cols}")
    return path


def dpzbl_model_keys(table_file: str, sw_rmin_A: float, sw_rmax_A: float,
                     smin_alpha: float) -> dict:
    """``model`` keys that turn a DeePMD-kit energy model into a DP-ZBL model.

    Parameters
    ----------
    table_file
        Path of the table as the training run sees it (relative to its input.json).
    sw_rmin_A, sw_rmax_A
        Switching interval of the softmin distance (Å): pure ZBL below, pure DP above.
    smin_alpha
        Softmin width (Å) of the neighbour distance that drives the switch.

    Raises
    ------
    ValueError
        Unless 0 < sw_rmin_A < sw_rmax_A and smin_alpha > 0.
    """
    if not 0 < sw_rmin_A < sw_rmax_A or smin_alpha <= 0:
        raise ValueError(f"need 0 < sw_rmin_A < sw_rmax_A and smin_alpha > 0, got "
                         f"{sw_rmin_A}, {sw_rmax_A}, {smin_alpha}")
    return {"use_srtab": str(table_file), "smin_alpha": float(smin_alpha),
            "sw_rmin": float(sw_rmin_A), "sw_rmax": float(sw_rmax_A)}
