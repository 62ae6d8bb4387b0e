"""Text numbers and per-window table of the SEI crystallisation of paper 000 (Zhou, Luo, An 2026).

* :func:`numbers_table` - the text numbers (crystalline-SEI Nernst-Einstein conductivity, P
  occupancy, post-onset rates, seeds that crystallise) next to the published values
  (:data:`PUBLISHED`).
* :func:`window_table` - SEI thickness and Li|SEI midpoint per profile window (Fig. S8 / Fig. 5d).

Inputs are the outputs of rule glass_crystallisation (``crystallisation.json`` summaries of
:func:`seiflow.analysis.glass_crystallisation.analyse_crystallisation`,
``crystalline_conductivity.csv``) and the ``interfaces.csv`` of rule glass_md_analysis.  Pure
functions; the figures are drawn by :mod:`seiflow.plot.glass_crystallisation`.  Units: ps, Å,
Å/ns, mS/cm, %.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["PUBLISHED", "numbers_table", "window_table"]

#: Paper 000 (text, Fig. 5, Fig. S8, Fig. S9): quantity -> (published value, unit, source)
PUBLISHED = {
    "sigma_avg": (0.397, "mS/cm", "paper 000 text (Nernst-Einstein, crystalline SEI of LiPS)"),
    "sigma_xy": (0.329, "mS/cm", "paper 000 text"),
    "sigma_z": (0.534, "mS/cm", "paper 000 text"),
    "occ_P": (18.0, "%", "paper 000 Fig. 5c (P on the 4a sites of the Li2S lattice)"),
    "li_vacancy": (np.nan, "%", "paper 000 Fig. 5b (P-induced Li vacancies, no number given)"),
    "growth": (0.0045, "Å/ns", "paper 000 Fig. 5d (SEI thickness after crystallisation)"),
    "drift": (0.04, "Å/ns", "paper 000 Fig. S8 (Li|SEI boundary toward the Li anode)"),
    "seeds": (2.0, "of 5", "paper 000 Fig. S9 (extra LiPS seeds that crystallise)"),
}


def window_table(interfaces: pd.DataFrame, profile: str) -> pd.DataFrame:
    """Per profile window (window >= 0): mid time, SEI thickness and the Li|SEI midpoint
    (paper 000 Fig. S8 / Fig. 5d).

    Parameters
    ----------
    interfaces : pandas.DataFrame
        ``interfaces.csv`` of the run (:func:`seiflow.analysis.glass_md.analyse_glass_run`):
        ``profile``, ``window``, ``interface``, ``t_start_ps``, ``t_end_ps``,
        ``sei_thickness_A``, ``sei_thickness_err_A``, ``z0_A``, ``z0_err_A``.
    profile : str
        Fitted profile whose midpoints are used (``Li_pe`` or ``Li_density``).

    Returns
    -------
    pandas.DataFrame
        ``window``, ``t_ps`` (window mid time, ps), ``sei_thickness_A``,
        ``sei_thickness_err_A``, ``li_sei_z_A``, ``li_sei_z_err_A`` (Å), sorted by ``t_ps``.
    """
    f = interfaces[(interfaces["profile"] == profile) & (interfaces["window"] >= 0)]
    li = f[f["interface"] == "Li|SEI"].set_index("window")
    out = pd.DataFrame({
        "window": li.index,
        "t_ps": 0.5 * (li["t_start_ps"] + li["t_end_ps"]).to_numpy(),
        "sei_thickness_A": li["sei_thickness_A"].to_numpy(),
        "sei_thickness_err_A": li["sei_thickness_err_A"].to_numpy(),
        "li_sei_z_A": li["z0_A"].to_numpy(),
        "li_sei_z_err_A": li["z0_err_A"].to_numpy(),
    })
    return out.sort_values("t_ps", ignore_index=True)


def numbers_table(main: Mapping, replicas: Sequence[Mapping],
                  conductivity: pd.DataFrame) -> pd.DataFrame:
    """Paper 000 text numbers of the crystalline SEI next to the published values.

    Parameters
    ----------
    main
        ``crystallisation.json`` of the analysed run (``run``, ``crystallised``, ``onset_ps``,
        ``occ_P_after_onset``, ``li_vacancy_after_onset``, ``growth_A_ns``, ...).
    replicas
        ``crystallisation.json`` of its velocity-seed replicas.
    conductivity
        ``crystalline_conductivity.csv`` of the run (rows ``xy``, ``z``, ``avg``).

    Returns
    -------
    DataFrame
        ``quantity``, ``run``, ``value``, ``err``, ``unit``, ``published``, ``source``,
        ``note``; NaN values carry the reason in ``note``.
    """
    def _f(v):
        return np.nan if v is None else float(v)

    cond = conductivity.set_index("direction")
    no = "" if main.get("crystallised") else "no crystallisation in this run"
    rows = []

    def add(q, key, value, err, unit, note=""):
        pub, _, src = PUBLISHED[key]
        rows.append({"quantity": q, "run": main["run"], "value": value, "err": err,
                     "unit": unit, "published": pub, "source": src,
                     "note": note if np.isnan(value) else ""})

    for d, key in (("avg", "sigma_avg"), ("xy", "sigma_xy"), ("z", "sigma_z")):
        r = cond.loc[d]
        add(f"Li conductivity of the crystalline SEI (Nernst-Einstein), {d}", key,
            float(r["sigma_mS_cm"]), float(r["sigma_std_mS_cm"]), "mS/cm",
            str(r["note"]) if isinstance(r["note"], str) else no)
    add("P occupancy of the crystalline anion sites after the onset", "occ_P",
        100 * _f(main.get("occ_P_after_onset")), np.nan, "%", no)
    add("empty Li tetrahedral sites of the crystalline lattice after the onset", "li_vacancy",
        100 * _f(main.get("li_vacancy_after_onset")), np.nan, "%", no)
    add("SEI thickness growth after the onset", "growth", _f(main.get("growth_A_ns")),
        _f(main.get("growth_err_A_ns")), "Å/ns", main.get("note") or no)
    add("Li|SEI boundary drift toward the Li metal after the onset", "drift",
        _f(main.get("li_boundary_drift_A_ns")), _f(main.get("li_boundary_drift_err_A_ns")),
        "Å/ns", main.get("note") or no)
    n_cryst = sum(bool(r["crystallised"]) for r in replicas)
    add(f"velocity-seed replicas that crystallise (of {len(replicas)})", "seeds",
        float(n_cryst) if replicas else np.nan, np.nan, f"of {len(replicas)}",
        "no replicas configured")
    return pd.DataFrame(rows)
