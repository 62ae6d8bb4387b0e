"""Li-metal | Li6PS5Cl-termination interfaces (paper 003 section 3.2.2, Tables 3-4, Figs 6, 7a).

Baer, Shantsila, Figiel, Karasulu, J. Mater. Chem. A (2026) -- paper 003.

Pipeline (pure functions; nothing is written here):

1. :func:`metal_slab` -- bcc Li slab of a Miller plane from the relaxed Li bulk
   (pymatgen ``SlabGenerator``), returned as in-plane fractional coordinates + heights.
2. :func:`match_metal_to_termination` -- lowest-mismatch coincidence supercell of the Li
   plane (film) and the Li6PS5Cl slab cell (substrate), pymatgen ``ZSLGenerator`` via
   :func:`seiflow.builders.metal_binary.best_zsl_match`, with an area limit.  The strain is put on the
   metal (the Li6PS5Cl slab keeps its relaxed in-plane cell; paper 003 instead averaged
   the two cells, which splits the strain between both -- here the electrolyte, whose
   slab comes from the terminations stage, stays unstrained so E_str(LPSC) = 0).
3. :func:`stack_interface` -- periodic LPSC | Li | (LPSC image) cell, two equal
   interfaces per cell, gap ``gap_A`` on each side, no vacuum.
4. Energetics: :func:`interface_energy_J_m2` (paper 003 eq 9, with eqs 5-8 mu via the
   Li3P/Li2S/LiCl decomposition of :func:`seiflow.builders.terminations.decompose_composition`),
   :func:`slab_strain_energy_J_m2` (eq 12) and eq 10-11 in :func:`interface_study`.
5. :func:`partial_rdf` -- P-S / Li-P partial RDFs (ASE neighbour list) before/after the
   relaxation (Fig 7a).

Units: Å, eV, Å^2, J/m^2 (eV/nm^2 alongside: 1 eV/nm^2 = 0.1602 J/m^2).
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import numpy as np
from ase import Atoms
from ase.build import make_supercell

from seiflow.builders.terminations import (
    EV_PER_A2_IN_J_PER_M2,
    EV_PER_NM2_IN_J_PER_M2,
    EXCESS_COMPOUNDS,
    decompose_composition,
    formal_charge,
    relax_slab,
)

__all__ = [
    "TerminationInterfaceError",
    "inplane_vectors",
    "metal_slab",
    "match_metal_to_termination",
    "place_slab",
    "stack_interface",
    "interface_energy_J_m2",
    "slab_strain_energy_J_m2",
    "partial_rdf",
    "interface_study",
    "check_termination_interfaces_config",
    "tab3_frame",
    "tab4_interfaces_frame",
    "fig6_table",
    "rdf_frame",
    "md_cell_from_interface",
]


class TerminationInterfaceError(ValueError):
    """Bad input to the Li | termination interface workflow."""


def _finite_pos(name: str, v) -> float:
    try:
        f = float(v)
    except (TypeError, ValueError) as err:
        raise TerminationInterfaceError(f"{name} must be a number, got {v!r}") from err
    if not (math.isfinite(f) and f > 0):
        raise TerminationInterfaceError(f"{name} must be positive and finite, got {v!r}")
    return f


# --------------------------------------------------------------------------- #
# Geometry
# --------------------------------------------------------------------------- #
def inplane_vectors(atoms: Atoms) -> np.ndarray:
    """In-plane lattice vectors a, b of a slab, shape (2, 3) (Å).

    Raises
    ------
    TerminationInterfaceError
        Not an Atoms, or collinear/zero a and b.
    """
    if not isinstance(atoms, Atoms):
        raise TerminationInterfaceError(f"expected ase.Atoms, got {type(atoms).__name__}")
    ab = np.array(atoms.cell.array[:2], dtype=float)
    if np.linalg.norm(np.cross(ab[0], ab[1])) < 1e-6:
        raise TerminationInterfaceError("slab cell vectors a and b are collinear or zero")
    return ab


def _frac_heights(atoms: Atoms) -> tuple[np.ndarray, np.ndarray]:
    """In-plane fractional coordinates (N, 2) w.r.t. a, b and heights (N,) along a x b (Å)."""
    ab = inplane_vectors(atoms)
    n = np.cross(ab[0], ab[1])
    n /= np.linalg.norm(n)
    basis = np.array([ab[0], ab[1], n]).T
    coef = np.linalg.solve(basis, atoms.positions.T).T
    return coef[:, :2] % 1.0, coef[:, 2]


def _canonical_ab(ab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """a along x, b in the xy plane (same lengths and angle), shape (2, 3) each."""
    la, lb = np.linalg.norm(ab, axis=1)
    cg = float(np.dot(ab[0], ab[1]) / (la * lb))
    g = math.acos(max(-1.0, min(1.0, cg)))
    return np.array([la, 0, 0.0]), np.array([lb * math.cos(g), lb * math.sin(g), 0.0])


def place_slab(species: Sequence[str], frac_ab: np.ndarray, heights_A: np.ndarray,
               a_vec: np.ndarray, b_vec: np.ndarray, c_A: float, z0_A: float = 0.0) -> Atoms:
    """Slab atoms at r = f1 a + f2 b + (h - min h + z0) z in the cell (a, b, c_A z).

    This is how the strain is applied: the fractional in-plane coordinates are kept and
    the in-plane cell is replaced by (a, b) (homogeneous in-plane strain, heights kept).

    Parameters
    ----------
    species : length N; frac_ab : (N, 2); heights_A : (N,) Å; a_vec, b_vec : (3,) with
    zero z component; c_A : cell height (Å, > 0); z0_A : height of the lowest atom (Å).

    Raises
    ------
    TerminationInterfaceError
        Shape mismatch, a/b out of the xy plane, or the slab taller than ``c_A``.
    """
    frac_ab = np.asarray(frac_ab, float)
    h = np.asarray(heights_A, float)
    if frac_ab.shape != (len(species), 2) or h.shape != (len(species),) or not len(species):
        raise TerminationInterfaceError("place_slab: species, frac_ab (N, 2), heights (N,)")
    if abs(a_vec[2]) > 1e-9 or abs(b_vec[2]) > 1e-9:
        raise TerminationInterfaceError("place_slab: a and b must lie in the xy plane")
    c_A = _finite_pos("c_A", c_A)
    z = h - h.min() + z0_A
    if z.max() > c_A:
        raise TerminationInterfaceError(f"slab ({z.max():.2f} Å) does not fit in c = {c_A} Å")
    pos = frac_ab[:, :1] * a_vec + frac_ab[:, 1:] * b_vec + np.outer(z, [0, 0, 1.0])
    return Atoms(list(species), positions=pos, cell=[a_vec, b_vec, [0, 0, c_A]], pbc=True)


def metal_slab(metal_bulk: Atoms, miller: Sequence[int], min_slab_A: float,
               vacuum_A: float = 10.0) -> Atoms:
    """bcc-Li slab of plane ``miller`` from the relaxed bulk (pymatgen ``SlabGenerator``).

    Returns
    -------
    ase.Atoms
        Slab in the canonical frame (a along x, b in xy, c along z, ``vacuum_A`` of vacuum),
        thickness >= ``min_slab_A``; the first of pymatgen's terminations (for an
        elemental bcc crystal all terminations of a plane are equivalent).

    Raises
    ------
    TerminationInterfaceError
        Bad Miller index or non-positive sizes.
    """
    from pymatgen.core.surface import SlabGenerator
    from pymatgen.io.ase import AseAtomsAdaptor

    hkl = tuple(int(i) for i in miller)
    if len(hkl) != 3 or hkl == (0, 0, 0) or math.gcd(*hkl) != 1:
        raise TerminationInterfaceError(f"bad metal Miller index {miller!r}")
    _finite_pos("min_slab_A", min_slab_A)
    _finite_pos("vacuum_A", vacuum_A)
    gen = SlabGenerator(AseAtomsAdaptor.get_structure(metal_bulk), hkl, float(min_slab_A),
                        float(vacuum_A), center_slab=True, primitive=True, reorient_lattice=True)
    slab = AseAtomsAdaptor.get_atoms(gen.get_slabs()[0])
    f, h = _frac_heights(slab)
    a, b = _canonical_ab(inplane_vectors(slab))
    out = place_slab(slab.get_chemical_symbols(), f, h, a, b,
                     float(h.max() - h.min()) + float(vacuum_A), 0.5 * float(vacuum_A))
    out.info["miller"] = "".join(str(i) for i in hkl)
    return out


def match_metal_to_termination(metal: Atoms, lpsc_slab: Atoms, max_area_A2: float,
                               max_length_tol: float, max_angle_tol: float,
                               max_area_ratio_tol: float) -> dict[str, Any]:
    """Lowest-mismatch coincidence supercell, strain on the metal (pymatgen ``ZSLGenerator``).

    Returns
    -------
    dict
        :func:`seiflow.builders.metal_binary.best_zsl_match` (``mismatch_percent`` = largest principal
        strain of the metal, %, ``strain_u_percent``, ``area_A2`` ...) plus
        ``metal_transform`` / ``lpsc_transform``: (2, 2) integer matrices taking the slab
        cells' a, b to the matched supercell vectors.

    Raises
    ------
    seiflow.builders.metal_binary.InterfaceUnavailable
        No match within ``max_area_A2`` and the tolerances.
    """
    from pymatgen.analysis.interfaces.coherent_interfaces import get_2d_transform

    from seiflow.builders.metal_binary import best_zsl_match

    fm, fs = inplane_vectors(metal), inplane_vectors(lpsc_slab)
    m = best_zsl_match(fm, fs, max_area_A2, max_length_tol, max_angle_tol, max_area_ratio_tol)
    tm = get_2d_transform(fm, np.asarray(m["match"].film_sl_vectors))
    ts = get_2d_transform(fs, np.asarray(m["match"].substrate_sl_vectors))
    m["metal_transform"] = np.rint(tm).astype(int).tolist()
    m["lpsc_transform"] = np.rint(ts).astype(int).tolist()
    return m


def _supercell_fh(atoms: Atoms, t2: Sequence[Sequence[int]]):
    """Species, in-plane fractions (w.r.t. the supercell) and heights of an in-plane supercell."""
    t = np.eye(3, dtype=int)
    t[:2, :2] = np.asarray(t2, dtype=int)
    if abs(round(np.linalg.det(t))) < 1:
        raise TerminationInterfaceError(f"singular supercell transform {t2!r}")
    sc = make_supercell(atoms, t, wrap=True)
    f, h = _frac_heights(sc)
    return sc.get_chemical_symbols(), f, h, inplane_vectors(sc)


def stack_interface(metal: Atoms, lpsc_slab: Atoms, match: Mapping[str, Any],
                    gap_A: float) -> tuple[Atoms, Atoms, Atoms]:
    """Periodic LPSC | Li cell (two equal interfaces per cell), the metal strained.

    Parameters
    ----------
    metal, lpsc_slab
        Slabs (a, b in plane); ``match`` from :func:`match_metal_to_termination`.
    gap_A
        Distance along z between the outermost atoms of the two slabs, both sides (Å).

    Returns
    -------
    (interface, strained_metal, lpsc_supercell)
        ``interface``: ase.Atoms, tags 0 = Li6PS5Cl, 1 = metal, c = t_LPSC + t_Li + 2 gap;
        ``strained_metal``: the metal alone in the interface's a, b (vacuum = the LPSC
        part), for E_str (eq 12); ``lpsc_supercell``: the LPSC slab in the interface's
        a, b (unstrained) with the same vacuum as the interface cell's metal part.

    Raises
    ------
    TerminationInterfaceError
        Non-positive gap, singular transforms.
    """
    gap = _finite_pos("gap_A", gap_A)
    s_sp, s_f, s_h, s_ab = _supercell_fh(lpsc_slab, match["lpsc_transform"])
    m_sp, m_f, m_h, _ = _supercell_fh(metal, match["metal_transform"])
    a, b = _canonical_ab(s_ab)
    t_s, t_m = float(np.ptp(s_h)), float(np.ptp(m_h))
    c = t_s + t_m + 2 * gap
    lp = place_slab(s_sp, s_f, s_h, a, b, c, 0.0)
    me = place_slab(m_sp, m_f, m_h, a, b, c, t_s + gap)
    iface = lp + me
    iface.set_tags([0] * len(lp) + [1] * len(me))
    return iface, me, lp


# --------------------------------------------------------------------------- #
# Energetics
# --------------------------------------------------------------------------- #
def interface_energy_J_m2(interface_energy_eV: float, lpsc_part: Atoms, n_metal: int,
                          metal_energy_per_atom_eV: float,
                          energies_per_fu_eV: Mapping[str, float], area_A2: float) -> float:
    """gamma_inter of a periodic cell with two interfaces (paper 003 eq 9).

    gamma_inter = [E_total - N_Li E_Li(bcc) - N_fu E(Li6PS5Cl) - sum_i n_i E(i)] / 2A,
    where the electrolyte part Li_a P_b S_c Cl_d = N_fu Li6PS5Cl + sum_i n_i i
    (i in Li3P, Li2S, LiCl: :func:`seiflow.builders.terminations.decompose_composition`), which is
    eq 9's E_bulk2 + sum_i n_i mu_i with mu from eqs 5-8.

    Parameters
    ----------
    interface_energy_eV : E_total (eV); lpsc_part : the electrolyte atoms (composition
    only); n_metal : Li-metal atoms; metal_energy_per_atom_eV : eV/atom of bcc Li;
    energies_per_fu_eV : Li6PS5Cl, Li3P, Li2S, LiCl (eV/f.u.); area_A2 : A (Å^2).

    Returns
    -------
    float, J/m^2.

    Raises
    ------
    TerminationInterfaceError
        Non-finite energies, non-positive area, negative atom count, missing compound.
    """
    _finite_pos("area_A2", area_A2)
    if not all(math.isfinite(float(v)) for v in (interface_energy_eV, metal_energy_per_atom_eV)):
        raise TerminationInterfaceError("interface energies must be finite")
    if int(n_metal) != n_metal or n_metal < 0:
        raise TerminationInterfaceError(f"n_metal must be a non-negative integer: {n_metal!r}")
    missing = [k for k in ("Li6PS5Cl", *EXCESS_COMPOUNDS) if k not in energies_per_fu_eV]
    if missing:
        raise TerminationInterfaceError(f"energies_per_fu_eV misses {missing}")
    dec = decompose_composition(lpsc_part)
    ref = dec.pop("Li6PS5Cl") * float(energies_per_fu_eV["Li6PS5Cl"])
    ref += sum(n * float(energies_per_fu_eV[k]) for k, n in dec.items())
    ref += n_metal * float(metal_energy_per_atom_eV)
    return float((interface_energy_eV - ref) / (2.0 * area_A2) * EV_PER_A2_IN_J_PER_M2)


def slab_strain_energy_J_m2(strained_energy_eV: float, relaxed_energy_eV: float,
                            area_A2: float) -> float:
    """E_slab^str = (E_strained - E_relaxed) / 2A (paper 003 eq 12), J/m^2.

    Raises
    ------
    TerminationInterfaceError
        Non-finite energies or non-positive area.
    """
    _finite_pos("area_A2", area_A2)
    if not (math.isfinite(strained_energy_eV) and math.isfinite(relaxed_energy_eV)):
        raise TerminationInterfaceError("slab energies must be finite")
    return float((strained_energy_eV - relaxed_energy_eV) / (2.0 * area_A2)
                 * EV_PER_A2_IN_J_PER_M2)


def partial_rdf(atoms: Atoms, a: str, b: str, r_max_A: float = 4.0,
                n_bins: int = 80) -> tuple[np.ndarray, np.ndarray]:
    """Partial RDF g_ab(r) of a periodic cell (ASE ``neighbor_list``).

    g_ab(r) = V / (N_a N_b) * n_ab(r) / (4 pi r^2 dr), n_ab = ordered (i in a, j in b)
    pairs in the shell (standard definition; paper 003 used a 4 Å cutoff).

    Returns
    -------
    (r_A, g) : two (n_bins,) arrays, bin centres (Å) and g(r) (dimensionless).

    Raises
    ------
    TerminationInterfaceError
        Element absent, non-positive r_max/n_bins, zero cell volume.
    """
    from ase.neighborlist import neighbor_list

    r_max = _finite_pos("r_max_A", r_max_A)
    if int(n_bins) != n_bins or n_bins < 1:
        raise TerminationInterfaceError(f"n_bins must be a positive integer, got {n_bins!r}")
    sym = np.array(atoms.get_chemical_symbols())
    na, nb = int((sym == a).sum()), int((sym == b).sum())
    if na == 0 or nb == 0:
        raise TerminationInterfaceError(f"partial_rdf: no {a} or no {b} atom")
    vol = abs(atoms.cell.volume)
    if not vol > 0:
        raise TerminationInterfaceError("partial_rdf needs a 3D periodic cell (volume > 0)")
    i, j, d = neighbor_list("ijd", atoms, r_max)
    d = d[(sym[i] == a) & (sym[j] == b)]
    edges = np.linspace(0.0, r_max, int(n_bins) + 1)
    counts, _ = np.histogram(d, bins=edges)
    shell = 4.0 / 3.0 * np.pi * (edges[1:] ** 3 - edges[:-1] ** 3)
    return 0.5 * (edges[1:] + edges[:-1]), counts * vol / (na * nb * shell)


# --------------------------------------------------------------------------- #
# The study
# --------------------------------------------------------------------------- #
def _relax(atoms, calc, steps, fmax):
    return relax_slab(atoms, calc, steps, fmax, symprec=None)


def interface_study(charged: Sequence[Atoms], balanced: Sequence[Atoms], metal_bulk: Atoms,
                    metal_energy_per_atom_eV: float, energies_per_fu_eV: Mapping[str, float],
                    calculator, settings: Mapping[str, Any],
                    scale_settings: Mapping[str, Any], gap_A: float):
    """Interfaces of the ``n_interfaces`` lowest-gamma terminations with Li metal.

    For each termination (charged slab, rank order, and its charge-balanced slab), the Li
    plane of ``settings["metal_millers"]`` with the lowest mismatch is chosen; both
    interfaces (charged / neutral) are built on the same match, relaxed (fixed cell, FIRE,
    ``relax_steps``/``fmax_eV_A``) and gamma_inter (eq 9), E_str (eqs 11-12; metal: strained
    vs unstrained Li slab, each relaxed the same way; LPSC: 0, unstrained) and
    gamma_inter^min = gamma_inter - E_str (eq 10) are computed.

    Returns
    -------
    (records, frames)
        ``records``: one dict per (termination, charge state); ``frames``: ase.Atoms of
        each interface before and after relaxation (``info``: id, state, stage).

    Raises
    ------
    TerminationInterfaceError
        No charged slab, or a requested termination without a balanced slab.
    """
    n = int(scale_settings["n_interfaces"])
    if not charged:
        raise TerminationInterfaceError("no termination slabs")
    steps, fmax = int(scale_settings["relax_steps"]), float(scale_settings["fmax_eV_A"])
    by_id = {str(b.info["termination_id"]): b for b in balanced}
    ranked = sorted(charged, key=lambda s: int(s.info["rank"]))[:n]
    metals = {"".join(map(str, m)): metal_slab(metal_bulk, m, scale_settings["metal_min_slab_A"],
                                                settings["vacuum_A"])
              for m in settings["metal_millers"]}
    records, frames = [], []
    for slab in ranked:
        tid = str(slab.info["termination_id"])
        best = None
        for key, met in metals.items():
            try:
                mt = match_metal_to_termination(
                    met, slab, scale_settings["max_area_A2"], settings["max_length_tol"],
                    settings["max_angle_tol"], settings["max_area_ratio_tol"])
            except ValueError:
                continue
            if best is None or mt["mismatch_percent"] < best[1]["mismatch_percent"] - 1e-9:
                best = (key, mt)
        if best is None:
            print(f"termination {tid}: no Li plane within max_area_A2/tolerances; skipped")
            continue
        mkey, mt = best
        lm = "(" + str(slab.info.get("miller", "")).strip("()") + ")"
        states = [("charged", slab)]
        if tid in by_id:
            states.append(("neutral", by_id[tid]))
        for state, s in states:
            iface, strained, lp = stack_interface(metals[mkey], s, mt, gap_A)
            area = float(np.linalg.norm(np.cross(iface.cell[0], iface.cell[1])))
            # eq 12 for the metal: strained vs unstrained slab, same vacuum, same relaxation
            t = np.eye(3, dtype=int)
            t[:2, :2] = mt["metal_transform"]
            unstr = make_supercell(metals[mkey], t)
            vac_cell = strained.cell.array.copy()
            vac_cell[2, 2] = float(np.ptp(strained.positions[:, 2])) + settings["vacuum_A"]
            strained.set_cell(vac_cell)
            e_str_m = _relax(strained, calculator, steps, fmax).energy_eV
            e_rel_m = _relax(unstr, calculator, steps, fmax).energy_eV
            estr_metal = slab_strain_energy_J_m2(e_str_m, e_rel_m, area)
            res = _relax(iface, calculator, steps, fmax)
            lpsc_part = iface[[k for k, tg in enumerate(iface.get_tags()) if tg == 0]]
            n_metal = int((iface.get_tags() == 1).sum())
            g = interface_energy_J_m2(res.energy_eV, lpsc_part, n_metal,
                                      metal_energy_per_atom_eV, energies_per_fu_eV, area)
            rec = {
                "termination_id": tid, "rank": int(slab.info["rank"]),
                "lpsc_miller": lm,
                "termination": str(slab.info.get("termination", "")), "state": state,
                "metal_miller": f"({mkey})", "interface": f"({mkey})/{lm}",
                "mismatch_percent": mt["mismatch_percent"],
                "strain_u_percent": mt["strain_u_percent"],
                "strain_v_percent": mt["strain_v_percent"],
                "metal_transform": mt["metal_transform"], "lpsc_transform": mt["lpsc_transform"],
                "area_A2": area, "n_metal": n_metal, "n_lpsc": len(lpsc_part),
                "formal_charge_e": formal_charge(lpsc_part),
                "energy_eV": res.energy_eV, "relax_steps": res.n_steps,
                "fmax_final_eV_A": res.fmax_eV_A,
                "E_str_metal_J_m2": estr_metal, "E_str_lpsc_J_m2": 0.0,
                "E_str_J_m2": estr_metal,
                "gamma_inter_J_m2": g, "gamma_inter_min_J_m2": g - estr_metal,
            }
            for k in ("E_str_metal", "E_str_lpsc", "E_str", "gamma_inter", "gamma_inter_min"):
                rec[f"{k}_eV_nm2"] = rec[f"{k}_J_m2"] / EV_PER_NM2_IN_J_PER_M2
            records.append(rec)
            for stage, at in (("before", iface), ("after", res.atoms)):
                fr = at.copy()
                fr.info = {"termination_id": tid, "state": state, "stage": stage,
                           "interface": rec["interface"]}
                frames.append(fr)
            print(rec)
    if not records:
        raise TerminationInterfaceError("no interface could be built (raise max_area_A2?)")
    return records, frames


def check_termination_interfaces_config(cfg: Mapping[str, Any]) -> None:
    """Cross-key checks of ``termination_interfaces`` and ``scales.*.termination_interfaces``.

    Rejects (ValueError naming the key): ``n_interfaces`` above
    ``scales.<s>.terminations.n_balanced`` (the neutral interfaces need balanced slabs);
    duplicate or non-reduced ``metal_millers``; ``rdf_r_max_A`` < ``rdf_bin_A``.
    """
    t = cfg["termination_interfaces"]
    millers = [tuple(m) for m in t["metal_millers"]]
    if len(set(millers)) != len(millers):
        raise ValueError("termination_interfaces.metal_millers: duplicates")
    for m in millers:
        if m == (0, 0, 0) or math.gcd(*m) != 1:
            raise ValueError(f"termination_interfaces.metal_millers: {m} not a reduced index")
    if t["rdf_r_max_A"] < t["rdf_bin_A"]:
        raise ValueError("termination_interfaces.rdf_r_max_A must be >= rdf_bin_A")
    for name, block in cfg["scales"].items():
        n = block["termination_interfaces"]["n_interfaces"]
        nb = block["terminations"]["n_balanced"]
        if n > nb:
            raise ValueError(f"scales.{name}.termination_interfaces.n_interfaces ({n}) exceeds "
                             f"scales.{name}.terminations.n_balanced ({nb})")


# --------------------------------------------------------------------------- #
# Tables and figures
# --------------------------------------------------------------------------- #
_TAB3 = ["rank", "interface", "termination", "state", "mismatch_percent", "area_A2",
         "n_metal", "n_lpsc", "E_str_lpsc_eV_nm2", "E_str_metal_eV_nm2", "E_str_eV_nm2",
         "gamma_inter_eV_nm2", "gamma_inter_min_eV_nm2"]


def _records_frame(records: Sequence[Mapping[str, Any]], func: str):
    """DataFrame of interface records; ValueError naming ``func`` when there are none."""
    import pandas as pd

    df = pd.DataFrame(list(records))
    if df.empty:
        raise ValueError(f"{func}: no records")
    return df


def tab3_frame(records: Sequence[Mapping[str, Any]]):
    """Table 3 (E_str per slab, eV/nm^2) with mismatch, for the neutral interfaces if any.

    Raises
    ------
    ValueError
        No records.
    """
    df = _records_frame(records, "tab3_frame")
    sel = df[df.state == "neutral"] if (df.state == "neutral").any() else df
    return sel[_TAB3].sort_values("rank").reset_index(drop=True)


def tab4_interfaces_frame(records: Sequence[Mapping[str, Any]]):
    """Table 4 (interface part): gamma_inter charged vs neutral (eV/nm^2), one row each.

    Raises
    ------
    ValueError
        No records.
    """
    df = _records_frame(records, "tab4_interfaces_frame")
    wide = df.pivot_table(index=["rank", "interface", "termination"], columns="state",
                          values="gamma_inter_eV_nm2", aggfunc="first").reset_index()
    for c in ("charged", "neutral"):
        if c not in wide.columns:
            wide[c] = np.nan
    wide = wide.rename(columns={"charged": "gamma_inter_charged_eV_nm2",
                                "neutral": "gamma_inter_neutral_eV_nm2"})
    wide.columns.name = None
    return wide.sort_values("rank").reset_index(drop=True)


def fig6_table(records: Sequence[Mapping[str, Any]]):
    """Data of the Fig 6 stand-in: gamma_inter and gamma_inter^min of every interface.

    Parameters
    ----------
    records
        Interface records of :func:`interface_study`.

    Returns
    -------
    pandas.DataFrame
        Columns ``rank``, ``interface``, ``termination``, ``state`` (charged / neutral),
        ``gamma_inter_eV_nm2`` (eV/nm^2, paper 003 eq 9), ``gamma_inter_min_eV_nm2``
        (gamma_inter - E_str, eq 10), ``mismatch_percent`` (%); one row per record.

    Raises
    ------
    ValueError
        No records.
    """
    df = _records_frame(records, "plot_fig6")
    return df[["rank", "interface", "termination", "state", "gamma_inter_eV_nm2",
               "gamma_inter_min_eV_nm2", "mismatch_percent"]].copy()


def rdf_frame(frames: Sequence[Atoms], r_max_A: float, bin_A: float):
    """Long DataFrame (interface, state, stage, pair, r_A, g) of P-S and Li-P RDFs.

    Raises
    ------
    TerminationInterfaceError
        Bad r_max/bin.
    """
    import pandas as pd

    n_bins = max(1, int(round(_finite_pos("r_max_A", r_max_A) / _finite_pos("bin_A", bin_A))))
    rows = []
    for fr in frames:
        for a, b in (("P", "S"), ("Li", "P")):
            r, g = partial_rdf(fr, a, b, r_max_A, n_bins)
            rows.append(pd.DataFrame({"interface": fr.info.get("interface"),
                                      "state": fr.info.get("state"),
                                      "stage": fr.info.get("stage"),
                                      "pair": f"{a}-{b}", "r_A": r, "g": g}))
    return pd.concat(rows, ignore_index=True)


def md_cell_from_interface(records: Sequence[Mapping[str, Any]], frames: Sequence[Atoms],
                           rank: int, state: str, in_plane_repeats: Sequence[int]):
    """Production-MD cell from one relaxed Li | termination interface (paper 003 Sec. 2.4).

    The relaxed ("after") periodic LPSC | Li cell of the interface of the given rank and
    state is repeated in plane and shifted along z so the electrolyte slab's centre of mass
    sits at fractional z = 0.5 (the convention of :func:`seiflow.analysis.sei_formation.sei_thickness`);
    the periodic cell then holds two Li | termination interfaces, one on each side of the
    electrolyte, like the 2220-2596-atom cells of paper 003.

    Parameters
    ----------
    records, frames
        Outputs of :func:`interface_study` (``interfaces.json`` records, ``interfaces.extxyz``
        frames with ``info`` keys termination_id/state/stage and tags 0 = LPSC, 1 = metal).
    rank
        Rank (1 = lowest gamma_surf) of the termination in ``records``.
    state
        ``"charged"`` or ``"neutral"`` (charge-balanced) termination.
    in_plane_repeats
        Two integers >= 1: repeats along a and b.

    Returns
    -------
    (ase.Atoms, dict)
        The cell (tags kept) and an info dict: ``n_atoms``, ``n_formula_units_lpsc`` (number of
        P, i.e. formula units for alpha), ``n_li_metal``, ``composition``, ``termination_id``,
        ``interface``, ``state``, ``rank``, ``in_plane_repeats``, ``cell_lengths`` (Å),
        ``lpsc_slab_thickness`` (Å).

    Raises
    ------
    TerminationInterfaceError
        If no record or no relaxed frame matches ``rank``/``state``, or the repeats are invalid.
    """
    reps = [int(r) for r in in_plane_repeats]
    if len(reps) != 2 or min(reps) < 1:
        raise TerminationInterfaceError(f"in_plane_repeats must be two integers >= 1, got {reps}")
    match = [r for r in records if int(r["rank"]) == int(rank) and r["state"] == state]
    if not match:
        have = sorted({(int(r["rank"]), r["state"]) for r in records})
        raise TerminationInterfaceError(f"no interface of rank {rank} and state {state!r}; "
                                        f"available (rank, state): {have}")
    rec = match[0]
    relaxed = [f for f in frames if f.info.get("termination_id") == rec["termination_id"]
               and f.info.get("state") == state and f.info.get("stage") == "after"]
    if not relaxed:
        raise TerminationInterfaceError(f"no relaxed frame of {rec['termination_id']} ({state})")
    atoms = relaxed[0].repeat((reps[0], reps[1], 1))
    lpsc = atoms.get_tags() == 0
    h = atoms.cell[2, 2]
    # circular mean of the electrolyte's fractional z (robust to wrapping at the boundary)
    u = atoms.get_scaled_positions(wrap=True)[lpsc, 2]
    centre = (np.angle(np.exp(2j * np.pi * u).mean()) / (2 * np.pi)) % 1.0
    atoms.positions[:, 2] += (0.5 - centre) * h
    atoms.wrap()
    z_lpsc = atoms.positions[lpsc, 2]
    symbols = atoms.get_chemical_symbols()
    info = {
        "n_atoms": len(atoms),
        "n_formula_units_lpsc": int(sum(1 for s in symbols if s == "P")),
        "n_li_metal": int((~lpsc).sum()),
        "composition": {e: symbols.count(e) for e in dict.fromkeys(symbols)},
        "termination_id": rec["termination_id"],
        "interface": rec["interface"],
        "state": state,
        "rank": int(rank),
        "in_plane_repeats": reps,
        "cell_lengths": [float(x) for x in atoms.cell.lengths()],
        "lpsc_slab_thickness": float(z_lpsc.max() - z_lpsc.min()),
    }
    return atoms, info
