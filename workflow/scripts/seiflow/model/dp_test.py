"""Read ``dp test`` detail files and compute parity data and RMSEs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


def read_dp_test_detail(prefix: str | Path) -> pd.DataFrame:
    """Tidy parity table from ``dp test -d <prefix>`` output.

    Parameters
    ----------
    prefix : path
        Detail-file prefix: reads ``<prefix>.e_peratom.out`` (columns data_e, pred_e in
        eV/atom) and ``<prefix>.f.out`` (data_fx, data_fy, data_fz, pred_fx, pred_fy,
        pred_fz in eV/Å). ``dp test`` appends one block per system, each with a ``#`` header.

    Returns
    -------
    pandas.DataFrame
        Columns ``quantity`` ("energy_per_atom" | "force"), ``reference``, ``predicted``;
        one row per frame for energies and per Cartesian force component.

    Raises
    ------
    FileNotFoundError
        If a detail file is missing.
    """
    prefix = str(prefix)
    e = np.loadtxt(f"{prefix}.e_peratom.out", ndmin=2)
    f = np.loadtxt(f"{prefix}.f.out", ndmin=2)
    energy = pd.DataFrame({"quantity": "energy_per_atom", "reference": e[:, 0],
                           "predicted": e[:, 1]})
    force = pd.DataFrame({"quantity": "force", "reference": f[:, 0:3].ravel(),
                          "predicted": f[:, 3:6].ravel()})
    return pd.concat([energy, force], ignore_index=True)


def parity_rmse(df: pd.DataFrame) -> dict:
    """RMSE of energy (meV/atom) and force components (meV/Å) from :func:`read_dp_test_detail`.

    RMSE = sqrt(mean((predicted - reference)^2)).

    Raises
    ------
    ValueError
        If either quantity has no rows.
    """
    out = {}
    for q, key in (("energy_per_atom", "energy_meV_per_atom"), ("force", "force_meV_per_A")):
        sub = df[df["quantity"] == q]
        if sub.empty:
            raise ValueError(f"no {q} rows in the parity table")
        out[key] = 1000.0 * float(np.sqrt(np.mean((sub["predicted"] - sub["reference"]) ** 2)))
    out["n_frames"] = int((df["quantity"] == "energy_per_atom").sum())
    return out
