"""Named initial-data / exploration systems of a study's model (DP-GEN ``sys_configs``).

A system name says where its cell comes from (config ``initial_data.systems``):

========================  =================================================================
``interface``             the study's Li | Li6PS5Cl cell (:func:`seiflow.builders.cells.interface_from_config`)
``Li``                    bcc Li with ``structures.li_lattice_A``
``Li6PS5Cl``              explicit S/Cl-disordered argyrodite (paper 001 Methods)
``Li6PS5Cl_ordered``      the ordered argyrodite (no S/Cl exchange; paper 003 Fig 4)
``<phase>``               bulk phase of ``structures.resource_dir`` (``<phase>.cif``), repeated
``<phase>_vac``           the same supercell with one alkali (Li, else Na) removed: the
                          vacancy-mediated diffusion data of paper 002 (bulk binaries with and
                          without a Li vacancy)
``glass_<composition>``   melt-quenched glass sample 0 of that composition (glass stage, paper 000)
``slab_<composition>``    Li | glass slab of that composition (glass stage, paper 000)
``iface_<pairing id>``    relaxed metal | binary interface (decomposition stage, paper 002)
``iface_<pairing>_vac``   the same interface with Li vacancies in the interface region
                          (:func:`interface_vacancy_cell`; paper 002 Fig. 4, ≈1.1 %)
``hull_<ordering id>``    an oracle-relaxed Li2S0.75P0.125Cl0.125 ordering of the hull stage
                          (``o0``, ``o1``, ...; paper 001 Fig. S15 supercells)
========================  =================================================================

A system built from another stage's file (glass, slab, iface, hull) is repeated by
``supercells[<system name>]`` when that entry exists (e.g. an in-plane interface supercell).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
from ase import Atoms

#: Kinds of system taken from the output of another stage (file given by the workflow).
SOURCE_KINDS = ("glass", "slab", "iface", "hull")
#: Alkali species a vacancy is made in, in order of preference.
VACANCY_SPECIES = ("Li", "Na")


def parse_system_name(name: str) -> tuple[str, str]:
    """Kind and argument of a system name.

    Returns
    -------
    (kind, arg)
        kind is ``interface``, ``phase`` (arg: phase), ``vacancy`` (arg: phase), ``glass`` /
        ``slab`` (arg: composition name), ``iface`` (arg: pairing id, with a ``_vac``
        suffix for the interface-vacancy cell) or ``hull`` (arg: ordering id).

    Raises
    ------
    ValueError
        If a source kind has no argument (``"glass_"``).
    """
    if name == "interface":
        return "interface", ""
    kind, sep, rest = name.partition("_")
    if kind in SOURCE_KINDS:
        if not rest:
            raise ValueError(f"system {name!r}: {kind}_<name> needs a name after '_'")
        return kind, rest
    if name.endswith("_vac"):
        return "vacancy", name[: -len("_vac")]
    if name == "Li6PS5Cl_ordered":
        return "ordered", "Li6PS5Cl"
    if sep:
        raise ValueError(f"system {name!r}: unknown kind {kind!r} (use {SOURCE_KINDS} or _vac)")
    return "phase", name


def _phase_elements(phase: str) -> set[str]:
    from pymatgen.core import Composition

    return {el.symbol for el in Composition(phase).elements}


def system_elements(name: str) -> set[str] | None:
    """Elements of a system from its name (None for glass samples/slabs: composition names).

    ``iface_<metal>_<hkl>__<binary>_<hkl>`` gives the metal's and the binary's elements.
    """
    kind, arg = parse_system_name(name)
    if kind in ("interface", "hull"):
        return {"Li", "P", "S", "Cl"}
    if kind in ("phase", "vacancy", "ordered"):
        return _phase_elements(arg)
    if kind == "iface":
        metal, _, binary = arg.partition("__")
        return _phase_elements(metal.split("_")[0]) | _phase_elements(binary.split("_")[0])
    return None


def check_system_names(systems: Sequence[str], type_map: Sequence[str],
                       supercells: Mapping[str, Sequence[int]], resource_dir: str | Path,
                       where: str = "initial_data") -> None:
    """Fail before any job on systems the model stage cannot build or type.

    Raises
    ------
    ValueError
        If a bulk phase has no CIF in ``resource_dir`` (bcc Li is built, not read) or no
        ``supercells`` entry, a vacancy phase has no Li or Na, or a system holds an element
        outside ``type_map``.
    """
    resource_dir = Path(resource_dir)
    for name in systems:
        kind, arg = parse_system_name(name)
        if kind in ("phase", "vacancy", "ordered"):
            if arg != "Li" and not (resource_dir / f"{arg}.cif").is_file():
                raise ValueError(f"{where}: system {name!r} needs {resource_dir / arg}.cif")
            if arg != "Li":
                _check_cif_readable(resource_dir / f"{arg}.cif", f"{where}: system {name!r}")
            if arg not in supercells:
                raise ValueError(f"{where}: system {name!r} needs supercells.{arg}")
            if kind == "vacancy" and not _phase_elements(arg) & set(VACANCY_SPECIES):
                raise ValueError(f"{where}: {name!r}: {arg} has no {VACANCY_SPECIES} to remove")
        elements = system_elements(name)
        if elements is not None and not elements <= set(type_map):
            raise ValueError(f"{where}: system {name!r} has {sorted(elements - set(type_map))}"
                             f" outside the model's type_map {list(type_map)}")


@functools.lru_cache(maxsize=None)
def _cif_problem(path: Path, mtime_ns: int) -> str | None:
    """Why ``path`` cannot be read as a CIF (None when it can); cached per file version."""
    from seiflow.builders.cells import StructureValidationError, read_cif

    try:
        read_cif(path)
    except StructureValidationError as err:
        return str(err)
    return None


def _check_cif_readable(path: Path, where: str) -> None:
    """Refuse a truncated / malformed CIF at parse time, naming the file and the system."""
    problem = _cif_problem(path, path.stat().st_mtime_ns)
    if problem is not None:
        raise ValueError(f"{where}: {problem}")


def vacancy_cell(atoms: Atoms, seed: int) -> tuple[Atoms, int]:
    """Copy of ``atoms`` with one alkali atom (Li, else Na) removed at a seeded random site.

    Returns
    -------
    (Atoms, int)
        The defective cell (N - 1 atoms) and the index removed from ``atoms``.

    Raises
    ------
    ValueError
        If the cell holds neither Li nor Na.
    """
    symbols = np.array(atoms.get_chemical_symbols())
    for species in VACANCY_SPECIES:
        candidates = np.flatnonzero(symbols == species)
        if candidates.size:
            break
    else:
        raise ValueError(f"{atoms.get_chemical_formula()}: no {VACANCY_SPECIES} for a vacancy")
    removed = int(np.random.default_rng(seed).choice(candidates))
    out = atoms.copy()
    del out[removed]
    return out, removed


def read_source(path: str | Path, ordering: str | None = None) -> Atoms:
    """Final frame of another stage's extxyz (glass sample, glass slab, interface), or the
    frame whose ``info["ordering"]`` is ``ordering`` (hull orderings file).

    Raises
    ------
    ValueError
        If the file is empty: e.g. a decomposition pairing with no coincidence cell within
        ``max_area_A2`` (recorded as unavailable), which cannot be an exploration system;
        or if no frame has that ordering id.
    """
    import ase.io

    path = Path(path)
    if not path.stat().st_size:
        raise ValueError(f"{path} is empty: that structure was not built (for an interface: "
                         "no coincidence cell; choose an available pairing)")
    if ordering is None:
        atoms = ase.io.read(path, index=-1, format="extxyz")
    else:
        frames = ase.io.read(path, index=":", format="extxyz")
        ids = [f.info.get("ordering") for f in frames]
        if ordering not in ids:
            raise ValueError(f"{path}: no ordering {ordering!r} (there are {ids})")
        atoms = frames[ids.index(ordering)]
    atoms.calc = None
    atoms.constraints = []
    return atoms


def build_system(name: str, structures: Mapping, supercells: Mapping[str, Sequence[int]],
                 sources: Mapping[str, str | Path], seed: int, interface=None,
                 interface_vacancies: Mapping | None = None) -> Atoms:
    """Cell of one named system (see the module docstring).

    Parameters
    ----------
    structures : mapping
        The ``structures`` config block (``resource_dir``, ``li_lattice_A``,
        ``s_cl_disorder``).
    supercells : mapping
        Repeats per bulk phase (``initial_data.supercells``).
    sources : mapping
        System name -> file of the glass / slab / iface / hull systems.
    seed : int
        Seed of the S/Cl disorder and of the vacancy site.
    interface : callable or None
        ``interface() -> Atoms`` for the ``interface`` system.
    interface_vacancies : mapping or None
        ``fraction`` and ``region_A`` of :func:`interface_vacancy_cell`, for
        ``iface_<pairing>_vac`` systems (its counts go to ``atoms.info
        ["interface_vacancies"]``).

    Raises
    ------
    ValueError
        Unknown kind, missing source file or an empty source; an ``iface_*_vac`` system
        without ``interface_vacancies``.
    """
    from pymatgen.io.ase import AseAtomsAdaptor

    from seiflow.builders.cells import bcc_li, disordered_lpsc_supercell, load_bulk

    kind, arg = parse_system_name(name)
    if kind == "interface":
        if interface is None:
            raise ValueError("system 'interface' needs the study's interface builder")
        return interface()
    if kind in SOURCE_KINDS:
        if name not in sources:
            raise ValueError(f"system {name!r}: no source file given")
        atoms = read_source(sources[name], ordering=arg if kind == "hull" else None)
        if name in supercells:
            atoms = atoms.repeat(tuple(supercells[name]))
        if kind == "iface" and arg.endswith("_vac"):
            if interface_vacancies is None:
                raise ValueError(f"system {name!r} needs interface_vacancies "
                                 "(fraction, region_A)")
            atoms, vac = interface_vacancy_cell(atoms, interface_vacancies["fraction"],
                                                interface_vacancies["region_A"], seed)
            atoms.info["interface_vacancies"] = {k: v for k, v in vac.items()
                                                 if k != "removed"}
        return atoms
    rep = tuple(supercells[arg])
    res = structures["resource_dir"]
    if arg == "Li":
        atoms = bcc_li(structures["li_lattice_A"]).repeat(rep)
    elif arg == "Li6PS5Cl":
        disorder = 0.0 if kind == "ordered" else structures["s_cl_disorder"]
        atoms = disordered_lpsc_supercell(load_bulk("Li6PS5Cl", res), supercell=rep,
                                          s_cl_disorder=disorder, seed=seed)
    else:
        atoms = AseAtomsAdaptor.get_atoms(load_bulk(arg, res)).repeat(rep)
    if kind == "vacancy":
        atoms = vacancy_cell(atoms, seed)[0]
    return atoms


#: Tag of the metal-slab atoms in a metal | binary interface (seiflow.builders.metal_binary.build_interface).
METAL_TAG = 1


def interface_planes_z(atoms: Atoms) -> np.ndarray:
    """z (Å) of the metal | binary boundaries of a periodic two-slab interface cell.

    Atoms are sorted by z (periodic along c); a boundary lies midway between consecutive
    atoms whose tags differ (:data:`METAL_TAG` metal, 0 binary), the pair across the
    periodic boundary included.

    Parameters
    ----------
    atoms
        Interface cell with c along z (``seiflow.builders.metal_binary.build_interface`` output) and
        its tags.

    Returns
    -------
    array, shape (n_planes,), Å
        Boundary positions in [0, c_z); a periodic cell has an even number (2 for one metal
        and one binary slab).

    Raises
    ------
    ValueError
        If the cell has only one tag (not an interface) or c is not along z.
    """
    cell = atoms.cell.array
    if np.abs(cell[2, :2]).max() > 1e-6 or np.abs(cell[:2, 2]).max() > 1e-6:
        raise ValueError("interface cell must have c along z and a, b in the xy plane")
    tags = atoms.get_tags()
    if len(set(tags.tolist())) < 2:
        raise ValueError("interface cell needs metal (tag 1) and binary (tag 0) atoms")
    cz = cell[2, 2]
    z = np.mod(atoms.positions[:, 2], cz)
    order = np.argsort(z, kind="stable")
    zs, ts = z[order], tags[order]
    nxt_z = np.roll(zs, -1)
    nxt_z[-1] += cz
    change = ts != np.roll(ts, -1)
    return np.sort(np.mod(0.5 * (zs + nxt_z)[change], cz))


def interface_region_mask(atoms: Atoms, region_A: float) -> np.ndarray:
    """Atoms within ``region_A`` (Å, along z, minimum image) of a metal | binary boundary
    (:func:`interface_planes_z`).

    Returns
    -------
    bool array, shape (n_atoms,)

    Raises
    ------
    ValueError
        ``region_A`` ≤ 0, or as :func:`interface_planes_z`.
    """
    if region_A <= 0:
        raise ValueError("region_A must be positive")
    planes = interface_planes_z(atoms)
    cz = atoms.cell.array[2, 2]
    dz = atoms.positions[:, 2][:, None] - planes[None, :]
    dz -= cz * np.rint(dz / cz)
    return np.abs(dz).min(1) < region_A


def interface_origins(atoms: Atoms) -> np.ndarray:
    """Origin of every atom of an interface cell: ``metal`` (tag 1) or ``binary`` (tag 0).

    Returns
    -------
    str array, shape (n_atoms,)
    """
    return np.where(atoms.get_tags() == METAL_TAG, "metal", "binary")


def interface_vacancy_cell(atoms: Atoms, fraction: float, region_A: float,
                           seed: int) -> tuple[Atoms, dict]:
    """Interface cell with Li vacancies in its interface region (paper 002 Fig. 4: ≈1.1 % Li
    vacancies in the interface region of the metal | binary interfaces).

    ``n = max(1, round(fraction · N_Li,region))`` Li atoms, drawn at random (seeded) among the
    Li within ``region_A`` of a boundary (:func:`interface_region_mask`), are removed; the
    order of the remaining atoms and their tags are kept.

    Parameters
    ----------
    atoms
        Interface cell with tags (1 metal, 0 binary).
    fraction
        Vacancy fraction of the interface-region Li sites, in (0, 1).
    region_A
        Half-width (Å) of the interface region.
    seed
        Seed of the vacancy sites.

    Returns
    -------
    (Atoms, dict)
        The defective cell and ``n_vacancies``, ``n_li_region`` (before removal),
        ``vacancy_fraction`` (n / N_Li,region), ``removed`` (indices into ``atoms``).

    Raises
    ------
    ValueError
        ``fraction`` outside (0, 1), no Li in the region, or as
        :func:`interface_region_mask`.
    """
    if not 0 < fraction < 1:
        raise ValueError("fraction must lie in (0, 1)")
    region = interface_region_mask(atoms, region_A)
    li = np.flatnonzero(region & (np.array(atoms.get_chemical_symbols()) == "Li"))
    if li.size == 0:
        raise ValueError(f"no Li within {region_A} Å of the interface")
    n = max(1, int(round(fraction * li.size)))
    removed = np.sort(np.random.default_rng(seed).choice(li, size=n, replace=False))
    out = atoms.copy()
    del out[removed.tolist()]
    return out, {"n_vacancies": int(n), "n_li_region": int(li.size),
                 "vacancy_fraction": n / li.size, "removed": removed.tolist()}
