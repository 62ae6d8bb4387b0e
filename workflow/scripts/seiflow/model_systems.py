"""Named initial-data / exploration systems of a study's model (DP-GEN ``sys_configs``).

A system name says where its cell comes from (config ``initial_data.systems``):

========================  =================================================================
``interface``             the study's Li | Li6PS5Cl cell (:func:`seiflow.structures.interface_from_config`)
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
========================  =================================================================
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
from ase import Atoms

#: Kinds of system taken from the output of another stage (file given by the workflow).
SOURCE_KINDS = ("glass", "slab", "iface")
#: Alkali species a vacancy is made in, in order of preference.
VACANCY_SPECIES = ("Li", "Na")


def parse_system_name(name: str) -> tuple[str, str]:
    """Kind and argument of a system name.

    Returns
    -------
    (kind, arg)
        kind is ``interface``, ``phase`` (arg: phase), ``vacancy`` (arg: phase), ``glass`` /
        ``slab`` (arg: composition name) or ``iface`` (arg: pairing id).

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
    if kind == "interface":
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
            if arg not in supercells:
                raise ValueError(f"{where}: system {name!r} needs supercells.{arg}")
            if kind == "vacancy" and not _phase_elements(arg) & set(VACANCY_SPECIES):
                raise ValueError(f"{where}: {name!r}: {arg} has no {VACANCY_SPECIES} to remove")
        elements = system_elements(name)
        if elements is not None and not elements <= set(type_map):
            raise ValueError(f"{where}: system {name!r} has {sorted(elements - set(type_map))}"
                             f" outside the model's type_map {list(type_map)}")


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


def read_source(path: str | Path) -> Atoms:
    """Final frame of another stage's extxyz (glass sample, glass slab, interface).

    Raises
    ------
    ValueError
        If the file is empty: e.g. a decomposition pairing with no coincidence cell within
        ``max_area_A2`` (recorded as unavailable), which cannot be an exploration system.
    """
    import ase.io

    path = Path(path)
    if not path.stat().st_size:
        raise ValueError(f"{path} is empty: that structure was not built (for an interface: "
                         "no coincidence cell; choose an available pairing)")
    atoms = ase.io.read(path, index=-1, format="extxyz")
    atoms.calc = None
    atoms.constraints = []
    return atoms


def build_system(name: str, structures: Mapping, supercells: Mapping[str, Sequence[int]],
                 sources: Mapping[str, str | Path], seed: int, interface=None) -> Atoms:
    """Cell of one named system (see the module docstring).

    Parameters
    ----------
    structures : mapping
        The ``structures`` config block (``resource_dir``, ``li_lattice_A``,
        ``s_cl_disorder``).
    supercells : mapping
        Repeats per bulk phase (``initial_data.supercells``).
    sources : mapping
        System name -> file of the glass / slab / iface systems.
    seed : int
        Seed of the S/Cl disorder and of the vacancy site.
    interface : callable or None
        ``interface() -> Atoms`` for the ``interface`` system.

    Raises
    ------
    ValueError
        Unknown kind, missing source file or an empty source.
    """
    from pymatgen.io.ase import AseAtomsAdaptor

    from seiflow.structures import bcc_li, disordered_lpsc_supercell, load_bulk

    kind, arg = parse_system_name(name)
    if kind == "interface":
        if interface is None:
            raise ValueError("system 'interface' needs the study's interface builder")
        return interface()
    if kind in SOURCE_KINDS:
        if name not in sources:
            raise ValueError(f"system {name!r}: no source file given")
        return read_source(sources[name])
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
