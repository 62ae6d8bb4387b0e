"""Li | glass slab structure analyses of paper 000 (Zhou, Luo, An 2026): Fig. 1, Fig. 4 /
Figs. S5-S7 and Fig. S4.

A second streamed pass over a production run of a Li(100) | glass slab
(:func:`seiflow.md.lammps.run_frames`, one frame in memory at a time), after
:func:`seiflow.analysis.glass_md.analyse_glass_run` has fitted the interfaces, gives

* coordination-number profiles along z per time window with the paper's element-pair
  cutoffs (P–Li 2.86, Si–Li 3.49, S–Li 3.39, P–S 2.73, Si–S 2.80, Li–Li 4.00, Si–Si 2.64 Å,
  "first minimum of the partial RDFs") [paper 000, Methods; Fig. 4, Figs. S5-S7], from
  :func:`seiflow.analysis.coordination.cn_profile`: frozen atoms are never centres (they stay
  neighbours: they are physically there);
* partial RDFs of the SSE and the SEI region over the fit window (the last
  ``fit_window_ps``) [paper 000, Fig. S4: Li–Li first peak 3.5 Å (SSE) -> 3.0 Å (SEI)] with
  :class:`seiflow.analysis.coordination.PartialRDFAccumulator` (``normalisation="region"``: each
  region's own density).  Regions per frame from the fit window's fitted midpoints
  (``Li_pe`` profile, window -1 of ``interfaces.csv``): SEI = mobile atoms with fractional z
  between the Li|SEI and SEI|SSE midpoints, SSE = mobile atoms above the SEI|SSE midpoint
  (glass side) and below the top frozen layer;
* the last frame (with the ``frozen`` flags) for the snapshot of Fig. 1.

z convention as :mod:`seiflow.analysis.glass_md`: unshifted fractional z (``center_frac = 0.5`` of
:func:`seiflow.analysis.coordination.cn_profile`) times the cell height.  Pure functions; the
figures are drawn by :mod:`seiflow.plot.glass_structure`.  Units: Å, ps.
"""

from __future__ import annotations

__all__ = [
    "FIG4_COLUMNS",
    "PAPER_FIRST_PEAK_A",
    "analyse_glass_structure",
    "first_peak",
    "fig4_table",
    "fit_window_bounds_frac",
    "parse_pair_cutoffs",
    "parse_pairs",
    "rdf_peaks",
    "region_masks",
    "snapshot_label_counts",
    "window_index",
]

import re
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from ase import Atoms

from seiflow.analysis.coordination import PartialRDFAccumulator, _plane_widths_A, cn_profile

#: Paper 000 Fig. S4 (text): first-peak positions (Å), (pair, region) -> r.
PAPER_FIRST_PEAK_A = {("Li-Li", "SSE"): 3.5, ("Li-Li", "SEI"): 3.0}

_PAIR = re.compile(r"^([A-Z][a-z]?)-([A-Z][a-z]?)$")


def parse_pairs(pairs: Iterable[str]) -> list[tuple[str, str]]:
    """``["Li-S", ...]`` -> ``[("Li", "S"), ...]`` (centre first; duplicates dropped).

    Raises
    ------
    ValueError
        A label that is not ``"A-B"`` with element-like symbols, or an empty list.
    """
    out = []
    for p in pairs:
        m = _PAIR.match(str(p))
        if m is None:
            raise ValueError(f"pair {p!r} must look like 'A-B' (centre-neighbour)")
        out.append((m.group(1), m.group(2)))
    if not out:
        raise ValueError("no pair given")
    return list(dict.fromkeys(out))


def parse_pair_cutoffs(cutoffs: Mapping[str, float]) -> dict[tuple[str, str], float]:
    """Config ``glass.md_analysis.cn_cutoffs_A`` (``{"P-Li": 2.86, ...}``, centre-neighbour)
    -> ``{("P", "Li"): 2.86, ...}`` (Å) as :func:`seiflow.analysis.coordination.cn_profile` takes.

    Raises
    ------
    ValueError
        Bad pair label (:func:`parse_pairs`) or a cutoff that is not a positive number.
    """
    keys = parse_pairs(cutoffs)
    out = {}
    for label, key in zip(cutoffs, keys, strict=True):
        v = float(cutoffs[label])
        if not (np.isfinite(v) and v > 0):
            raise ValueError(f"cutoff of {label} must be > 0 Å, got {cutoffs[label]!r}")
        out[key] = v
    return out


def window_index(t_ps: float, window_ps: float) -> int:
    """Profile window of a frame at ``t_ps``: t in (k w, (k + 1) w] -> k, t = 0 -> 0 (the
    convention of :func:`seiflow.analysis.glass_md.analyse_glass_run`)."""
    if not window_ps > 0:
        raise ValueError("window_ps must be > 0")
    return max(0, int(np.ceil(t_ps / window_ps - 1e-9)) - 1)


def fit_window_bounds_frac(interfaces: pd.DataFrame, profiles: pd.DataFrame,
                           profile: str = "Li_pe") -> tuple[float, float]:
    """Fractional z of the fit window's (``window == -1``) Li|SEI and SEI|SSE midpoints.

    ``interfaces`` / ``profiles``: the ``interfaces.csv`` / ``profiles.csv`` of rule
    glass_md_analysis (one run).  z0 (Å, on the fit window's mean-height axis) is divided by
    that mean height, recovered as z_A / z_frac of the window's profile bins.

    Returns
    -------
    (lo, hi)
        Sorted fractional midpoints; (NaN, NaN) when the fit failed.
    """
    f = interfaces[(interfaces["window"] == -1) & (interfaces["profile"] == profile)]
    z0 = f.set_index("interface")["z0_A"]
    p = profiles[(profiles["window"] == -1) & (profiles["z_frac"] > 0)]
    if p.empty or not {"Li|SEI", "SEI|SSE"} <= set(z0.index):
        return float("nan"), float("nan")
    h = float(np.median(p["z_A"] / p["z_frac"]))
    a, b = float(z0["Li|SEI"]) / h, float(z0["SEI|SSE"]) / h
    if not (np.isfinite(a) and np.isfinite(b)):
        return float("nan"), float("nan")
    return tuple(sorted((a, b)))


def region_masks(z_frac, frozen, sei_lo_frac: float, sei_hi_frac: float
                 ) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """SEI and SSE atoms of one frame and the fractional thickness of each region.

    Parameters
    ----------
    z_frac : array, shape (n_atoms,)
        Unshifted fractional z in [0, 1).
    frozen : array, shape (n_atoms,)
        Frozen flags (never in a region).
    sei_lo_frac, sei_hi_frac : float
        Fractional Li|SEI and SEI|SSE midpoints (lo < hi; NaN: empty regions).

    Returns
    -------
    (masks, thickness)
        ``{"SEI": bool (n_atoms,), "SSE": bool (n_atoms,)}`` and ``{"SEI": hi - lo,
        "SSE": top - hi}`` (fractions of the cell height); ``top`` = lowest frozen atom above
        the SEI|SSE midpoint, or the highest mobile atom when none is frozen there.
    """
    u = np.asarray(z_frac, dtype=float)
    f = np.asarray(frozen, dtype=bool)
    if f.shape != u.shape:
        raise ValueError(f"frozen must have shape {u.shape}, got {f.shape}")
    empty = np.zeros(u.shape, dtype=bool)
    if not (np.isfinite(sei_lo_frac) and np.isfinite(sei_hi_frac)):
        return {"SEI": empty, "SSE": empty.copy()}, {"SEI": 0.0, "SSE": 0.0}
    lo, hi = sorted((float(sei_lo_frac), float(sei_hi_frac)))
    above = f & (u > hi)
    top = float(u[above].min()) if above.any() else float(u[~f].max(initial=hi))
    sei = (u >= lo) & (u <= hi) & ~f
    sse = (u > hi) & (u < top) & ~f
    return {"SEI": sei, "SSE": sse}, {"SEI": hi - lo, "SSE": max(top - hi, 0.0)}


def _frac_z(atoms: Atoms) -> np.ndarray:
    zlo = float(np.asarray(atoms.get_celldisp()).ravel()[2])
    h = float(atoms.cell[2, 2])
    u = np.mod((atoms.positions[:, 2] - zlo) / h, 1.0)
    u[u >= 1.0] = 0.0
    return u


def analyse_glass_structure(frames: Iterable[tuple[Atoms, float]], frozen, *,
                            cutoffs: Mapping[tuple[str, str], float], window_ps: float,
                            fit_start_ps: float, bin_width_A: float,
                            sei_bounds_frac: tuple[float, float],
                            rdf_pairs: Sequence[tuple[str, str]], rdf_r_max_A: float,
                            rdf_bins: int) -> dict:
    """One streamed pass: CN profiles per window, SSE/SEI partial RDFs of the fit window and
    the last frame [paper 000, Fig. 4 / Figs. S5-S7, Fig. S4, Fig. 1].

    Parameters
    ----------
    frames
        ``(atoms, time_ps)`` in time order (:func:`seiflow.md.lammps.run_frames`).
    frozen : array, shape (n_atoms,)
        Frozen flags of the slab: never centres of a CN / RDF, never in a region.
    cutoffs
        ``{(center, neighbor): cutoff_A}`` (:func:`parse_pair_cutoffs`); pairs with an
        element absent from the run are dropped, a pair whose cutoff is not below half the
        smallest cell width is skipped for that frame (counted).
    window_ps
        Profile window (ps), :func:`window_index`.
    fit_start_ps
        Frames with t >= fit_start_ps feed the RDFs.
    bin_width_A
        CN-profile bin width (Å): n_bins = round(h / bin_width_A) of the first frame, the
        same fractional bins in every frame.
    sei_bounds_frac
        (lo, hi) from :func:`fit_window_bounds_frac`.
    rdf_pairs, rdf_r_max_A, rdf_bins
        :class:`seiflow.analysis.coordination.PartialRDFAccumulator` settings; a frame whose half
        smallest cell width is not above ``rdf_r_max_A`` is skipped (counted).

    Returns
    -------
    dict
        ``cn`` (DataFrame: ``pair``, ``center``, ``neighbor``, ``window``, ``t_start_ps``,
        ``t_end_ps``, ``bin``, ``z_A`` (mean bin centre), ``cn`` (centre-weighted mean),
        ``n_center`` (summed over frames), ``n_frames``); ``rdf`` (DataFrame: ``region``,
        ``pair`` + :data:`seiflow.analysis.coordination.RDF_COLUMNS`, ``n_frames``);
        ``last`` (Atoms, last frame, ``frozen`` array, ``info["time_ps"]``); ``skipped``
        (dict of skipped pair-frames / RDF frames); ``n_frames``.

    Raises
    ------
    ValueError
        No frame, or ``frozen`` of the wrong length.
    """
    f = np.asarray(frozen, dtype=bool)
    rdf = {r: PartialRDFAccumulator(list(rdf_pairs), rdf_r_max_A, rdf_bins,
                                    normalisation="region") for r in ("SEI", "SSE")}
    sums: dict[tuple, list[float]] = {}
    bounds: dict[int, list[float]] = {}
    skipped = {"cn_pair_frames": 0, "rdf_frames": 0, "rdf_region_frames_empty": 0}
    nb = None
    pairs = None
    last, t_last, n = None, None, 0
    for atoms, t in frames:
        if f.shape != (len(atoms),):
            raise ValueError(f"frozen has {f.size} flags for {len(atoms)} atoms")
        n += 1
        if nb is None:
            nb = max(1, int(round(float(atoms.cell[2, 2]) / bin_width_A)))
            present = set(atoms.get_chemical_symbols())
            pairs = {k: v for k, v in cutoffs.items() if set(k) <= present}
        k = window_index(t, window_ps)
        b = bounds.setdefault(k, [t, t, 0])
        b[1] = t
        b[2] += 1
        half = 0.5 * float(_plane_widths_A(atoms).min())
        use = {p: c for p, c in pairs.items() if c < half}
        skipped["cn_pair_frames"] += len(pairs) - len(use)
        if use:
            df = cn_profile(atoms, use, bin_width_A, center_frac=0.5, center_mask=~f,
                            n_bins=nb)
            for r in df.itertuples(index=False):
                s = sums.setdefault((k, r.center, r.neighbor, r.bin), [0.0, 0.0, 0.0, 0])
                s[0] += r.sum_cn
                s[1] += r.n_center
                s[2] += r.z_A
                s[3] += 1
        if t >= fit_start_ps - 1e-9:
            if rdf_r_max_A >= half:
                skipped["rdf_frames"] += 1
            else:
                masks, thick = region_masks(_frac_z(atoms), f, *sei_bounds_frac)
                vol = float(abs(atoms.cell.volume))
                for name, acc in rdf.items():
                    if not (masks[name].any() and thick[name] > 0):
                        skipped["rdf_region_frames_empty"] += 1
                        continue
                    acc.update(atoms, region_mask=masks[name],
                               region_volume_A3=vol * thick[name])
        last, t_last = atoms, float(t)
    if last is None:
        raise ValueError("no frame in the run")
    rows = [{"pair": f"{c}-{nn}", "center": c, "neighbor": nn, "window": k,
             "t_start_ps": bounds[k][0], "t_end_ps": bounds[k][1], "bin": b_,
             "z_A": s[2] / s[3], "cn": s[0] / s[1] if s[1] else np.nan,
             "n_center": int(s[1]), "n_frames": int(s[3])}
            for (k, c, nn, b_), s in sorted(sums.items())]
    cn = pd.DataFrame(rows, columns=["pair", "center", "neighbor", "window", "t_start_ps",
                                     "t_end_ps", "bin", "z_A", "cn", "n_center", "n_frames"])
    rdfs = []
    for name, acc in rdf.items():
        if acc.n_frames == 0:
            continue
        d = acc.result()
        d.insert(0, "region", name)
        d.insert(1, "pair", d["center"] + "-" + d["neighbor"])
        rdfs.append(d.assign(n_frames=acc.n_frames))
    rdf_df = (pd.concat(rdfs, ignore_index=True) if rdfs else
              pd.DataFrame(columns=["region", "pair", "r_A", "center", "neighbor", "g_r",
                                    "cn_r", "n_center_frames", "n_frames"]))
    out_last = last.copy()
    out_last.arrays["frozen"] = f.copy()
    out_last.info["time_ps"] = t_last
    return {"cn": cn, "rdf": rdf_df, "last": out_last, "skipped": skipped, "n_frames": n}


def first_peak(r_A, g, min_height_frac: float = 0.5, half_window: int = 2,
               r_min_A: float = 1.5) -> tuple[float, float]:
    """Position and height of the first peak of g(r).

    Only bins with r >= ``r_min_A`` count (shorter pairs are unphysical for Li-Si-P-S, where
    the shortest bond, Si–S / P–S, is ≈ 2.0-2.1 Å; a single overlapping pair in a tiny inner
    shell would otherwise dominate).  The first local maximum (scanning from small r) whose
    height is at least ``min_height_frac`` x max(g); its position is refined by a least-squares parabola
    through the ``2 half_window + 1`` bins around it (vertex kept only when the parabola is
    concave and the vertex lies inside those bins, else the bin centre).

    Parameters
    ----------
    r_A, g : arrays, shape (n_bins,)
        Bin centres (Å) and g(r); NaN bins are ignored.

    Returns
    -------
    (r_peak_A, g_peak)
        NaN, NaN when g has no finite positive value.
    """
    r = np.asarray(r_A, dtype=float)
    y = np.asarray(g, dtype=float)
    ok = np.isfinite(y) & (r >= r_min_A)
    r, y = r[ok], y[ok]
    if y.size == 0 or not (y.max() > 0):
        return float("nan"), float("nan")
    thr = min_height_frac * y.max()
    k = int(np.argmax(y))
    for i in range(y.size):
        left = y[i - 1] if i > 0 else -np.inf
        right = y[i + 1] if i + 1 < y.size else -np.inf
        if y[i] >= thr and y[i] >= left and y[i] >= right:
            k = i
            break
    lo, hi = max(0, k - half_window), min(y.size, k + half_window + 1)
    if hi - lo >= 3:
        a, b, c = np.polyfit(r[lo:hi], y[lo:hi], 2)
        if a < 0:
            rv = -b / (2 * a)
            if r[lo] <= rv <= r[hi - 1]:
                return float(rv), float(np.polyval([a, b, c], rv))
    return float(r[k]), float(y[k])


def rdf_peaks(rdf: pd.DataFrame) -> pd.DataFrame:
    """First-peak table of region RDFs: one row per (composition, pair, region) with
    ``r_peak_A``, ``g_peak``, ``n_center_frames`` and the published position
    ``paper_r_peak_A`` (:data:`PAPER_FIRST_PEAK_A`, NaN where none).  ``rdf``: rows of
    :func:`analyse_glass_structure` ``rdf`` with ``composition``."""
    rows = []
    for (comp, pair, region), g in rdf.groupby(["composition", "pair", "region"], sort=False):
        r, h = first_peak(g["r_A"], g["g_r"])
        rows.append({"composition": comp, "pair": pair, "region": region, "r_peak_A": r,
                     "g_peak": h, "n_center_frames": int(g["n_center_frames"].iloc[0]),
                     "paper_r_peak_A": PAPER_FIRST_PEAK_A.get((pair, region), np.nan)})
    return pd.DataFrame(rows, columns=["composition", "pair", "region", "r_peak_A", "g_peak",
                                       "n_center_frames", "paper_r_peak_A"])


# ----------------------------------------------------------------------------- figure tables
#: columns of the Fig. 4 table, in order
FIG4_COLUMNS = ["composition", "pair", "center", "neighbor", "window", "t_start_ps", "t_end_ps",
                "bin", "z_A", "cn", "n_center", "n_frames"]


def fig4_table(cn: pd.DataFrame) -> pd.DataFrame:
    """Paper 000 Fig. 4 / Figs. S5-S7 data: the tidy CN(z, t) table.

    Parameters
    ----------
    cn : pandas.DataFrame
        :func:`analyse_glass_structure` ``cn`` rows with ``composition`` (at least the
        columns of :data:`FIG4_COLUMNS`; z in Å, times in ps).

    Returns
    -------
    pandas.DataFrame
        The :data:`FIG4_COLUMNS` of ``cn``, sorted by composition, pair, window and bin, with
        a fresh index.

    Raises
    ------
    KeyError
        A column of :data:`FIG4_COLUMNS` is missing.
    """
    return cn[FIG4_COLUMNS].sort_values(["composition", "pair", "window", "bin"]
                                        ).reset_index(drop=True)


def snapshot_label_counts(frames: Mapping[str, Atoms]) -> pd.DataFrame:
    """Label counts of the paper 000 Fig. 1 snapshots (convention of fig_snapshot).

    Parameters
    ----------
    frames : mapping of str to ase.Atoms
        Composition -> frame (``info["time_ps"]``, NaN without; optional per-atom bool
        ``frozen`` array, all False without).

    Returns
    -------
    pandas.DataFrame
        One row per (composition, element) in order of first appearance: ``composition``,
        ``time_ps``, ``label`` (element), ``count``, ``frozen`` (of them frozen).
    """
    rows = []
    for comp, atoms in frames.items():
        labels = np.array(atoms.get_chemical_symbols())
        t = float(atoms.info.get("time_ps", np.nan))
        fr = atoms.arrays.get("frozen", np.zeros(len(atoms), bool)).astype(bool)
        for lab in dict.fromkeys(labels):
            sel = labels == lab
            rows.append({"composition": comp, "time_ps": t, "label": lab,
                         "count": int(sel.sum()), "frozen": int((sel & fr).sum())})
    return pd.DataFrame(rows, columns=["composition", "time_ps", "label", "count", "frozen"])
