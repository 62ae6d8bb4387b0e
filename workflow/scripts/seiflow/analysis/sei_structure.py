"""Where the SEI is, what it is made of and how ordered it is: one streaming pass over a
Li | electrolyte | Li production trajectory (issue 4).

Every frame is first put in the *centred frame*: box origin at 0, atoms wrapped, the
electrolyte centre at fractional z = 0.5 and the Li metal around z = 0 ≡ h (the convention of
:func:`seiflow.analysis.sei_formation.sei_thickness`).  Regions (intact-PS4 method, paper 001 Fig. 2d,
paper 003 Sec. 3.4), per frame, along z:

* ``SSE``: between the lowest and highest P of an intact PS4 tetrahedron;
* ``SEI``: from the furthest S/P/Cl that left the electrolyte to that boundary, on each side;
  with no intact PS4 left the whole anion span is SEI;
* ``metal``: the rest.

Per frame (one row of :meth:`StructureAnalysis.frames`): the region widths (Å); the mean
coordination numbers of ``cn_pairs`` over all centre atoms (paper 003 Fig. 9); the share of S
with 8 Li neighbours (paper 003 Fig. 11b); the SEI composition (anions in the SEI slabs plus
Li in them with ≥ 3 S/P/Cl neighbours, paper 003) as counts, number densities (Å^-3) and
x, y of Li2S(1-x-y)PxCly; the PTM-crystalline share of the SEI anions (fcc anion sublattice
of antifluorite, paper 004 Fig. 4) and of all anions; P/Cl occupancy of the crystalline anion
sites (paper 000 Fig. 5, paper 001 Fig. 5d) and the Li vacancy fraction of the crystalline
region; PTM fractions of the metal-region Li (paper 001 Fig. 2a).

Over time windows: number-density and per-atom potential-energy profiles along z
(paper 000 Fig. 2), coordination-number profiles (paper 000 Fig. 4).  Over the last window:
partial RDFs of the SSE and SEI regions (paper 000 Fig. S4, paper 001 Fig. 5d).  Over the
whole run: Li flux through 3 Å membranes (paper 003 Figs. 12-13) at the electrode centre,
at the two initial electrolyte surfaces and at the electrolyte centre.

Memory is independent of the trajectory length: frames are consumed one at a time and only
accumulators (and the first and last frame, for snapshots) are kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from ase import Atoms
from ase.neighborlist import neighbor_list

from seiflow.analysis.base import FrameAccumulator
from seiflow.analysis.coordination import (
    PartialRDFAccumulator,
    cn_profile,
    coordination_numbers,
    normalised_formula,
    s8li_crystallinity,
    sei_li_mask,
)
from seiflow.analysis.crystallinity import (
    anion_fcc_crystalline_mask,
    li_vacancy_fraction,
    ptm_structure_types,
    structure_type_fractions,
    substitution_occupancy,
)
from seiflow.analysis.flux import MembraneFluxAccumulator
from seiflow.analysis.profiles import ZProfileAccumulator
from seiflow.analysis.sei_formation import intact_ps4_mask, sei_thickness

__all__ = [
    "StructureSettings",
    "centred_frame",
    "region_labels",
    "frame_regions",
    "analyse_structure_frame",
    "StructureAnalysis",
    "ANIONS",
    "ELEMENT_COLORS",
    "snapshot_labels",
    "METAL_LI_PTM_COLUMNS",
    "metal_li_ptm_long",
    "run_structure_analysis",
]

ANIONS = ("S", "P", "Cl")


@dataclass
class StructureSettings:
    """Settings of the structure analyses (config ``analysis.structure`` and the scale's
    ``analysis`` block); lengths in Å, times in ps.

    ``cn_pairs``: (centre, neighbour) pairs of the CN time series, cutoff ``cn_cutoff_A``
    (paper 003: 3 Å).  ``profile_cn_cutoffs_A``: (centre, neighbour) -> cutoff of the CN
    profiles (paper 000 Fig. 4 table).  ``rdf_pairs``/``rdf_r_max_A``/``rdf_bins``: region
    RDFs (``rdf_r_max_A`` must stay below half the smallest cell width).
    ``ptm_rmsd_cutoff``: PTM RMSD cutoff of both the Li and the anion-sublattice matching.
    """

    ps4_cutoff_A: float = 2.6
    cn_cutoff_A: float = 3.0
    cn_pairs: Sequence[tuple[str, str]] = (("S", "P"), ("S", "Li"), ("P", "Li"), ("Cl", "Li"))
    sei_li_min_anion_neighbours: int = 3
    s8li_cutoff_A: float = 3.0
    ptm_rmsd_cutoff: float = 0.1
    anion_min_fcc_neighbours: int = 3
    li_site_cutoff_A: float = 1.2
    profile_bin_A: float = 0.5
    profile_cn_cutoffs_A: Mapping[tuple[str, str], float] = field(default_factory=dict)
    rdf_pairs: Sequence[tuple[str, str]] = (("Li", "Li"), ("Li", "S"), ("S", "S"), ("P", "S"))
    rdf_r_max_A: float = 4.5
    rdf_bins: int = 90
    membrane_width_A: float = 3.0
    window_ps: float = 1.0

    @classmethod
    def from_config(cls, structure: Mapping[str, Any], window_ps: float,
                    ps4_cutoff_A: float) -> "StructureSettings":
        """From config ``analysis.structure`` (pairs as 2-lists; profile cutoffs as
        ``"A-B": cutoff``), the scale's ``analysis.window_ps`` and ``analysis.ps4_cutoff_A``."""
        s = dict(structure)
        s["cn_pairs"] = [tuple(p) for p in s.get("cn_pairs", cls.cn_pairs)]
        s["rdf_pairs"] = [tuple(p) for p in s.get("rdf_pairs", cls.rdf_pairs)]
        s["profile_cn_cutoffs_A"] = {tuple(k.split("-")): float(v) for k, v in
                                     s.get("profile_cn_cutoffs_A", {}).items()}
        return cls(**s, window_ps=float(window_ps), ps4_cutoff_A=float(ps4_cutoff_A))


def centred_frame(atoms: Atoms, center_frac: float = 0.5) -> Atoms:
    """Copy of ``atoms`` with the box origin at 0, every atom wrapped into the cell and the
    electrolyte centre (fractional z ``center_frac`` of the original cell) moved to 0.5.

    Parameters
    ----------
    atoms
        Frame with a and b in the xy plane and c along z (orthorhombic LAMMPS box);
        ``get_celldisp()`` is the box origin.
    center_frac
        Fractional z of the electrolyte centre in the original cell.

    Returns
    -------
    ase.Atoms
        New frame; per-atom arrays (e.g. ``c_pe``) are kept.

    Raises
    ------
    ValueError
        If c is not along z.
    """
    cell = np.asarray(atoms.cell[:], dtype=float)
    if abs(cell[2, 0]) > 1e-6 or abs(cell[2, 1]) > 1e-6 or abs(cell[0, 2]) > 1e-6 \
            or abs(cell[1, 2]) > 1e-6:
        raise ValueError("centred_frame: the cell must be stacked along z (a, b in xy, c || z)")
    out = atoms.copy()
    origin = np.asarray(atoms.get_celldisp(), dtype=float).ravel()
    frac = np.linalg.solve(cell.T, (atoms.positions - origin).T).T
    frac[:, 2] += 0.5 - float(center_frac)
    frac = np.mod(frac, 1.0)
    out.positions = frac @ cell
    out.set_celldisp([0.0, 0.0, 0.0])
    out.pbc = True
    return out


def _symbols(atoms: Atoms) -> np.ndarray:
    return np.array(atoms.get_chemical_symbols())


def region_labels(atoms: Atoms, thickness: Mapping[str, float],
                  intact_units: np.ndarray | None = None) -> tuple[np.ndarray, dict]:
    """Region of every atom of a centred frame (``metal``/``SEI``/``SSE``) and the bounds.

    Parameters
    ----------
    atoms
        Centred frame (:func:`centred_frame`).
    thickness
        Output of :func:`seiflow.analysis.sei_formation.sei_thickness` on the same frame (z values in
        the centred frame, Å).
    intact_units
        Optional (n_atoms,) bool mask of the atoms of intact PS4 units (P and its 4 S): the
        SSE span is widened to contain them, so the S of a boundary tetrahedron are SSE.

    Returns
    -------
    (labels, bounds)
        ``labels``: (n_atoms,) str array; ``bounds``: ``sei_lower_A``, ``sse_lower_A``,
        ``sse_upper_A``, ``sei_upper_A`` (z, Å; the SSE bounds are NaN when no intact PS4 is
        left) and the widths ``sse_width_A``, ``sei_width_lower_A``, ``sei_width_upper_A``.
    """
    z = atoms.positions[:, 2]
    sym = _symbols(atoms)
    anion = np.isin(sym, ANIONS)
    b_lo, b_hi = thickness["boundary_lower_z_A"], thickness["boundary_upper_z_A"]
    if intact_units is not None and np.any(intact_units) and np.isfinite(b_lo):
        zu = z[np.asarray(intact_units, dtype=bool)]
        zu = zu[np.abs(zu - 0.5 * (b_lo + b_hi)) < 0.5 * atoms.cell[2, 2]]
        b_lo, b_hi = min(b_lo, float(zu.min())), max(b_hi, float(zu.max()))
    if np.isfinite(b_lo) and np.isfinite(b_hi):
        f_lo, f_hi = thickness["furthest_lower_z_A"], thickness["furthest_upper_z_A"]
    else:  # no intact PS4 left: the whole anion span is SEI
        f_lo, f_hi = float(z[anion].min()), float(z[anion].max())
        b_lo = b_hi = float("nan")
    eps = 1e-6  # Å: bounds are atom positions recomputed as u * h (round-off)
    labels = np.full(len(atoms), "metal", dtype=object)
    labels[(z >= f_lo - eps) & (z <= f_hi + eps)] = "SEI"
    if np.isfinite(b_lo):
        labels[(z >= b_lo - eps) & (z <= b_hi + eps)] = "SSE"
    bounds = {
        "sei_lower_A": float(f_lo), "sse_lower_A": float(b_lo), "sse_upper_A": float(b_hi),
        "sei_upper_A": float(f_hi),
        # clipped at 0: the bounds are atom positions recomputed as u * h (round-off)
        "sse_width_A": max(0.0, float(b_hi - b_lo)) if np.isfinite(b_lo) else 0.0,
        "sei_width_lower_A": (max(0.0, float(b_lo - f_lo)) if np.isfinite(b_lo)
                              else float(f_hi - f_lo)),
        "sei_width_upper_A": max(0.0, float(f_hi - b_hi)) if np.isfinite(b_lo) else 0.0,
    }
    return labels.astype(str), bounds


def frame_regions(atoms: Atoms, ps4_cutoff_A: float = 2.6) -> tuple[np.ndarray, dict]:
    """Regions (``metal``/``SEI``/``SSE``) of a centred frame by the intact-PS4 method.

    Intact PS4 (:func:`seiflow.analysis.sei_formation.intact_ps4_mask`, paper 001: the 4 nearest
    neighbours of P are S within ``ps4_cutoff_A``), their bounds and the furthest anions
    (:func:`seiflow.analysis.sei_formation.sei_thickness`), then :func:`region_labels` with the SSE
    widened to the S of the intact units.  The metal region of paper 001 Figs. 2a-b.

    Parameters
    ----------
    atoms
        Centred frame (:func:`centred_frame`).
    ps4_cutoff_A
        Intact-PS4 cutoff (Å).

    Returns
    -------
    (labels, bounds)
        As :func:`region_labels`: (n_atoms,) str array and the region bounds/widths (Å).

    Raises
    ------
    ValueError
        If the frame has no P (no electrolyte to locate).
    """
    sym = _symbols(atoms)
    intact = intact_ps4_mask(atoms, cutoff=ps4_cutoff_A)
    thick = sei_thickness(atoms, intact)
    units = np.zeros(len(atoms), dtype=bool)
    p_intact = np.flatnonzero(sym == "P")[intact]
    if p_intact.size:
        ps = np.flatnonzero(np.isin(sym, ("P", "S")))  # search the P+S sub-lattice only
        i, j = neighbor_list("ij", atoms[ps], ps4_cutoff_A)
        i, j = ps[i], ps[j]
        sel = np.isin(i, p_intact) & (sym[j] == "S")
        units[p_intact] = True
        units[j[sel]] = True
    return region_labels(atoms, thick, units)


def analyse_structure_frame(atoms: Atoms, settings: StructureSettings) -> tuple[dict, dict]:
    """All per-frame structure descriptors of one centred frame.

    Parameters
    ----------
    atoms
        Centred frame (:func:`centred_frame`) of a Li | Li-P-S-Cl electrolyte | Li cell.
    settings
        :class:`StructureSettings`.

    Returns
    -------
    (record, arrays)
        ``record``: flat dict of numbers (see the module docstring; CN ``cn_<A>_<B>``,
        ``s8li_share``, ``sei_n_<el>``, ``sei_density_<el>_A3``, ``sei_x_P``, ``sei_y_Cl``,
        ``sei_li_per_anion``, ``sei_crystalline_share``, ``anion_crystalline_share``,
        ``occupancy_P``, ``occupancy_Cl``, ``li_vacancy_fraction``, ``li_metal_<type>``
        shares, region bounds); ``arrays``: per-atom ``region``, ``li_ptm`` and
        ``anion_crystalline`` (bool) for snapshots.

    Raises
    ------
    ValueError
        If the frame has no P (no electrolyte to locate) or is not stacked along z.
    """
    sym = _symbols(atoms)
    region, bounds = frame_regions(atoms, settings.ps4_cutoff_A)
    rec: dict[str, float] = dict(bounds)

    for c, n in settings.cn_pairs:
        cn = coordination_numbers(atoms, c, n, settings.cn_cutoff_A) if (sym == c).any() \
            else np.array([])
        rec[f"cn_{c}_{n}"] = float(cn.mean()) if cn.size else float("nan")
    rec["s8li_share"] = (s8li_crystallinity(atoms, settings.s8li_cutoff_A)
                         if (sym == "S").any() else float("nan"))

    sei = region == "SEI"
    li_sei = sei_li_mask(atoms, settings.cn_cutoff_A, settings.sei_li_min_anion_neighbours)
    members = sei & ((sym != "Li") | li_sei)
    area = float(np.linalg.norm(np.cross(atoms.cell[0], atoms.cell[1])))
    sei_volume = area * (bounds["sei_width_lower_A"] + bounds["sei_width_upper_A"])
    counts = {el: int(((sym == el) & members).sum()) for el in ("Li", *ANIONS)}
    for el, k in counts.items():
        rec[f"sei_n_{el}"] = k
        rec[f"sei_density_{el}_A3"] = k / sei_volume if sei_volume > 0 else float("nan")
    if sum(counts[a] for a in ANIONS) > 0:
        f = normalised_formula(counts)
        rec.update(sei_x_P=f["x"], sei_y_Cl=f["y"], sei_li_per_anion=f["li_per_anion"])
    else:
        rec.update(sei_x_P=float("nan"), sei_y_Cl=float("nan"), sei_li_per_anion=float("nan"))

    crystalline = anion_fcc_crystalline_mask(atoms, ANIONS, settings.ptm_rmsd_cutoff,
                                             settings.anion_min_fcc_neighbours)
    anion = np.isin(sym, ANIONS)
    sei_anion = anion & sei
    rec["sei_crystalline_share"] = (float(crystalline[sei_anion].mean()) if sei_anion.any()
                                    else float("nan"))
    rec["anion_crystalline_share"] = float(crystalline[anion].mean())
    rec["n_crystalline_anions"] = int(crystalline.sum())
    if crystalline.any():
        occ = substitution_occupancy(atoms, crystalline)
        rec["occupancy_P"] = occ.get("P", 0.0)
        rec["occupancy_Cl"] = occ.get("Cl", 0.0)
        rec["li_vacancy_fraction"] = li_vacancy_fraction(atoms, crystalline,
                                                         settings.li_site_cutoff_A, ANIONS)
    else:
        rec.update(occupancy_P=float("nan"), occupancy_Cl=float("nan"),
                   li_vacancy_fraction=float("nan"))

    li_ptm = ptm_structure_types(atoms, species_mask=sym == "Li",
                                 rmsd_cutoff=settings.ptm_rmsd_cutoff)
    metal_li = (sym == "Li") & (region == "metal")
    fr = structure_type_fractions(li_ptm[metal_li]) if metal_li.any() else {}
    for t in ("BCC", "HCP", "FCC", "other"):
        rec[f"li_metal_{t}"] = float(fr.get(t, 0.0)) if metal_li.any() else float("nan")
    arrays = {"region": region, "li_ptm": li_ptm, "anion_crystalline": crystalline}
    return rec, arrays


class StructureAnalysis(FrameAccumulator):
    """Streaming structure analysis of one production run.

    Parameters
    ----------
    settings
        :class:`StructureSettings`.
    t_end_ps
        Time of the last frame (ps): the RDFs accumulate over [t_end - window_ps, t_end].
    species
        Elements of the density / potential-energy profiles.

    A :class:`seiflow.analysis.base.FrameAccumulator`: use ``update(atoms, time_ps)`` for
    every frame in time order (or :meth:`run` on ``(atoms, time_ps)`` pairs), then read
    :meth:`frames`, :meth:`profiles`, :meth:`cn_profiles`, :meth:`rdfs`, :meth:`flux` (all
    five from :meth:`result`), and ``first``/``last`` (centred frames with the per-atom
    labels as arrays).
    """

    def __init__(self, settings: StructureSettings, t_end_ps: float,
                 species: Sequence[str] = ("Li", "P", "S", "Cl")) -> None:
        self.s = settings
        self.t_end_ps = float(t_end_ps)
        self.species = list(species)
        super().__init__()

    def _prepare(self) -> None:
        """Empty per-frame records and the sub-accumulators known before the first frame
        (region RDFs); the profile windows and the flux membranes follow the frames."""
        settings = self.s
        self._records: list[dict] = []
        self._profiles: dict[int, ZProfileAccumulator] = {}
        self._cn_sums: dict[tuple, list[float]] = {}
        self._cn_nbins: int | None = None
        self._rdf = {r: PartialRDFAccumulator(list(settings.rdf_pairs), settings.rdf_r_max_A,
                                              settings.rdf_bins, normalisation="region")
                     for r in ("SSE", "SEI")}
        self._flux: MembraneFluxAccumulator | None = None
        self._membranes: dict[str, float] = {}
        self.first: Atoms | None = None
        self.last: Atoms | None = None
        #: region-frames left out of the RDFs because the cell was narrower than 2 r_max
        self.rdf_frames_skipped = 0
        #: (pair, frame) combinations left out of the CN profiles for the same reason
        self.cn_profile_pairs_skipped = 0

    def _window(self, t: float) -> int:
        return int(np.floor(t / self.s.window_ps + 1e-9))

    def _single_frame(self, atoms: Atoms, time_ps: float) -> None:
        """Analyse one raw frame (as read from the dump) at ``time_ps`` (ps); called by
        :meth:`update`, which counts it in ``n_frames``.

        Parameters
        ----------
        atoms
            Raw frame of a Li | Li-P-S-Cl electrolyte | Li cell (a, b in xy, c along z);
            per-atom ``c_pe`` (eV) in ``atoms.arrays`` is profiled when present.
        time_ps
            Frame time (ps), increasing from frame to frame.

        Raises
        ------
        ValueError
            If the frame has no P (no electrolyte to locate), is not stacked along z, or
            as the sub-accumulators (e.g. a time that does not increase).
        """
        frame = centred_frame(atoms)
        rec, arrays = analyse_structure_frame(frame, self.s)
        t = float(time_ps)
        rec = {"time_ps": t, **rec}
        self._records.append(rec)
        w = self._window(t)

        prof = self._profiles.get(w)
        if prof is None:
            quantities = ("pe_eV",) if "c_pe" in frame.arrays else ()
            prof = self._profiles[w] = ZProfileAccumulator(self.s.profile_bin_A, self.species,
                                                           quantities=quantities)
        per_atom = {"pe_eV": frame.arrays["c_pe"]} if "c_pe" in frame.arrays else None
        prof.update(frame, per_atom=per_atom)

        if self.s.profile_cn_cutoffs_A:
            if self._cn_nbins is None:
                self._cn_nbins = max(1, int(round(frame.cell[2, 2] / self.s.profile_bin_A)))
            half_width = 0.5 * min(frame.cell.lengths())
            pairs = {k: v for k, v in self.s.profile_cn_cutoffs_A.items()
                     if (_symbols(frame) == k[0]).any() and v < half_width}
            # freud needs cutoff < half the cell width: NPT can shrink small (demo) cells
            self.cn_profile_pairs_skipped += len(
                [v for v in self.s.profile_cn_cutoffs_A.values() if v >= half_width])
            if pairs:
                df = cn_profile(frame, pairs, self.s.profile_bin_A, n_bins=self._cn_nbins)
                for r in df.itertuples(index=False):
                    acc = self._cn_sums.setdefault((w, r.bin, r.center, r.neighbor),
                                                   [0.0, 0.0, 0.0, 0])
                    acc[0] += r.sum_cn
                    acc[1] += r.n_center
                    acc[2] += r.z_A
                    acc[3] += 1

        if t >= self.t_end_ps - self.s.window_ps - 1e-9:
            region = arrays["region"]
            area = float(np.linalg.norm(np.cross(frame.cell[0], frame.cell[1])))
            widths = {"SSE": rec["sse_width_A"],
                      "SEI": rec["sei_width_lower_A"] + rec["sei_width_upper_A"]}
            half_width = 0.5 * min(frame.cell.lengths())
            for name, acc in self._rdf.items():
                mask = region == name
                if not (mask.any() and widths[name] > 0):
                    continue
                if self.s.rdf_r_max_A >= half_width:  # NPT shrank the cell below 2 r_max
                    self.rdf_frames_skipped += 1
                    continue
                acc.update(frame, region_mask=mask, region_volume_A3=area * widths[name])

        h = frame.cell[2, 2]
        if self._flux is None:
            self._membranes = {
                "electrode": 0.0,
                "interface (lower)": rec["sei_lower_A"] / h,
                "electrolyte": 0.5,
                "interface (upper)": rec["sei_upper_A"] / h,
            }
            self._flux = MembraneFluxAccumulator(list(self._membranes.values()),
                                                 width_A=self.s.membrane_width_A)
        self._flux.update(frame, t)

        for k, v in arrays.items():
            frame.arrays[k] = np.asarray(v)
        frame.info["time_ps"] = t
        if self.first is None:
            self.first = frame
        self.last = frame

    def _conclude(self) -> dict[str, pd.DataFrame]:
        """All five result tables (returned by :meth:`result`): ``frames``, ``profiles``,
        ``cn_profiles``, ``rdfs``, ``flux`` as the methods of the same names."""
        return {"frames": self.frames(), "profiles": self.profiles(),
                "cn_profiles": self.cn_profiles(), "rdfs": self.rdfs(), "flux": self.flux()}

    def frames(self) -> pd.DataFrame:
        """Per-frame records, one row per frame (columns of :func:`analyse_structure_frame`
        plus ``time_ps``)."""
        return pd.DataFrame(self._records)

    def profiles(self) -> pd.DataFrame:
        """Density (Å^-3) and mean per-atom potential energy (eV) profiles per time window;
        columns of :class:`seiflow.analysis.profiles.ZProfileAccumulator` plus ``window_start_ps``."""
        out = []
        for w, acc in sorted(self._profiles.items()):
            df = acc.result()
            df.insert(0, "window_start_ps", w * self.s.window_ps)
            out.append(df)
        return pd.concat(out, ignore_index=True) if out else pd.DataFrame()

    def cn_profiles(self) -> pd.DataFrame:
        """Coordination-number profiles per time window: ``window_start_ps``, ``z_A`` (mean
        bin centre), ``center``, ``neighbor``, ``mean_cn``, ``n_center`` (summed over frames)."""
        rows = [{"window_start_ps": w * self.s.window_ps, "bin": b, "center": c,
                 "neighbor": n, "z_A": s[2] / s[3],
                 "mean_cn": s[0] / s[1] if s[1] else np.nan, "n_center": s[1],
                 "pair_frames_skipped": self.cn_profile_pairs_skipped}
                for (w, b, c, n), s in sorted(self._cn_sums.items())]
        return pd.DataFrame(rows)

    def rdfs(self) -> pd.DataFrame:
        """Partial RDFs of the SSE and SEI regions over the last window: ``region``,
        ``pair`` (``"A-B"``), ``r_A``, ``g`` (region-normalised), ``cn_r``."""
        out = []
        for region, acc in self._rdf.items():
            try:
                df = acc.result()
            except ValueError:  # region never present in the last window
                continue
            df = df.rename(columns={"g_r": "g"})
            df.insert(0, "region", region)
            df.insert(1, "pair", df["center"] + "-" + df["neighbor"])
            df["rdf_frames_skipped"] = self.rdf_frames_skipped
            out.append(df)
        return pd.concat(out, ignore_index=True) if out else pd.DataFrame(
            columns=["region", "pair", "r_A", "g"])

    def flux(self) -> pd.DataFrame:
        """Cumulative Li crossings per membrane (see
        :class:`seiflow.analysis.flux.MembraneFluxAccumulator`; ``membrane`` is its index) with the
        membrane's name in ``membrane_name``."""
        if self._flux is None:
            return pd.DataFrame()
        df = self._flux.result()
        names = list(self._membranes)
        df["membrane_name"] = df["membrane"].map(lambda m: names[int(m)])
        return df


def run_structure_analysis(frames: Iterable[Atoms], times_ps: Sequence[float],
                           settings: StructureSettings,
                           species: Sequence[str] = ("Li", "P", "S", "Cl")) -> StructureAnalysis:
    """Feed every frame of a run (in time order) to a :class:`StructureAnalysis`.

    Raises
    ------
    ValueError
        If the number of frames differs from ``len(times_ps)``.
    """
    times = list(times_ps)
    ana = StructureAnalysis(settings, times[-1], species)
    ana.run(zip(frames, times))
    if ana.n_frames != len(times):
        raise ValueError(f"run_structure_analysis: {ana.n_frames} frames for {len(times)} times")
    return ana


#: Element colours (RGB in [0, 1]) of the ``element`` snapshot scheme.
ELEMENT_COLORS = {"Li": (0.55, 0.75, 0.95), "P": (0.95, 0.55, 0.15), "S": (0.95, 0.85, 0.20),
                  "Cl": (0.30, 0.80, 0.35), "Si": (0.55, 0.55, 0.75), "Na": (0.60, 0.40, 0.85),
                  "O": (0.90, 0.15, 0.15), "N": (0.20, 0.30, 0.90)}


def snapshot_labels(atoms: Atoms, scheme: str) -> np.ndarray:
    """Per-atom class labels of a labelled frame (``StructureAnalysis.first``/``last`` or the
    snapshots file) for the snapshot figures.

    Schemes: ``element`` (chemical symbol); ``li_ptm`` (PTM type of Li, paper 001 Fig. 2a;
    every other atom ``excluded``); ``phase`` (paper 004 Fig. 3: ``metal`` and ``electrolyte``
    by region, SEI anions ``crystalline`` (PTM fcc anion sublattice) or ``amorphous``, SEI Li
    ``amorphous`` unless a crystalline anion is within 3 Å).

    Returns
    -------
    numpy.ndarray
        (n_atoms,) str labels.

    Raises
    ------
    ValueError
        Unknown scheme, or a frame without the needed per-atom arrays.
    """
    sym = _symbols(atoms)
    if scheme == "element":
        return sym
    if scheme == "li_ptm":
        if "li_ptm" not in atoms.arrays:
            raise ValueError("snapshot_labels: frame has no 'li_ptm' array")
        return np.where(sym == "Li", atoms.arrays["li_ptm"].astype(str), "excluded")
    if scheme == "phase":
        for k in ("region", "anion_crystalline"):
            if k not in atoms.arrays:
                raise ValueError(f"snapshot_labels: frame has no {k!r} array")
        region = atoms.arrays["region"].astype(str)
        cryst = atoms.arrays["anion_crystalline"].astype(bool)
        labels = np.where(region == "metal", "metal",
                          np.where(region == "SSE", "electrolyte", "amorphous")).astype(object)
        labels[(region == "SEI") & cryst] = "crystalline"
        li_sei = (region == "SEI") & (sym == "Li")
        if li_sei.any() and cryst.any():
            i, j = neighbor_list("ij", atoms, 3.0)
            hit = li_sei[i] & cryst[j]
            labels[np.unique(i[hit])] = "crystalline"
        return labels.astype(str)
    raise ValueError(f"snapshot_labels: unknown scheme {scheme!r} (element, li_ptm, phase)")


#: Metal-region Li PTM fraction columns of the per-frame table -> PTM type.
METAL_LI_PTM_COLUMNS = {"li_metal_BCC": "BCC", "li_metal_HCP": "HCP", "li_metal_FCC": "FCC",
                        "li_metal_other": "other"}


def metal_li_ptm_long(frames: pd.DataFrame) -> pd.DataFrame:
    """Metal-region Li PTM fractions vs time in long form (paper 001 Fig. 2a, right panel).

    Parameters
    ----------
    frames
        Per-frame table of the structure analysis with ``time_ps`` (ps) and the columns of
        :data:`METAL_LI_PTM_COLUMNS` (fractions 0-1 of the metal-region Li).

    Returns
    -------
    pandas.DataFrame
        ``time_ps``, ``type`` (BCC, HCP, FCC, other) and ``fraction``, one block of rows
        per type in that order.

    Raises
    ------
    KeyError
        A column listed above is missing.
    """
    long = frames.melt(id_vars=["time_ps"], value_vars=list(METAL_LI_PTM_COLUMNS),
                       var_name="type", value_name="fraction")
    long["type"] = long["type"].map(METAL_LI_PTM_COLUMNS)
    return long
