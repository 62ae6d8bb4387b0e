"""Reference calculators ("oracles") that label frames with energies, forces and virials.

The local default is a universal machine-learning interatomic potential whose weights ship
inside its PyPI wheel, so labelling works offline:

* ``chgnet``   -- CHGNet 0.3.0 weights bundled in the ``chgnet`` wheel
  (Deng et al., Nat. Mach. Intell. 5, 1031 (2023)).
* ``sevennet`` -- SevenNet-0 weights bundled in the ``sevenn`` wheel
  (Park et al., J. Chem. Theory Comput. 20, 4857 (2024)).

These are *not* DFT. Results produced with them are honest approximations of the published
(DFT-trained) studies; the oracle name is recorded in every provenance file. The DFT backends
plug in through the same ``oracle`` config key (settings in the ``dft`` block, see
:mod:`seiflow.oracle.dft`):

* ``cp2k`` -- PBE / GTH / DZVP-MOLOPT-SR-GTH with Debian's CP2K, through ASE's ``cp2k_shell``
  calculator here and DP-GEN's ``fp_style: cp2k`` in active learning (same input physics);
* ``vasp`` -- the paper's settings (pymatgen input sets) through DP-GEN's ``fp_style: vasp``
  and ASE's VASP calculator, on clusters with VASP and its POTCARs.

The module also provides the DP-GEN ``fp_style: "custom"`` entry point: DP-GEN writes one
``vasp/poscar`` input per task and reads back one labelled ``extxyz`` frame.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from seiflow.oracle import OracleError
from seiflow.oracle.dft import (
    CP2KSettings,
    check_cp2k_installation,
    cp2k_calculator,
    vasp_calculator,
)

EMBEDDED_ORACLES = ("chgnet", "sevennet")
CHGNET_MODEL = "0.3.0"  # CHGNet.load(model_name=...): weights bundled in the chgnet wheel
SEVENNET_MODEL = "7net-0"  # SevenNetCalculator(model=...): weights bundled in the sevenn wheel
DFT_ORACLES = ("cp2k", "vasp")


def _pin_threads(n_threads: int) -> None:
    """Pin torch intra/inter-op threads.

    On 2 cores one CHGNet call with 2 torch threads was several times slower than with 1
    (measured, see README), so the embedded oracles default to 1 thread and parallelism comes
    from running several labelling tasks at once.
    """
    import torch

    torch.set_num_threads(n_threads)
    try:
        torch.set_num_interop_threads(n_threads)
    except RuntimeError:  # already set in this process
        pass


def get_calculator(oracle: str, n_threads: int = 1, dft: dict | None = None,
                   directory: str | Path | None = None):
    """Return an ASE calculator for the named oracle.

    Parameters
    ----------
    oracle : str
        One of :data:`EMBEDDED_ORACLES` or :data:`DFT_ORACLES`.
    n_threads : int
        Torch threads (embedded oracles) or OpenMP threads per MPI rank (CP2K).
    dft : dict or None
        The ``dft`` config block (``mpi_ranks``, ``mpi_launcher``, ``cp2k`` settings of
        :class:`seiflow.oracle.dft.CP2KSettings`, ``vasp`` with ``paper``, ``command``,
        ``pp_path``); required for ``cp2k`` / ``vasp``.
    directory : path or None
        Scratch folder of a DFT calculator (default: a new temporary folder).

    Returns
    -------
    ase.calculators.calculator.Calculator
        Gives ``energy`` (eV), ``forces`` (eV/Å, shape (n_atoms, 3)) and ``stress``
        (eV/Å^3, Voigt order, ASE sign convention).

    Raises
    ------
    OracleError
        Unknown oracle name, a DFT oracle without its ``dft`` block, or a CP2K installation
        lacking the binary or data files (:func:`seiflow.oracle.dft.check_cp2k_installation`).
    """
    if oracle in DFT_ORACLES:
        if dft is None:
            raise OracleError(f"oracle {oracle!r} needs the 'dft' config block")
        import tempfile

        directory = Path(directory or tempfile.mkdtemp(prefix=f"{oracle}_"))
        if oracle == "cp2k":
            settings = CP2KSettings.from_config(dft["cp2k"])
            check_cp2k_installation(settings, [], binaries=("cp2k_shell.psmp",))
            return cp2k_calculator(settings, int(dft["mpi_ranks"]), directory,
                                   launcher=dft["mpi_launcher"], omp_threads=n_threads)
        return vasp_calculator(dft["vasp"], directory)
    _pin_threads(n_threads)
    if oracle == "chgnet":
        from chgnet.model import CHGNet
        from chgnet.model.dynamics import CHGNetCalculator

        model = CHGNet.load(model_name=CHGNET_MODEL, use_device="cpu", verbose=False)
        return CHGNetCalculator(model=model, use_device="cpu")
    if oracle == "sevennet":
        from sevenn.calculator import SevenNetCalculator

        return SevenNetCalculator(model=SEVENNET_MODEL, device="cpu")
    raise OracleError(
        f"unknown oracle {oracle!r}: known are {EMBEDDED_ORACLES + DFT_ORACLES}"
    )


def oracle_id(oracle: str, dft: dict | None = None) -> str:
    """A string naming the physics of an oracle: the model and version of an embedded ML
    potential, or the DFT code with its settings block (``dft.cp2k`` / ``dft.vasp``), for
    restart records that must not mix calculators.

    Raises
    ------
    OracleError
        Unknown oracle name, or a DFT oracle without its ``dft`` block.
    """
    import json

    if oracle == "chgnet":
        return f"chgnet {CHGNET_MODEL}"
    if oracle == "sevennet":
        return f"sevennet {SEVENNET_MODEL}"
    if oracle in DFT_ORACLES:
        if dft is None:
            raise OracleError(f"oracle {oracle!r} needs the 'dft' config block")
        return f"{oracle} " + json.dumps(dft[oracle], sort_keys=True)
    raise OracleError(
        f"unknown oracle {oracle!r}: known are {EMBEDDED_ORACLES + DFT_ORACLES}"
    )


def label_frames(frames: Iterable, calculator, max_abs_force: float | None = 50.0) -> list:
    """Label frames with a calculator, returning new ``Atoms`` with a single-point result.

    Parameters
    ----------
    frames : iterable of ase.Atoms
        Structures to label; each is copied, never modified.
    calculator : ase Calculator
        From :func:`get_calculator`.
    max_abs_force : float or None
        Frames whose largest force component exceeds this (eV/Å) are rejected: in the
        initial data such frames mean a broken structure. ``None`` accepts any finite label.

    Returns
    -------
    list of ase.Atoms
        Each with a ``SinglePointCalculator`` holding energy (eV), forces (eV/Å) and
        stress (eV/Å^3).

    Raises
    ------
    OracleError
        If the calculator returns non-finite numbers or forces above ``max_abs_force``.
    """
    from ase.calculators.singlepoint import SinglePointCalculator

    out = []
    for atoms in frames:
        a = atoms.copy()
        a.calc = calculator
        energy = float(a.get_potential_energy())
        forces = np.asarray(a.get_forces(), dtype=float)
        stress = np.asarray(a.get_stress(voigt=True), dtype=float)
        if not (np.isfinite(energy) and np.isfinite(forces).all() and np.isfinite(stress).all()):
            raise OracleError(f"oracle returned non-finite labels for {a.get_chemical_formula()}")
        fmax = float(np.abs(forces).max())
        if max_abs_force is not None and fmax > max_abs_force:
            raise OracleError(
                f"oracle force {fmax:.1f} eV/Å exceeds max_abs_force={max_abs_force} eV/Å for "
                f"{a.get_chemical_formula()}: the frame is unphysical"
            )
        b = atoms.copy()
        b.calc = SinglePointCalculator(b, energy=energy, forces=forces, stress=stress)
        out.append(b)
    return out


def label_poscar_to_extxyz(poscar: str | Path, extxyz: str | Path, oracle: str) -> None:
    """DP-GEN ``fp_style: custom`` task: label one ``vasp/poscar`` frame, write ``extxyz``.

    Parameters
    ----------
    poscar : path
        Input written by DP-GEN from the candidate frame (format ``vasp/poscar``).
    extxyz : path
        Output read back by DP-GEN with ``dpdata.LabeledSystem(fmt="extxyz")``: one frame
        with energy (eV), forces (eV/Å) and virial.

    Candidates are labelled whatever their forces: the oracle is the reference, and
    compressed frames explored by an early model are exactly what the next model must learn
    to repel. Non-finite labels raise (the task fails and DP-GEN stops: the oracle is broken).
    """
    import ase.io

    atoms = ase.io.read(poscar, format="vasp")
    n_threads = int(os.environ.get("OMP_NUM_THREADS", "1"))
    calc = get_calculator(oracle, n_threads=n_threads)
    (labelled,) = label_frames([atoms], calc, max_abs_force=None)
    ase.io.write(extxyz, labelled, format="extxyz")


def main(argv: list[str] | None = None) -> None:
    """Command line of the DP-GEN custom fp task (``python -m seiflow.oracle.calculators``)."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("poscar")
    parser.add_argument("extxyz")
    parser.add_argument("--oracle", default="chgnet", choices=EMBEDDED_ORACLES)
    args = parser.parse_args(argv)
    label_poscar_to_extxyz(args.poscar, args.extxyz, args.oracle)


if __name__ == "__main__":
    main()
