"""DFT reference calculators ("oracles"): CP2K (runs here) and VASP (inputs only).

CP2K
    PBE + GTH pseudopotentials + DZVP-MOLOPT-SR-GTH basis, Gaussian and plane waves (GPW),
    Fermi-Dirac smearing with diagonalisation and Broyden mixing: Li/Na metal and its
    interfaces are metallic, so the orbital-transformation (OT) minimiser is not used. One
    :class:`CP2KSettings` drives both routes with the same physics:

    * DP-GEN ``fp_style: "cp2k"``: :func:`cp2k_fp_param` gives ``user_fp_params`` for
      ``dpgen.generator.lib.cp2k.make_cp2k_input``; DP-GEN runs :func:`cp2k_fp_command` in every
      task and reads ``output`` with dpdata (``cp2kdata/e_f``).
    * ASE: :func:`cp2k_calculator` (``ase.calculators.cp2k.CP2K`` over ``cp2k_shell``) for
      labelling initial data outside DP-GEN.

VASP
    Cannot run here (no binary, no POTCARs). :func:`write_vasp_inputs` writes INCAR, POSCAR,
    KPOINTS (Γ-only papers) and ``POTCAR.spec`` from pymatgen's ``MatPESStaticSet`` (the
    Materials Project's static set for MLIP training data) with the tags each paper reports
    (:data:`VASP_SETTINGS_BY_PAPER`); :func:`vasp_fp_param` and :func:`write_dpgen_incar` give
    DP-GEN's ``fp_style: "vasp"`` inputs, so a cluster user only points ``fp_pp_path`` at a
    PAW POTCAR folder (``potpaw_PBE``-style: ``<symbol>/POTCAR``).

References
----------
* T. D. Kühne et al., CP2K: An electronic structure and molecular dynamics software package,
  J. Chem. Phys. 152, 194103 (2020).
* J. VandeVondele, J. Hutter, Gaussian basis sets for accurate calculations on molecular systems
  in gas and condensed phases (MOLOPT), J. Chem. Phys. 127, 114105 (2007).
* S. Goedecker, M. Teter, J. Hutter, Phys. Rev. B 54, 1703 (1996); M. Krack, Theor. Chem. Acc.
  114, 145 (2005) (GTH pseudopotentials, PBE parametrisation).
* J. P. Perdew, K. Burke, M. Ernzerhof, Phys. Rev. Lett. 77, 3865 (1996) (PBE); J. P. Perdew et
  al., Phys. Rev. Lett. 100, 136406 (2008) (PBEsol).
* N. D. Mermin, Phys. Rev. 137, A1441 (1965) (finite-temperature (Fermi-Dirac) free energy).
* A. D. Kaplan et al., A foundational potential energy surface dataset for materials (MatPES),
  arXiv:2503.04070 (2025).
"""

from __future__ import annotations

import copy
import dataclasses
import os
import re
import shutil
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from seiflow.config.job_resources import mpi_command
from seiflow.oracle import OracleError

# --------------------------------------------------------------------------- #
# CP2K
# --------------------------------------------------------------------------- #
DEFAULT_CP2K_DATA_DIR = "/usr/share/cp2k"  # Debian's cp2k package


@dataclass(frozen=True)
class CP2KSettings:
    """Physics of the CP2K oracle (shared by the DP-GEN and the ASE route).

    Attributes
    ----------
    xc : str
        CP2K ``XC_FUNCTIONAL`` section name (``"PBE"``).
    basis_set, pseudopotential : str
        ``KIND`` basis and ``POTENTIAL`` names as they appear (possibly as alias) on the
        element's header line of ``basis_set_file`` / ``potential_file``.
    basis_set_file, potential_file : str
        File names inside :attr:`resolved_data_dir`.
    cutoff_Ry, rel_cutoff_Ry : float
        ``MGRID`` plane-wave cutoff of the finest grid and Gaussian-to-grid mapping cutoff (Ry).
    smearing_K : float
        Fermi-Dirac electronic temperature (K); the labels are Mermin free energies.
    added_mos : int
        Empty orbitals added above the highest occupied one (needed by smearing).
    max_scf : int
        SCF iterations before CP2K gives up (DP-GEN then counts the task as failed).
    eps_scf : float
        SCF convergence on the density-matrix change (CP2K ``EPS_SCF``).
    eps_default : float
        CP2K ``QS/EPS_DEFAULT`` (integral and screening tolerances; DP-GEN's default 1e-12).
    mixing_alpha : float
        Broyden mixing parameter (CP2K's default 0.4).
    data_dir : str or None
        Folder of the basis/potential files; None: ``$CP2K_DATA_DIR`` or /usr/share/cp2k.

    Raises
    ------
    ValueError
        A cutoff, temperature, tolerance, ``max_scf`` or ``mixing_alpha`` <= 0, or
        ``added_mos`` < 1.
    """

    xc: str = "PBE"
    basis_set: str = "DZVP-MOLOPT-SR-GTH"
    pseudopotential: str = "GTH-PBE"
    basis_set_file: str = "BASIS_MOLOPT"
    potential_file: str = "GTH_POTENTIALS"
    cutoff_Ry: float = 400.0
    rel_cutoff_Ry: float = 50.0
    smearing_K: float = 300.0
    added_mos: int = 20
    max_scf: int = 100
    eps_scf: float = 1.0e-6
    eps_default: float = 1.0e-12
    mixing_alpha: float = 0.4
    data_dir: str | None = None

    def __post_init__(self):
        positive = ("cutoff_Ry", "rel_cutoff_Ry", "smearing_K", "max_scf", "eps_scf",
                    "eps_default", "mixing_alpha")
        for name in positive:
            if not float(getattr(self, name)) > 0.0:
                raise ValueError(f"CP2KSettings.{name} must be > 0, got {getattr(self, name)!r}")
        if int(self.added_mos) < 1:
            raise ValueError("CP2KSettings.added_mos must be >= 1 (smearing needs empty orbitals)")

    @classmethod
    def from_config(cls, cfg: Mapping | None) -> CP2KSettings:
        """Settings from a config mapping (e.g. the ``cp2k:`` block); missing keys keep defaults.

        Raises
        ------
        ValueError
            On a key that is not a field (typos must not silently fall back to defaults).
        """
        cfg = dict(cfg or {})
        fields = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(cfg) - fields)
        if unknown:
            raise ValueError(f"unknown CP2K setting(s) {unknown}; allowed: {sorted(fields)}")
        return cls(**cfg)

    @property
    def resolved_data_dir(self) -> Path:
        """Data folder: ``data_dir``, else ``$CP2K_DATA_DIR``, else /usr/share/cp2k."""
        return Path(self.data_dir or os.environ.get("CP2K_DATA_DIR") or DEFAULT_CP2K_DATA_DIR)


def _cp2k_dft_section(settings: CP2KSettings) -> dict:
    """The ``FORCE_EVAL/DFT`` section (DP-GEN nested-dict form: ``"_"`` = section parameter).

    Every key DP-GEN's ``default_config`` sets is given explicitly, so the DP-GEN input and the
    ASE input (which starts from CP2K's own defaults) describe the same calculation.
    """
    data = settings.resolved_data_dir
    return {
        "BASIS_SET_FILE_NAME": str(data / settings.basis_set_file),
        "POTENTIAL_FILE_NAME": str(data / settings.potential_file),
        "CHARGE": 0,
        "UKS": "F",  # spin-restricted; with smearing odd electron counts are fine
        "MULTIPLICITY": 1,  # not DP-GEN's parity guess (ignored by CP2K for restricted KS)
        "MGRID": {"CUTOFF": settings.cutoff_Ry, "REL_CUTOFF": settings.rel_cutoff_Ry,
                  "NGRIDS": 4},
        "QS": {"EPS_DEFAULT": f"{settings.eps_default:.1E}"},
        "SCF": {
            "SCF_GUESS": "ATOMIC",
            "EPS_SCF": f"{settings.eps_scf:.1E}",
            "MAX_SCF": int(settings.max_scf),
            "ADDED_MOS": int(settings.added_mos),
            "SMEAR": {"_": "ON", "METHOD": "FERMI_DIRAC",
                      "ELECTRONIC_TEMPERATURE": settings.smearing_K},
            "DIAGONALIZATION": {"_": "ON", "ALGORITHM": "STANDARD"},
            "MIXING": {"_": "T", "METHOD": "BROYDEN_MIXING", "ALPHA": settings.mixing_alpha},
        },
        "XC": {"XC_FUNCTIONAL": {"_": settings.xc}},
    }


def cp2k_user_fp_params(settings: CP2KSettings, type_map: Sequence[str]) -> dict:
    """DP-GEN ``user_fp_params`` for ``make_cp2k_input`` (CP2K input as a nested dict).

    Parameters
    ----------
    settings : CP2KSettings
    type_map : sequence of str
        Elements; one ``KIND`` each (DP-GEN fills CELL and COORD per task).

    Returns
    -------
    dict
        ``{"FORCE_EVAL": {...}}`` with METHOD QS, analytical stress, DFT section, KINDs and
        FORCES/STRESS_TENSOR printing (parsed by dpdata's ``cp2kdata/e_f``). Energies in the
        CP2K output are in Hartree, forces in Hartree/Bohr; dpdata converts to eV and eV/Å.

    Raises
    ------
    ValueError
        Empty or duplicated ``type_map``.
    """
    kinds = list(type_map)
    if not kinds or len(set(kinds)) != len(kinds):
        raise ValueError(f"type_map must be non-empty without duplicates, got {kinds}")
    return {
        "FORCE_EVAL": {
            "METHOD": "QS",
            "STRESS_TENSOR": "ANALYTICAL",
            "DFT": _cp2k_dft_section(settings),
            "SUBSYS": {"KIND": {"_": kinds,
                                "BASIS_SET": [settings.basis_set] * len(kinds),
                                "POTENTIAL": [settings.pseudopotential] * len(kinds)}},
            "PRINT": {"FORCES": {"_": "ON"}, "STRESS_TENSOR": {"_": "ON"}},
        }
    }


def cp2k_fp_param(settings: CP2KSettings, type_map: Sequence[str]) -> dict:
    """DP-GEN ``param.json`` fp keys for ``fp_style: "cp2k"``.

    ``fp_pp_path``/``fp_pp_files`` are not in DP-GEN's cp2k schema but ``make_fp_cp2k`` links
    them into every task (KeyError without them); the input itself uses absolute file paths
    because dpdispatcher forwards only ``input.inp`` and ``coord.xyz``.

    Returns
    -------
    dict
        ``fp_style``, ``user_fp_params`` (:func:`cp2k_user_fp_params`), ``fp_pp_path``,
        ``fp_pp_files``. Replace ``fp_style``/``fp_params`` of a ``make_param`` result with it.
    """
    return {
        "fp_style": "cp2k",
        "user_fp_params": cp2k_user_fp_params(settings, type_map),
        "fp_pp_path": str(settings.resolved_data_dir),
        "fp_pp_files": [settings.basis_set_file, settings.potential_file],
    }


def _mpi_prefix(mpi_ranks: int, launcher: str) -> str:
    """``"<launcher> -n N "`` (:func:`seiflow.config.job_resources.mpi_command`), or ``""`` for one
    rank."""
    if int(mpi_ranks) < 1:
        raise ValueError(f"mpi_ranks must be >= 1, got {mpi_ranks}")
    return "".join(f"{word} " for word in mpi_command([], int(mpi_ranks), launcher))


def cp2k_fp_command(mpi_ranks: int = 1, binary: str = "cp2k.psmp",
                    launcher: str = "mpirun") -> str:
    """DP-GEN ``fp`` command (stdout goes to ``output``): ``[launcher -n N] binary -i input.inp``.

    ``launcher`` may carry flags (OpenMPI as root: ``"mpirun --allow-run-as-root"``). Pin
    ``OMP_NUM_THREADS=1`` in the machine's fp envs when using several ranks.

    Raises
    ------
    ValueError
        ``mpi_ranks`` < 1.
    """
    return f"{_mpi_prefix(mpi_ranks, launcher)}{binary} -i input.inp"


def cp2k_calculator(settings: CP2KSettings, mpi_ranks: int = 1, directory: str | Path = ".",
                    shell: str = "cp2k_shell.psmp", launcher: str = "mpirun",
                    omp_threads: int = 1):
    """ASE CP2K calculator (``cp2k_shell``) with the physics of :func:`cp2k_user_fp_params`.

    The DFT section is serialised from the same dict as the DP-GEN input (with DP-GEN's own
    ``iterdict``); ASE adds METHOD Quickstep, analytical stress, cell, coordinates and the
    KINDs (same basis and potential names). Γ-point only, periodic in x, y, z.

    Parameters
    ----------
    settings : CP2KSettings
    mpi_ranks : int
        MPI ranks of the shell (1: no launcher).
    directory : str or Path
        Folder for CP2K's input/output/restart files (created if missing).
    shell, launcher : str
        ``cp2k_shell`` binary and MPI launcher (may carry flags).
    omp_threads : int
        ``OMP_NUM_THREADS`` of the shell process.

    Returns
    -------
    ase.calculators.cp2k.CP2K
        ``energy``/``free_energy`` (eV; Mermin free energy), ``forces`` (eV/Å, (n_atoms, 3)),
        ``stress`` (eV/Å^3, Voigt, ASE sign). Call ``close()`` to stop the shell.

    Raises
    ------
    ValueError
        ``mpi_ranks`` < 1.
    """
    from ase.calculators.cp2k import CP2K
    from dpgen.generator.lib.cp2k import iterdict

    lines: list[str] = []
    iterdict({"FORCE_EVAL": {"DFT": _cp2k_dft_section(settings)}}, lines)
    directory = Path(directory).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    command = f"env OMP_NUM_THREADS={int(omp_threads)} {_mpi_prefix(mpi_ranks, launcher)}{shell}"
    return CP2K(command=command, label=str(directory / "cp2k"), inp="\n".join(lines),
                xc=None, basis_set=settings.basis_set, pseudo_potential=settings.pseudopotential,
                basis_set_file=None, potential_file=None, cutoff=None, max_scf=None,
                force_eval_method="Quickstep", stress_tensor=True, uks=False,
                print_level="LOW")


def _header_names(path: Path, element: str) -> list[list[str]]:
    """Names on the header lines ``<El> NAME [ALIAS ...]`` of a CP2K basis/potential file."""
    out = []
    with open(path) as fh:
        for line in fh:
            tok = line.split()
            if len(tok) >= 2 and tok[0] == element:
                out.append(tok[1:])
    return out


def _valence(names: Sequence[str]) -> int | None:
    """Valence electrons from a ``...-qN`` name or alias (None if no name carries one)."""
    for name in names:
        m = re.search(r"-q(\d+)$", name)
        if m:
            return int(m.group(1))
    return None


def check_cp2k_installation(settings: CP2KSettings, type_map: Sequence[str],
                            binaries: Sequence[str] = ("cp2k.psmp",)) -> None:
    """Fail before any job if CP2K cannot label frames of ``type_map`` with ``settings``.

    Checks that every binary is on PATH, the data folder and both files exist, and that every
    element has a header line with ``settings.basis_set`` in the basis file and with
    ``settings.pseudopotential`` in the potential file, with equal valence (``-qN``) if both
    names carry one.

    Raises
    ------
    OracleError
        Naming the missing binary, folder, file or element/basis/potential.
    """
    for binary in binaries:
        if shutil.which(binary) is None:
            raise OracleError(f"CP2K binary {binary!r} not found on PATH")
    data = settings.resolved_data_dir
    if not data.is_dir():
        raise OracleError(f"CP2K data folder {data} does not exist (set cp2k.data_dir or "
                          "$CP2K_DATA_DIR)")
    files = {"basis": data / settings.basis_set_file, "potential": data / settings.potential_file}
    for kind, path in files.items():
        if not path.is_file():
            raise OracleError(f"CP2K {kind} file {path} does not exist")
    for el in type_map:
        found = {}
        for kind, path, name in (("basis", files["basis"], settings.basis_set),
                                 ("potential", files["potential"], settings.pseudopotential)):
            hits = [names for names in _header_names(path, el) if name in names]
            if not hits:
                raise OracleError(f"no {kind} {name!r} for element {el!r} in {path}")
            found[kind] = hits[0]
        qb, qp = _valence(found["basis"]), _valence(found["potential"])
        if qb is not None and qp is not None and qb != qp:
            raise OracleError(f"{el}: basis {found['basis']} is for q{qb} but potential "
                              f"{found['potential']} has q{qp} valence electrons")


# --------------------------------------------------------------------------- #
# VASP
# --------------------------------------------------------------------------- #
# DFT settings of the reference data of each paper, from its methods section. Keys:
#   xc          PBE | PBEsol (PBEsol uses the PBE PAW POTCARs with GGA = PS)
#   incar       tags the paper states (ENCUT eV, KSPACING 1/Å incl. 2π as in VASP, EDIFF eV)
#   gamma_only  Γ-point-only KPOINTS (no KSPACING)
#   potcar      POTCAR symbols that differ from the MatPES/MP defaults (Li_sv, Si, P, S, Cl)
# Everything not listed (smearing ISMEAR=0/SIGMA=0.05 eV, EDIFF=1e-5 eV, ISPIN=2, PREC,
# LASPH, ALGO) is the pymatgen MatPESStaticSet default because the paper is silent on it.
VASP_SETTINGS_BY_PAPER: dict[str, dict] = {
    # 000 Zhou, Luo, An, J. Mater. Chem. A (2026), Methods, DP-GEN paragraph: "PBEsol ...
    # plane-wave energy cutoff of 500 eV, and a Monkhorst-pack k-point spacing of 0.5 Å-1".
    # Monkhorst-Pack -> KGAMMA = False. Silent on POTCARs, smearing, EDIFF, spin.
    "000": {"source": "000 Zhou et al. 2026, Methods (DP-GEN / DFT)", "xc": "PBEsol",
            "incar": {"ENCUT": 500.0, "KSPACING": 0.5, "KGAMMA": False},
            "gamma_only": False, "potcar": {}},
    # 001 Ding ... Kozinsky, "DFT, MD parameters": VASP 6, PBE, PAW with 3 valence electrons for
    # Li (1s2 2s1 -> Li_sv), 6 S, 5 P, 7 Cl. Training (FLARE OTF) meshes are Γ-centred:
    # 3x3x3 for the 54-atom Li supercell, 4x4x4 for the 52-atom Li6PS5Cl cell, 1x1x1 for the
    # 228-atom interface. KSPACING = 0.205 1/Å reproduces both bulk meshes (Li a = 3.42 Å;
    # Li6PS5Cl a = 9.86-10.2 Å); the interface then gets more k-points than the paper's Γ.
    # Silent on the OTF cutoff (700 eV and EDIFF 1e-8 eV are for the bcc-Li lattice
    # relaxation only) -> MP default 520 eV; silent on smearing.
    "001": {"source": "001 Ding et al., DFT, MD parameters", "xc": "PBE",
            "incar": {"ENCUT": 520.0, "KSPACING": 0.205, "KGAMMA": True},
            "gamma_only": False, "potcar": {"Li": "Li_sv"}},
    # 002 Wang ... Canepa, J. Mater. Chem. A 10, 19732 (2022), Sec. VII: PBE, PAW valences
    # Li s1p0 (-> Li), P s2p3, S s2p4, Cl s2p5; AIMD training data: "plane-wave energy cutoff
    # of 400 eV and a Γ-only k-mesh"; "total energy ... converged to 1e-5 eV/cell".
    # (520 eV / 25 Å-3 k-density are its MITRelaxSet geometry optimisations, not labels.)
    "002": {"source": "002 Wang et al. 2022, Sec. VII (DFT)", "xc": "PBE",
            "incar": {"ENCUT": 400.0, "EDIFF": 1e-5},
            "gamma_only": True, "potcar": {"Li": "Li"}},
    # 003 Baer ... Karasulu, J. Mater. Chem. A (2026), Sec. 2.2: VASP 6.4, PBE, PAW with Li(s1)
    # (-> Li), P(s2p3), S(s2p4), Cl(s2p5). Training single points use the AIMD settings:
    # 400 eV, Γ-point only ("the same settings as for the AIMD simulations (using Γ-point
    # only)"). (520 eV with a Γ-centred 0.05x2π = 0.32 1/Å grid is for geometry optimisation.)
    "003": {"source": "003 Baer et al. 2026, Sec. 2.2 (DFT and AIMD)", "xc": "PBE",
            "incar": {"ENCUT": 400.0},
            "gamma_only": True, "potcar": {"Li": "Li"}},
    # 004 Chaney ... Mingo, ACS AMI 16, 24624 (2024): silent on every DFT setting (its training
    # data are AIMD frames of Golov & Carrasco, ACS AMI 13, 43734 (2021), ref. 21, not in
    # papers/) -> all MatPESStaticSet defaults (PBE, 680 eV, KSPACING 0.22 1/Å).
    "004": {"source": "004 Chaney et al. 2024 (silent; MatPES defaults)", "xc": "PBE",
            "incar": {}, "gamma_only": False, "potcar": {}},
}

# Tags of a labelling single point: no ionic steps (NSW = 0 -> IBRION = -1), stress computed
# (ISIF = 2), no charge-density/wavefunction files (only E, F, stress are read).
_SINGLE_POINT_INCAR = {"NSW": 0, "IBRION": -1, "ISIF": 2, "LCHARG": False, "LAECHG": False,
                       "LWAVE": False}
_GGA_TAG = {"PBE": "PE", "PBESOL": "PS"}
# DP-GEN needs KSPACING in its INCAR: any cell edge longer than 2π/100 Å gets one k-point.
GAMMA_ONLY_KSPACING = 100.0


def _paper(paper: str) -> dict:
    try:
        return VASP_SETTINGS_BY_PAPER[str(paper)]
    except KeyError:
        raise ValueError(
            f"unknown paper {paper!r}; known: {sorted(VASP_SETTINGS_BY_PAPER)}") from None


def _paper_incar(paper: str) -> dict:
    """INCAR tags a paper's labels must carry (paper tags + GGA + single-point tags)."""
    from pymatgen.io.vasp.sets import MatPESStaticSet

    s = _paper(paper)
    kspacing = None if s["gamma_only"] else MatPESStaticSet.CONFIG["INCAR"]["KSPACING"]
    # KSPACING None: pymatgen drops the tag and the Γ KPOINTS file is used
    return {**_SINGLE_POINT_INCAR, "GGA": _GGA_TAG[s["xc"].upper()], "KSPACING": kspacing,
            **s["incar"]}


def vasp_input_set(atoms_or_structure, paper: str):
    """pymatgen ``MatPESStaticSet`` with the DFT settings of ``paper``.

    Parameters
    ----------
    atoms_or_structure : ase.Atoms or pymatgen.core.Structure
        Frame to label (Å).
    paper : str
        Key of :data:`VASP_SETTINGS_BY_PAPER` (``"000"`` ... ``"004"``).

    Returns
    -------
    pymatgen.io.vasp.sets.MatPESStaticSet
        Sorted structure (POSCAR species order = POTCAR order), INCAR with the paper's tags,
        Γ 1x1x1 KPOINTS for Γ-only papers (else KSPACING in the INCAR).

    Raises
    ------
    ValueError
        Unknown paper.
    """
    from pymatgen.io.ase import AseAtomsAdaptor
    from pymatgen.io.vasp.inputs import Kpoints
    from pymatgen.io.vasp.sets import BadInputSetWarning, MatPESStaticSet

    s = _paper(paper)
    structure = atoms_or_structure
    if not hasattr(structure, "lattice"):
        structure = AseAtomsAdaptor.get_structure(atoms_or_structure)
    kpoints = Kpoints.gamma_automatic((1, 1, 1)) if s["gamma_only"] else {}
    with warnings.catch_warnings():  # POTCAR overrides are deliberate (paper valences)
        warnings.simplefilter("ignore", BadInputSetWarning)
        return MatPESStaticSet(structure, xc_functional="PBE",
                               user_incar_settings=_paper_incar(paper),
                               user_kpoints_settings=kpoints,
                               user_potcar_settings=dict(s["potcar"]))


def potcar_symbols(type_map: Sequence[str], paper: str) -> list[str]:
    """POTCAR symbols (``potpaw_PBE`` folder names) of ``type_map`` for ``paper``, same order.

    Raises
    ------
    ValueError
        Unknown paper, or an element without a POTCAR in the input set.
    """
    from pymatgen.io.vasp.sets import MatPESStaticSet

    table = {**MatPESStaticSet.CONFIG["POTCAR"], **_paper(paper)["potcar"]}
    missing = [el for el in type_map if el not in table]
    if missing:
        raise ValueError(f"no POTCAR symbol for {missing} in MatPESStaticSet")
    return [table[el] for el in type_map]


def write_vasp_inputs(atoms, directory: str | Path, paper: str) -> Path:
    """Write INCAR, POSCAR, POTCAR.spec (and KPOINTS for Γ-only papers) of one frame.

    ``POTCAR.spec`` lists the POTCAR symbols in POSCAR order; no POTCAR is written (none
    exists here): concatenate ``<potpaw_PBE>/<symbol>/POTCAR`` on the cluster.

    Returns
    -------
    Path
        ``directory``.

    Raises
    ------
    ValueError
        Unknown paper.
    """
    directory = Path(directory)
    vasp_input_set(atoms, paper).write_input(str(directory), potcar_spec=True)
    return directory


def _incar_problems(incar: Mapping, paper: str, dpgen: bool = False) -> list[str]:
    expected = _paper_incar(paper)
    if dpgen and _paper(paper)["gamma_only"]:
        expected = {**expected, "KSPACING": GAMMA_ONLY_KSPACING, "KGAMMA": True}
    problems = []
    for tag, want in expected.items():
        have = incar.get(tag)
        if want is None:
            if have is not None:
                problems.append(f"{tag} = {have} must be absent")
        elif isinstance(want, float):
            if have is None or abs(float(have) - want) > 1e-6 * max(1.0, abs(want)):
                problems.append(f"{tag} = {have}, paper {paper} needs {want}")
        elif isinstance(want, str):
            if str(have).upper() != want.upper():
                problems.append(f"{tag} = {have}, paper {paper} needs {want}")
        elif have != want:
            problems.append(f"{tag} = {have}, paper {paper} needs {want}")
    return problems


def validate_vasp_inputs(directory: str | Path, paper: str) -> None:
    """Check a VASP labelling folder against the settings of ``paper``.

    Checks: INCAR, POSCAR, POTCAR.spec exist (and KPOINTS for Γ-only papers, where it must be
    a Γ-centred 1x1x1 mesh; papers with KSPACING must have no KPOINTS, which VASP would use
    instead); ENCUT, GGA (PE/PS), KSPACING/KGAMMA, EDIFF where the paper states them; a single
    point with stress (NSW = 0, IBRION = -1, ISIF = 2); POTCAR.spec symbols in POSCAR species
    order and equal to the paper's POTCAR choice.

    Raises
    ------
    ValueError
        Listing every problem found (or the unknown paper).
    """
    from pymatgen.io.vasp.inputs import Incar, Kpoints, Poscar

    directory = Path(directory)
    s = _paper(paper)
    needed = ["INCAR", "POSCAR", "POTCAR.spec"] + (["KPOINTS"] if s["gamma_only"] else [])
    missing = [f for f in needed if not (directory / f).is_file()]
    if missing:
        raise ValueError(f"{directory}: missing {missing}")
    problems = _incar_problems(Incar.from_file(directory / "INCAR"), paper)
    kp_file = directory / "KPOINTS"
    if s["gamma_only"]:
        kp = Kpoints.from_file(kp_file)
        if kp.style.name != "Gamma" or [list(k) for k in kp.kpts] != [[1, 1, 1]]:
            problems.append(f"KPOINTS must be Gamma 1x1x1 for paper {paper}, got "
                            f"{kp.style.name} {kp.kpts}")
    elif kp_file.exists():
        problems.append("KPOINTS present: VASP would ignore the paper's KSPACING")
    species = Poscar.from_file(directory / "POSCAR").site_symbols
    spec = (directory / "POTCAR.spec").read_text().split()
    want = potcar_symbols(species, paper)
    if spec != want:
        problems.append(f"POTCAR.spec {spec} != {want} (POSCAR species {species}, paper {paper})")
    if problems:
        raise ValueError(f"{directory}: " + "; ".join(problems))


def write_dpgen_incar(type_map: Sequence[str], paper: str, path: str | Path) -> Path:
    """Structure-independent INCAR for DP-GEN ``fp_incar`` (``fp_style: "vasp"``).

    The INCAR of :func:`vasp_input_set` for a cell holding one atom of each ``type_map``
    element, without MAGMOM (its length depends on the frame; VASP's default initial moment is
    used) and with ``KSPACING``/``KGAMMA`` (DP-GEN writes KPOINTS from them; Γ-only papers get
    :data:`GAMMA_ONLY_KSPACING`).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ValueError
        Unknown paper, or the INCAR fails the paper check.
    """
    from pymatgen.core import Lattice, Structure

    n = len(type_map)
    placeholder = Structure(Lattice.cubic(4.0 * n), list(type_map),
                            [[i / n, i / n, i / n] for i in range(n)])
    incar = copy.deepcopy(vasp_input_set(placeholder, paper).incar)
    incar.pop("MAGMOM", None)
    if _paper(paper)["gamma_only"]:
        incar.update(KSPACING=GAMMA_ONLY_KSPACING, KGAMMA=True)
    incar.setdefault("KGAMMA", True)  # VASP's default, made explicit for DP-GEN
    problems = _incar_problems(incar, paper, dpgen=True)
    if problems:
        raise ValueError("; ".join(problems))
    path = Path(path)
    incar.write_file(path)
    return path


def vasp_fp_param(type_map: Sequence[str], paper: str, incar_path: str | Path,
                  pp_path: str | Path) -> dict:
    """DP-GEN ``param.json`` fp keys for ``fp_style: "vasp"``.

    Parameters
    ----------
    type_map : sequence of str
    paper : str
        Key of :data:`VASP_SETTINGS_BY_PAPER`.
    incar_path : str or Path
        INCAR written by :func:`write_dpgen_incar` (KSPACING inside, as DP-GEN requires).
    pp_path : str or Path
        PAW folder with one ``<symbol>/POTCAR`` per element (e.g. ``potpaw_PBE.64``).

    Returns
    -------
    dict
        ``fp_style``, ``fp_incar``, ``fp_pp_path``, ``fp_pp_files`` (``<symbol>/POTCAR`` in
        ``type_map`` order; DP-GEN concatenates them in each frame's species order).

    Raises
    ------
    ValueError
        Unknown paper or an element without POTCAR symbol.
    """
    return {
        "fp_style": "vasp",
        "fp_incar": str(incar_path),
        "fp_pp_path": str(pp_path),
        "fp_pp_files": [f"{sym}/POTCAR" for sym in potcar_symbols(type_map, paper)],
    }


# Tags of the MatPES set that do not apply to labelling single points of Li/Na-P-S-Cl-Si-O-N
# (no transition metals: no +U; no initial moments: spin starts from VASP's default).
_NOT_FOR_ASE = {"GGA", "MAGMOM", "LDAU", "LDAUJ", "LDAUL", "LDAUU", "LDAUTYPE", "LMAXMIX"}


def vasp_calculator(vasp_cfg: Mapping, directory: str | Path):
    """ASE VASP calculator with the DFT settings of one paper (for clusters with VASP).

    The INCAR is the one :func:`vasp_input_set` writes for labelling single points (pymatgen
    ``MatPESStaticSet`` defaults overridden by :data:`VASP_SETTINGS_BY_PAPER`), POTCARs are
    the paper's (``setups``), Γ-only papers get a 1x1x1 Γ mesh and the others KSPACING.

    Parameters
    ----------
    vasp_cfg : mapping
        ``paper`` (key of :data:`VASP_SETTINGS_BY_PAPER`), ``command`` (e.g. ``"srun
        vasp_std"``) and ``pp_path`` (folder with ``potpaw_PBE``; exported as
        ``VASP_PP_PATH`` when not null).
    directory : path
        Folder VASP runs in.

    Returns
    -------
    ase.calculators.vasp.Vasp

    Raises
    ------
    ValueError
        Unknown paper or missing ``command``.
    """
    import os

    from ase.calculators.vasp import Vasp
    from pymatgen.io.vasp.sets import MatPESStaticSet

    paper = str(vasp_cfg["paper"])
    s = _paper(paper)
    if not vasp_cfg.get("command"):
        raise ValueError("dft.vasp.command is empty: give the VASP launch command")
    if vasp_cfg.get("pp_path"):
        os.environ["VASP_PP_PATH"] = str(vasp_cfg["pp_path"])
    incar = {**MatPESStaticSet.CONFIG["INCAR"], **_paper_incar(paper)}
    params = {k.lower(): v for k, v in incar.items() if k not in _NOT_FOR_ASE and v is not None}
    if s["gamma_only"]:
        params.pop("kspacing", None)
        params.update(kpts=(1, 1, 1), gamma=True)
    potcars = {**MatPESStaticSet.CONFIG["POTCAR"], **s["potcar"]}
    setups = {el: sym[len(el):] for el, sym in potcars.items() if sym.startswith(el)}
    return Vasp(directory=str(directory), command=str(vasp_cfg["command"]),
                xc=s["xc"].lower(), setups=setups, **params)
