"""SEI growth and SEI composition of the Li | glass slabs, paper 000 (Zhou, Luo, An 2026):
Fig. 3 / Fig. S2, Tables S1-S2 and Table 1.

* SEI thickness d(t) [paper 000, Results: "By identifying the midpoint positions of the
  Li|SEI and SEI|SSE interfaces, we determine the SEI thickness as the distance between these
  two boundaries"]: per profile window of :func:`seiflow.analysis.glass_md.analyse_glass_run`, the
  distance between the two midpoints of the two-step logistic fit of the Li potential-energy
  profile (``sei_thickness_A`` of ``interfaces.csv``, 1-sigma from the fit covariance), at the
  window centre t = (t_start + t_end) / 2 on the run clock (t = 0: first NVT frame of the
  freshly built slab).  A window whose fit failed (note, non-finite thickness or error, d <= 0,
  error above ``max_rel_err`` x d) is dropped, with the reason in ``note``.
* Growth laws [paper 000, Discussion, Tables S1-S2]: d = k t^(1/2), k t^(1/3), k t^n and
  a + b ln t fitted per composition (:func:`seiflow.analysis.growth.fit_growth_law`, errors from the
  fit covariance) and the predictive test (:func:`seiflow.analysis.growth.predictive_test`: fit the
  first ``train_fraction`` of the time span, score R² / RMSE on the rest).  A law that cannot
  be fitted (too few windows) is a NaN row with the reason in ``note``, never an error.
* SEI composition [paper 000, Table 1]: number densities (Å⁻³) of Li, Si, P, S between the
  fit window's midpoints, frozen layers excluded, mean and std over the fit-window frames
  (:func:`seiflow.analysis.glass_md.sei_frame_counts`), atomic percentages, and the full-reduction
  composition of the glass (Li2S, Li3P, Li21Si5: 68.75 : 6.25 : 25 % for 75Li2S-25P2S5,
  Li3PS4 + 8 Li -> 4 Li2S + Li3P).

Pure functions; Fig. 3 is drawn by :mod:`seiflow.plot.glass_growth`.  Units: Å, ps, Å⁻³, %.
"""

from __future__ import annotations

__all__ = [
    "PUBLISHED_TAB1_A3",
    "PUBLISHED_GROWTH",
    "full_reduction_percentages",
    "fit_curves",
    "growth_tables",
    "sei_composition_table",
    "thickness_series",
]

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from seiflow.analysis.growth import GROWTH_LAWS, fit_growth_law, growth_law_model, predictive_test

#: Paper 000 Table 1: composition -> element -> number density (Å⁻³) in the SEI.  The text
#: extraction lost the empty cells; rows are aligned by the elements each glass contains
#: (LiSiS has no P, LiPS no Si), which reproduces the quoted LiPS Li:P:S = 67:7:26.
PUBLISHED_TAB1_A3 = {
    "LiSiS": {"Li": 0.0391, "Si": 0.0052, "S": 0.0169},
    "LiSiPS": {"Li": 0.0375, "Si": 0.0033, "P": 0.0017, "S": 0.0178},
    "LiPS": {"Li": 0.0419, "P": 0.0041, "S": 0.0166},
}

#: Published statements of paper 000 about Fig. 3 / Tables S1-S2 (text, not numbers).
PUBLISHED_GROWTH = {
    "tabS1": "paper 000: all four laws fit with R² > 0.95 (Table S1); growth rate "
             "LiPS > LiSiPS > LiSiS (Fig. 3)",
    "tabS2": "paper 000: t^1/3 gives the best predictive performance (Table S2)",
}

_ATOMIC = ("Li", "Si", "P", "S")


def thickness_series(interfaces: pd.DataFrame, profile: str = "Li_pe",
                     max_rel_err: float = 1.0) -> pd.DataFrame:
    """SEI thickness per profile window and composition [paper 000, Fig. 3].

    Parameters
    ----------
    interfaces
        Rows of ``interfaces.csv`` (:func:`seiflow.analysis.glass_md.analyse_glass_run`) with
        ``composition``: ``profile``, ``interface``, ``window`` (>= 0 profile windows; -1,
        the fit window, is skipped), ``t_start_ps``, ``t_end_ps``, ``sei_thickness_A``,
        ``sei_thickness_err_A``, ``note``.
    profile
        Fitted profile that defines the midpoints (``Li_pe``: Li potential energy, paper 000
        Fig. 2 d-f; or ``Li_density``).
    max_rel_err
        A window whose 1-sigma thickness error exceeds ``max_rel_err`` x d counts as failed.

    Returns
    -------
    pandas.DataFrame
        One row per (composition, window), time order: ``composition``, ``window``,
        ``t_start_ps``, ``t_end_ps``, ``t_ps`` (window centre), ``d_A``, ``d_err_A``,
        ``used`` (bool) and ``note`` (why a window was dropped, else "").
    """
    if not max_rel_err > 0:
        raise ValueError(f"max_rel_err must be > 0, got {max_rel_err}")
    df = interfaces[(interfaces["profile"] == profile) & (interfaces["window"] >= 0)
                    & (interfaces["interface"] == "Li|SEI")]
    rows = []
    for r in df.to_dict("records"):
        d, err = float(r["sei_thickness_A"]), float(r["sei_thickness_err_A"])
        note = r.get("note", "")
        note = "" if not isinstance(note, str) else note
        if note:
            why = f"dropped: {note}"
        elif not np.isfinite(d) or d <= 0:
            why = f"dropped: thickness {d:.4g} Å is not a finite positive distance"
        elif not np.isfinite(err):
            why = "dropped: no finite thickness error (singular fit covariance)"
        elif err > max_rel_err * d:
            why = (f"dropped: thickness error {err:.3g} Å > {max_rel_err:g} x d "
                   f"({d:.3g} Å): degenerate fit")
        else:
            why = ""
        rows.append({"composition": r["composition"], "window": int(r["window"]),
                     "t_start_ps": float(r["t_start_ps"]), "t_end_ps": float(r["t_end_ps"]),
                     "t_ps": 0.5 * (float(r["t_start_ps"]) + float(r["t_end_ps"])),
                     "d_A": d, "d_err_A": err, "used": not why, "note": why})
    cols = ["composition", "window", "t_start_ps", "t_end_ps", "t_ps", "d_A", "d_err_A",
            "used", "note"]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["composition", "t_ps"], kind="stable").reset_index(drop=True)


def _dropped_note(g: pd.DataFrame) -> str:
    bad = g[~g["used"].astype(bool)]
    if bad.empty:
        return ""
    return "; ".join(f"window {int(w)} {n}" for w, n in zip(bad["window"], bad["note"]))


def growth_tables(series: pd.DataFrame, train_fraction: float, offset: bool = False,
                  laws: Sequence[str] = GROWTH_LAWS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tables S1 and S2 of paper 000 from :func:`thickness_series` rows.

    Per composition, the used windows are fitted with every law (Table S1:
    :func:`seiflow.analysis.growth.fit_growth_law`, parameters ± 1-sigma from the fit covariance, R²,
    RMSE) and scored by the predictive test (Table S2: :func:`seiflow.analysis.growth.
    predictive_test` with ``train_fraction``, one law at a time so that a law needing more
    training points fails alone).  Laws that cannot be fitted give NaN rows with ``note``.

    Returns
    -------
    (tabS1, tabS2)
        tabS1: ``composition`` + the :func:`seiflow.analysis.growth.fit_growth_laws` columns +
        ``n_windows``, ``n_dropped``, ``k_rank`` (1 = fastest growth among the compositions,
        fixed-exponent laws only), ``note``, ``published``.  tabS2: ``composition`` + the
        :func:`seiflow.analysis.growth.predictive_test` columns (``best``: highest ``r2_test`` of the
        composition) + ``note``, ``published``.
    """
    s1, s2 = [], []
    for comp, g in series.groupby("composition", sort=False):
        used = g[g["used"].astype(bool)]
        t, d = used["t_ps"].to_numpy(float), used["d_A"].to_numpy(float)
        dropped = _dropped_note(g)
        base = {"composition": comp, "n_windows": int(len(g)), "n_dropped": int((~g["used"]
                                                                                .astype(bool)).sum())}
        for law in laws:
            try:
                row, note = fit_growth_law(t, d, law, offset), ""
            except (ValueError, RuntimeError) as err:
                row, note = {"law": law, "n_points": int(t.size)}, f"no fit: {err}"
            s1.append({**base, **row, "note": "; ".join(x for x in (note, dropped) if x)})
            try:
                p = predictive_test(t, d, train_fraction, laws=[law], offset=offset)
                row2, note2 = p.drop(columns="best").iloc[0].to_dict(), ""
            except (ValueError, RuntimeError) as err:
                row2 = {"law": law, "n_train": np.nan, "n_test": np.nan}
                note2 = f"no predictive test: {err}"
            s2.append({"composition": comp, **row2,
                       "note": "; ".join(x for x in (note2, dropped) if x)})
    tab1 = pd.DataFrame(s1)
    tab2 = pd.DataFrame(s2)
    for tab in (tab1, tab2):
        for c in ("k", "k_err", "exponent", "r2", "r2_test", "rmse_test_A"):
            if c not in tab and not tab.empty:
                tab[c] = np.nan
    if not tab1.empty:
        tab1["k_rank"] = np.nan
        for law in ("t^1/2", "t^1/3"):
            m = (tab1["law"] == law) & np.isfinite(tab1["k"].astype(float))
            tab1.loc[m, "k_rank"] = tab1.loc[m, "k"].rank(ascending=False, method="min")
        tab1["published"] = PUBLISHED_GROWTH["tabS1"]
    if not tab2.empty:
        best = np.zeros(len(tab2), dtype=bool)
        for _, g in tab2.groupby("composition", sort=False):
            sc = g["r2_test"].astype(float)
            if np.isfinite(sc).any():
                best[tab2.index.get_loc(sc.idxmax())] = True
        tab2["best"] = best
        tab2["published"] = PUBLISHED_GROWTH["tabS2"]
    return tab1, tab2


def full_reduction_percentages(mol_percent: Mapping[str, float]) -> dict[str, float]:
    """Atomic % of Li, Si, P, S when a Li2S-SiS2-P2S5 glass is fully reduced by Li metal to
    Li2S, Li3P and Li21Si5 (paper 000's "expected decomposition products"; 75Li2S-25P2S5:
    Li3PS4 + 8 Li -> 4 Li2S + Li3P, 68.75 : 6.25 : 25).

    ``mol_percent``: ``Li2S``, ``SiS2``, ``P2S5`` (mol %, as ``glass.compositions``).
    """
    x, y, z = (float(mol_percent.get(k, 0.0)) for k in ("Li2S", "SiS2", "P2S5"))
    n = {"Si": y, "P": 2 * z, "S": x + 2 * y + 5 * z}
    n["Li"] = 2 * n["S"] + 3 * n["P"] + 21 / 5 * n["Si"]
    tot = sum(n.values())
    if tot <= 0:
        raise ValueError(f"empty composition {dict(mol_percent)}")
    return {e: 100.0 * n[e] / tot for e in _ATOMIC}


def sei_composition_table(counts: pd.DataFrame, species: Sequence[str] = _ATOMIC,
                          compositions: Mapping[str, Mapping[str, float]] | None = None
                          ) -> pd.DataFrame:
    """Paper 000 Table 1: SEI number densities and atomic percentages per composition.

    Parameters
    ----------
    counts
        :func:`seiflow.analysis.glass_md.sei_frame_counts` rows (one per fit-window frame) with
        ``composition``: ``t_ps``, ``z_lo_A``, ``z_hi_A``, ``volume_sei_A3``, ``n_<X>``.
    species
        Elements reported.
    compositions
        ``glass.compositions`` (mol % Li2S, SiS2, P2S5) for the full-reduction reference
        (``reduced_pct_<X>``); None leaves it out.

    Returns
    -------
    pandas.DataFrame
        One row per composition: ``n_frames``, ``t_start_ps``, ``t_end_ps``, ``z_lo_A``,
        ``z_hi_A``, ``sei_thickness_A``, ``volume_sei_A3`` (mean), ``n_<X>`` (mean atoms),
        ``rho_<X>_A3`` and ``rho_<X>_std_A3`` (mean and std over frames, ddof = 1, NaN for
        one frame), ``pct_<X>`` (100 mean n_X / Σ mean n), ``pct_<X>_std``,
        ``reduced_pct_<X>``, ``paper_rho_<X>_A3``, ``paper_pct_<X>`` (Table 1 of paper 000,
        NaN where it gives none), ``note``.  A composition without SEI region (failed fit,
        empty slab) is a NaN row with a note.
    """
    rows = []
    for comp, g in counts.groupby("composition", sort=False):
        n = np.column_stack([g[f"n_{s}"].to_numpy(float) for s in species])
        vol = g["volume_sei_A3"].to_numpy(float)
        row = {"composition": comp, "n_frames": int(len(g)),
               "t_start_ps": float(g["t_ps"].min()), "t_end_ps": float(g["t_ps"].max()),
               "z_lo_A": float(g["z_lo_A"].iloc[0]), "z_hi_A": float(g["z_hi_A"].iloc[0])}
        row["sei_thickness_A"] = row["z_hi_A"] - row["z_lo_A"]
        row["volume_sei_A3"] = float(np.mean(vol)) if len(vol) else np.nan
        note = ""
        ok = np.isfinite(vol) & (vol > 0) & np.isfinite(n).all(axis=1)
        tot = n[ok].sum(axis=1) if ok.any() else np.array([])
        if not ok.any():
            note = "no SEI region (interface fit of the fit window failed)"
        elif not (tot > 0).all():
            note = "SEI region empty in some frames"
        with np.errstate(invalid="ignore", divide="ignore"):
            rho = n[ok] / vol[ok, None]
            pct = 100.0 * n[ok] / tot[:, None]
            mean_n = n[ok].mean(axis=0) if ok.any() else np.full(len(species), np.nan)
            pct_mean = 100.0 * mean_n / mean_n.sum()
        many = int(ok.sum()) >= 2
        for j, s in enumerate(species):
            row[f"n_{s}"] = float(mean_n[j])
            row[f"rho_{s}_A3"] = float(rho[:, j].mean()) if ok.any() else np.nan
            row[f"rho_{s}_std_A3"] = float(rho[:, j].std(ddof=1)) if many else np.nan
        for j, s in enumerate(species):
            row[f"pct_{s}"] = float(pct_mean[j])
            row[f"pct_{s}_std"] = float(np.nanstd(pct[:, j], ddof=1)) if many else np.nan
        red = (full_reduction_percentages(compositions[comp])
               if compositions is not None and comp in compositions else {})
        pub = PUBLISHED_TAB1_A3.get(comp, {})
        pub_tot = sum(pub.values())
        for s in species:
            row[f"reduced_pct_{s}"] = red.get(s, np.nan)
        for s in species:
            row[f"paper_rho_{s}_A3"] = pub.get(s, np.nan)
        for s in species:
            row[f"paper_pct_{s}"] = 100.0 * pub[s] / pub_tot if s in pub else np.nan
        row["note"] = note
        rows.append(row)
    return pd.DataFrame(rows)


def fit_curves(series: pd.DataFrame, tabS1: pd.DataFrame, n_points: int = 100
               ) -> pd.DataFrame:
    """Fitted d(t) of every growth law with finite parameters on a grid over each
    composition's used windows (paper 000 Fig. 3 curves; laws of
    :func:`seiflow.analysis.growth.growth_law_model`).

    Parameters
    ----------
    series : pandas.DataFrame
        :func:`thickness_series` rows (``composition``, ``t_ps`` in ps, ``used``).
    tabS1 : pandas.DataFrame
        Table S1 of :func:`growth_tables` (``composition``, ``law``, ``k`` / ``n`` / ``a`` /
        ``b``).
    n_points : int
        Grid points per composition, evenly spaced between the smallest and largest used
        t > 0.

    Returns
    -------
    pandas.DataFrame
        ``composition``, ``law``, ``t_ps`` (ps), ``d_fit_A`` (Å); compositions without a used
        t > 0 and laws with a non-finite parameter give no rows.
    """
    rows = []
    for comp, g in series[series["used"].astype(bool)].groupby("composition", sort=False):
        t = g["t_ps"].to_numpy(float)
        t = t[t > 0]
        if t.size == 0:
            continue
        grid = np.linspace(t.min(), t.max(), n_points)
        for r in tabS1[tabS1["composition"] == comp].to_dict("records"):
            keys = ("a", "b") if r["law"] == "ln t" else ("k",)
            if not all(np.isfinite(float(r.get(k, np.nan))) for k in keys):
                continue
            d = growth_law_model(r["law"], grid, r)
            rows += [{"composition": comp, "law": r["law"], "t_ps": tt, "d_fit_A": dd}
                     for tt, dd in zip(grid, d)]
    return pd.DataFrame(rows, columns=["composition", "law", "t_ps", "d_fit_A"])
