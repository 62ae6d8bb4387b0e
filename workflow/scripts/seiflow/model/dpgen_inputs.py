"""Generate DeePMD-kit training inputs and DP-GEN ``param.json`` / ``machine.json`` from config.

Nothing here is hand-edited: the rule ``dpgen_inputs`` calls :func:`make_param` and
:func:`make_machine`, and both results are checked against DP-GEN's own argument schema
(:func:`check_dpgen_inputs`, the ``dargs`` definitions shipped with dpgen 0.14) before any
expensive job starts.

References
----------
* Y. Zhang et al., DP-GEN: a concurrent learning platform for the generation of reliable deep
  learning based potential energy models, Comput. Phys. Commun. 253, 107206 (2020).
* J. Zeng et al., DeePMD-kit v2/v3, J. Chem. Phys. 159, 054801 (2023).
"""

from __future__ import annotations

import copy
import shlex
from collections.abc import Sequence
from pathlib import PurePath

from seiflow.config.job_resources import mpi_command
from seiflow.model.zbl import dpzbl_model_keys

#: descriptors DeePMD-kit's DP-ZBL (linear) model accepts (type-embedding, "mixed type")
MIXED_TYPE_DESCRIPTORS = ("se_atten_v2",)

# Thread variables for every DP-GEN / DeePMD / LAMMPS process: on 2 cores, 1 thread per
# process and MPI ranks for parallelism was 3-4x faster than 2 threads per process.
SINGLE_THREAD_ENVS = {
    "OMP_NUM_THREADS": "1",
    "DP_INTRA_OP_PARALLELISM_THREADS": "1",
    "DP_INTER_OP_PARALLELISM_THREADS": "1",
    "TORCH_NUM_THREADS": "1",
}


# fp keys of the embedded oracles: DP-GEN writes a POSCAR per task, ``python -m seiflow.oracle.calculators``
# labels it and writes one extxyz frame back.
CUSTOM_FP_PARAM = {
    "fp_style": "custom",
    "fp_params": {
        "input_fmt": "vasp/poscar",
        "input_fn": "input.poscar",
        "output_fmt": "extxyz",
        "output_fn": "output.extxyz",
    },
}


def deepmd_training_input(
    type_map: Sequence[str],
    descriptor: dict,
    neuron_descriptor: Sequence[int],
    axis_neuron: int,
    neuron_fitting: Sequence[int],
    numb_steps: int,
    seed: int,
    stop_lr: float = 1.0e-8,
    training_systems: Sequence[str] = (),
    validation_systems: Sequence[str] = (),
    short_range: dict | None = None,
) -> dict:
    """DeePMD-kit (v3, PyTorch backend) ``input.json`` for an energy model, optionally DP-ZBL.

    Parameters
    ----------
    type_map : sequence of str
        Element order, e.g. ``["Li", "P", "S", "Cl"]``.
    descriptor : dict
        ``type`` (``se_e2_a``, or ``se_atten_v2`` with no attention layer = se_e2_a with a
        type embedding of width ``tebd_dim``, the mixed-type form DP-ZBL needs), ``rcut_A``,
        ``rcut_smth_A`` (Å) and ``sel`` (max neighbours per type inside rcut; se_atten_v2
        takes their sum).
    neuron_descriptor, neuron_fitting : sequence of int
        Hidden-layer widths of the embedding and fitting networks.
    axis_neuron : int
        Size of the embedding sub-matrix (M2 in Zhang et al., NeurIPS 2018).
    numb_steps : int
        Training steps; the learning rate decays exponentially from 1e-3 to ``stop_lr`` over
        them (DeePMD-kit ``exp`` schedule). Short (demo/test) runs need a larger ``stop_lr``
        or most steps are spent at a negligible rate.
    seed : int
        Seed for network initialisation and batch sampling.
    training_systems, validation_systems : sequence of str
        ``deepmd/npy`` system folders (DP-GEN fills ``training.training_data`` itself).
    short_range : dict or None
        DP-ZBL settings (:func:`seiflow.model.zbl.dpzbl_model_keys`): ``table`` (path of the ZBL
        table as the training run sees it), ``sw_rmin_A``, ``sw_rmax_A``, ``smin_alpha_A``.
        None: plain DP model.

    Returns
    -------
    dict
        JSON-serialisable DeePMD-kit input. Loss prefactors follow the DeePMD-kit examples
        (energy 0.02 -> 1, force 1000 -> 1, virial 0.02 -> 1).

    Raises
    ------
    ValueError
        If ``sel`` does not have one entry per type, ``numb_steps`` < 1, an unknown
        descriptor type, or DP-ZBL with a descriptor that is not mixed-type (DeePMD-kit's
        linear DP-ZBL model only takes mixed-type atomic models).
    """
    sel = list(descriptor["sel"])
    if len(sel) != len(type_map):
        raise ValueError(f"descriptor.sel has {len(sel)} entries for {len(type_map)} types")
    if numb_steps < 1:
        raise ValueError("numb_steps must be >= 1")
    training = _training_section(numb_steps, seed, training_systems, validation_systems)
    model = {
        "type_map": list(type_map),
        "descriptor": _descriptor_section(descriptor, sel, neuron_descriptor, axis_neuron, seed),
        "fitting_net": {
            "neuron": list(neuron_fitting),
            "resnet_dt": True,
            "seed": int(seed) + 1,
        },
    }
    if short_range is not None:
        kind = model["descriptor"]["type"]
        if kind not in MIXED_TYPE_DESCRIPTORS:
            raise ValueError(f"DP-ZBL needs a mixed-type descriptor {MIXED_TYPE_DESCRIPTORS}, "
                             f"got {kind!r}")
        model.update(dpzbl_model_keys(short_range["table"], short_range["sw_rmin_A"],
                                      short_range["sw_rmax_A"], short_range["smin_alpha_A"]))
    return {
        "model": model,
        "learning_rate": {
            "type": "exp",
            "start_lr": 1.0e-3,
            "stop_lr": float(stop_lr),
            "decay_steps": max(1, min(5000, numb_steps // 20)),
        },
        "loss": _energy_loss(),
        "training": training,
    }


# Sections of deepmd_training_input.
def _training_section(numb_steps: int, seed: int, training_systems: Sequence[str],
                      validation_systems: Sequence[str]) -> dict:
    """``training`` section: data systems, steps, seed and output frequencies."""
    disp = max(1, min(1000, numb_steps // 10))
    training = {
        "training_data": {"systems": list(training_systems), "batch_size": "auto"},
        "numb_steps": int(numb_steps),
        "seed": int(seed),
        "disp_file": "lcurve.out",
        "disp_freq": disp,
        "save_freq": max(disp, numb_steps // 5),
    }
    if validation_systems:
        training["validation_data"] = {
            "systems": list(validation_systems),
            "batch_size": "auto",
            "numb_btch": 1,
        }
    return training


def _descriptor_section(descriptor: dict, sel: list, neuron_descriptor: Sequence[int],
                        axis_neuron: int, seed: int) -> dict:
    """``model.descriptor`` section for se_e2_a or se_atten_v2 (no attention layer);
    ValueError for another type."""
    kind = descriptor.get("type", "se_e2_a")
    desc = {
        "type": kind,
        "rcut_smth": float(descriptor["rcut_smth_A"]),
        "rcut": float(descriptor["rcut_A"]),
        "neuron": list(neuron_descriptor),
        "axis_neuron": int(axis_neuron),
        "type_one_side": True,
        "seed": int(seed),
    }
    if kind == "se_e2_a":
        desc.update(sel=sel, resnet_dt=False)
    elif kind == "se_atten_v2":
        desc.update(sel=int(sum(sel)), attn_layer=0, tebd_dim=int(descriptor.get("tebd_dim", 8)))
    else:
        raise ValueError(f"descriptor type {kind!r} is not supported (se_e2_a, se_atten_v2)")
    return desc


def _energy_loss() -> dict:
    """``loss`` section: energy, force and virial prefactors of the DeePMD-kit examples."""
    return {
        "type": "ener",
        "start_pref_e": 0.02,
        "limit_pref_e": 1.0,
        "start_pref_f": 1000.0,
        "limit_pref_f": 1.0,
        "start_pref_v": 0.02,
        "limit_pref_v": 1.0,
    }


def short_range_settings(settings: dict, table, workdir) -> dict | None:
    """DP-ZBL settings for :func:`deepmd_training_input` / :func:`make_param`.

    Parameters
    ----------
    settings
        The ``short_range_repulsion`` config block (``zbl``, ``sw_rmin_A``, ``sw_rmax_A``,
        ``smin_alpha_A``).
    table
        Path of the ZBL table (rule zbl_table), or None when ``zbl`` is off.
    workdir
        Folder the training run starts in; the table path is made relative to it.

    Returns
    -------
    dict or None
        ``settings`` plus ``table`` (relative path); None when ``zbl`` is off.

    Raises
    ------
    ValueError
        ``zbl`` on but no table given.
    """
    import os

    if not settings["zbl"]:
        return None
    if not table:
        raise ValueError("short_range_repulsion.zbl is on but no ZBL table was given")
    table = table if isinstance(table, str) else list(table)[0]
    return {**settings, "table": os.path.relpath(table, workdir)}


def make_param(
    type_map: Sequence[str],
    init_data_sys: Sequence[str],
    sys_configs: Sequence[Sequence[str]],
    dpgen_cfg: dict,
    descriptor: dict,
    seed: int,
    init_data_prefix: str = "../init_data",
    sys_configs_prefix: str = "../exploration",
    pressure_bar: float = 1.0,
    fp_param: dict | None = None,
    system_names: Sequence[str] | None = None,
    short_range: dict | None = None,
) -> dict:
    """DP-GEN ``param.json`` for a run with LAMMPS exploration and an oracle fp stage.

    Parameters
    ----------
    type_map : sequence of str
        Element order shared by data, models and LAMMPS types.
    init_data_sys : sequence of str
        ``deepmd/npy`` folders (relative to ``init_data_prefix``) labelled by the oracle.
    sys_configs : sequence of sequence of str
        One list of POSCAR globs per exploration system (relative to ``sys_configs_prefix``).
    dpgen_cfg : dict
        The ``scales.<scale>.dpgen`` config block: ``numb_models``, ``iterations`` (one dict
        per DP-GEN iteration with ``temps`` (K), ``nsteps``, ``trj_freq``, ``ensemble``),
        ``trust_level_force_eV_A`` ([lo, hi], eV/Å), ``fp_task_max``/``fp_task_min``,
        ``training_steps``, ``stop_lr``, network sizes, ``timestep_ps``, ``ratio_failed``
        (largest share of fp tasks the oracle may reject before DP-GEN stops).
    descriptor : dict
        See :func:`deepmd_training_input`.
    seed : int
        Seed of the template training input (DP-GEN draws per-model seeds from Python's
        ``random``, which the ``run_dpgen`` wrapper seeds from this value too).
    pressure_bar : float
        Pressure of NPT exploration (bar).
    system_names : sequence of str or None
        Names of the exploration systems, in ``sys_configs`` order; needed when an
        iteration names its ``systems``.
    fp_param : dict or None
        fp keys of a DFT oracle (``fp_style: cp2k`` with ``user_fp_params``, or ``fp_style:
        vasp`` with ``fp_incar``/``fp_pp_path``/``fp_pp_files``; see :mod:`seiflow.oracle.dft`).
        ``None``: the embedded oracles through ``fp_style: custom``.
    short_range : dict or None
        DP-ZBL settings as :func:`deepmd_training_input`; ``table`` is the table path
        relative to the DP-GEN work folder. DP-GEN copies it into every training task
        (``srtab_file_path``), so the models' ``use_srtab`` is its file name.

    Returns
    -------
    dict
        ``param.json`` content.

    Raises
    ------
    ValueError
        If the trust levels are not 0 < lo < hi, an iteration has no temperatures, names a
        system that is not explored (or names systems without ``system_names``), or
        ``numb_models`` < 2 (model deviation needs at least two models).
    """
    lo, hi = (float(x) for x in dpgen_cfg["trust_level_force_eV_A"])
    if not 0.0 < lo < hi:
        raise ValueError(f"trust levels must satisfy 0 < lo < hi, got lo={lo}, hi={hi}")
    if int(dpgen_cfg["numb_models"]) < 2:
        raise ValueError("model deviation needs numb_models >= 2")
    jobs = _model_devi_jobs(dpgen_cfg["iterations"], len(sys_configs), system_names, pressure_bar)
    training = deepmd_training_input(
        type_map,
        descriptor,
        dpgen_cfg["neuron_descriptor"],
        dpgen_cfg["axis_neuron"],
        dpgen_cfg["neuron_fitting"],
        dpgen_cfg["training_steps"],
        seed,
        stop_lr=dpgen_cfg["stop_lr"],
        short_range=None if short_range is None else
        {**short_range, "table": PurePath(short_range["table"]).name},
    )
    srtab = {} if short_range is None else {"srtab_file_path": str(short_range["table"])}
    return {
        "type_map": list(type_map),
        "mass_map": "auto",
        "init_data_prefix": init_data_prefix,
        "init_data_sys": list(init_data_sys),
        "sys_configs_prefix": sys_configs_prefix,
        "sys_configs": [list(s) for s in sys_configs],
        "numb_models": int(dpgen_cfg["numb_models"]),
        "train_backend": "pytorch",
        "default_training_param": training,
        "model_devi_engine": "lammps",
        "model_devi_dt": float(dpgen_cfg["timestep_ps"]),
        "model_devi_skip": 0,
        "model_devi_f_trust_lo": lo,
        "model_devi_f_trust_hi": hi,
        "model_devi_clean_traj": False,
        "model_devi_jobs": jobs,
        "ratio_failed": float(dpgen_cfg["ratio_failed"]),
        "shuffle_poscar": False,
        "fp_task_max": int(dpgen_cfg["fp_task_max"]),
        "fp_task_min": int(dpgen_cfg["fp_task_min"]),
        **srtab,
        **(fp_param if fp_param is not None else CUSTOM_FP_PARAM),
    }


# Steps of make_param.
def _model_devi_jobs(iterations: Sequence[dict], n_systems: int,
                     system_names: Sequence[str] | None, pressure_bar: float) -> list[dict]:
    """``model_devi_jobs``: one exploration job per DP-GEN iteration (temperatures in K,
    pressures in bar); ValueError for an iteration without temperatures."""
    jobs = []
    for i, it in enumerate(iterations):
        if not it["temps"]:
            raise ValueError(f"DP-GEN iteration {i} has no temperatures")
        jobs.append(
            {
                "sys_idx": _iteration_systems(i, it, n_systems, system_names),
                "temps": [float(t) for t in it["temps"]],
                "press": [float(x) for x in it.get("pressures_bar", [pressure_bar])],
                "trj_freq": int(it["trj_freq"]),
                "nsteps": int(it["nsteps"]),
                "ensemble": it["ensemble"],
                "_idx": f"{i:02d}",
            }
        )
    return jobs


def _iteration_systems(i: int, it: dict, n_systems: int,
                       system_names: Sequence[str] | None) -> list[int]:
    """Indices of the systems iteration ``i`` explores: all, or those it names; ValueError
    for names without ``system_names`` or not among them."""
    sys_idx = list(range(n_systems))
    if it.get("systems"):
        if system_names is None:
            raise ValueError(f"DP-GEN iteration {i} names systems: pass system_names")
        unknown = sorted(set(it["systems"]) - set(system_names))
        if unknown:
            raise ValueError(f"DP-GEN iteration {i}: systems {unknown} are not among the "
                             f"exploration systems {list(system_names)}")
        sys_idx = [system_names.index(n) for n in it["systems"]]
    return sys_idx


DISPATCH_STAGES = ("train", "model_devi", "fp")
STAGE_KEYS = {"command", "queue_name", "number_node", "cpu_per_node", "gpu_per_node",
              "group_size", "custom_flags", "source_list"}


def _stage(command: str, remote_root: str, envs: dict, group_size: int, cpus: int,
           batch_type: str = "Shell", overrides: dict | None = None) -> dict:
    """One dpdispatcher stage (machine + resources) of ``machine.json``."""
    overrides = dict(overrides or {})
    unknown = set(overrides) - STAGE_KEYS
    if unknown:
        raise ValueError(f"unknown dispatcher stage keys {sorted(unknown)}; allowed: "
                         f"{sorted(STAGE_KEYS)}")
    resources = {
        "batch_type": batch_type,
        "number_node": 1,
        "cpu_per_node": int(cpus),
        "gpu_per_node": 0,
        "group_size": int(group_size),
        "envs": dict(envs),
    }
    resources.update({k: v for k, v in overrides.items() if k != "command"})
    return {
        "command": overrides.get("command", command),
        "machine": {
            "batch_type": batch_type,
            "context_type": "LocalContext",
            "local_root": "./",
            "remote_root": remote_root,
        },
        "resources": resources,
    }


def fp_command(oracle: str, dft: dict | None = None) -> str:
    """Command DP-GEN's fp stage runs in each labelling task folder.

    ``chgnet`` / ``sevennet``: the custom fp entry point ``python -m seiflow.oracle.calculators``
    (``fp_style: custom``); ``cp2k``: ``[launcher -n N] cp2k.psmp -i input.inp``
    (``fp_style: cp2k``; :func:`seiflow.oracle.dft.cp2k_fp_command` with ``dft.mpi_ranks`` and
    ``dft.mpi_launcher``); ``vasp``: ``dft.vasp.command`` (``fp_style: vasp``).

    Raises
    ------
    ValueError
        Unknown oracle, or a DFT oracle without the ``dft`` block.
    """
    from seiflow.oracle.calculators import DFT_ORACLES, EMBEDDED_ORACLES

    if oracle in EMBEDDED_ORACLES:
        return f"python -m seiflow.oracle.calculators input.poscar output.extxyz --oracle {oracle}"
    if oracle in DFT_ORACLES and dft is None:
        raise ValueError(f"oracle {oracle!r} needs the dft config block")
    if oracle == "cp2k":
        from seiflow.oracle.dft import cp2k_fp_command

        return cp2k_fp_command(int(dft["mpi_ranks"]), launcher=dft["mpi_launcher"])
    if oracle == "vasp":
        return str(dft["vasp"]["command"])
    raise ValueError(f"unknown oracle {oracle!r}")


def make_machine(
    remote_root: str,
    oracle: str,
    pythonpath: str,
    mpi_ranks: int = 1,
    fp_group_size: int = 1,
    cpus: int = 2,
    deepmd_version: str = "3.2.0",
    dispatcher: dict | None = None,
    dft: dict | None = None,
    launcher: str = "mpirun",
    job_path: str | None = None,
) -> dict:
    """DP-GEN ``machine.json``: dpdispatcher ``LocalContext`` with a ``Shell`` or ``Slurm`` batch.

    Parameters
    ----------
    remote_root : str
        Absolute folder where dpdispatcher runs the jobs; give every DP-GEN run its own
        (e.g. ``<workdir>/remote``) so runs never share job hashes.
    oracle : str
        Oracle of the fp stage (:func:`fp_command`).
    pythonpath : str
        Absolute path of ``workflow/scripts`` so fp tasks import ``seiflow``.
    mpi_ranks : int
        MPI ranks per LAMMPS exploration task (1 thread each).
    fp_group_size : int
        Labelling tasks per dpdispatcher job.
    dispatcher : dict or None
        The ``dispatcher`` config block: ``batch_type`` (``Shell`` runs the jobs on this
        machine; ``Slurm`` submits each stage with sbatch: GPUs for ``train`` and
        ``model_devi``, CPUs for ``fp``, set in ``profiles/slurm/cluster.yaml``),
        ``source_list`` (files sourced in every job) and ``stages.<train|model_devi|fp>``
        overrides of the dpdispatcher resources (``queue_name``, ``cpu_per_node``,
        ``gpu_per_node``, ``group_size``, ``custom_flags``, ``number_node``,
        ``source_list``) and of the stage ``command``.
    dft : dict or None
        The ``dft`` config block (command of the ``cp2k`` / ``vasp`` fp stage).
    launcher : str
        MPI launcher of multi-rank exploration (``mpi_launcher``: ``mpirun`` locally,
        ``srun --mpi=pmi2`` inside a Slurm job).
    job_path : str or None
        ``PATH`` exported in the stage jobs of a batch system other than ``Shell`` (the
        caller passes its own, that of the DP-GEN env): dpdispatcher's Slurm job scripts start
        a login shell (``#!/bin/bash -l``) whose profile resets ``PATH``, so ``dp`` and ``lmp``
        of the env would not be found. Ignored for ``Shell``, which inherits it.

    Returns
    -------
    dict
        ``machine.json`` content (``api_version`` 1.0) with the thread variables
        OMP/DP_INTRA/DP_INTER pinned to 1.

    Raises
    ------
    ValueError
        If ``remote_root`` is not absolute, ``mpi_ranks`` < 1, or the dispatcher block has an
        unknown batch type, stage or key.
    """
    if not remote_root.startswith("/"):
        raise ValueError(f"remote_root must be absolute, got {remote_root!r}")
    if mpi_ranks < 1:
        raise ValueError("mpi_ranks must be >= 1")
    dispatcher = dispatcher or {}
    batch = dispatcher.get("batch_type", "Shell")
    if batch not in ("Shell", "Slurm"):
        raise ValueError(f"dispatcher.batch_type must be Shell or Slurm, got {batch!r}")
    stages = dispatcher.get("stages") or {}
    if set(stages) - set(DISPATCH_STAGES):
        raise ValueError(f"unknown dispatcher stages {sorted(set(stages) - set(DISPATCH_STAGES))}")
    lmp = shlex.join(mpi_command("lmp", int(mpi_ranks), launcher))
    fp_envs = {**SINGLE_THREAD_ENVS, "PYTHONPATH": pythonpath}
    commands = {"train": "dp", "model_devi": lmp, "fp": fp_command(oracle, dft)}
    envs = {"train": SINGLE_THREAD_ENVS, "model_devi": SINGLE_THREAD_ENVS, "fp": fp_envs}
    if batch != "Shell" and job_path:
        envs = {stage: {**e, "PATH": job_path} for stage, e in envs.items()}
    groups = {"train": 1, "model_devi": 1, "fp": fp_group_size}
    machine = {"api_version": "1.0", "deepmd_version": deepmd_version}
    for stage in DISPATCH_STAGES:
        overrides = {"source_list": list(dispatcher.get("source_list") or []),
                     **(stages.get(stage) or {})}
        machine[stage] = _stage(commands[stage], f"{remote_root}/{stage}", envs[stage],
                                groups[stage], cpus, batch, overrides)
    return machine


def check_dpgen_inputs(param: dict, machine: dict) -> None:
    """Validate ``param.json`` and ``machine.json`` with DP-GEN's own ``dargs`` schema.

    Raises
    ------
    ValueError
        With DP-GEN's message, if either file would be rejected by ``dpgen run``.
    """
    from dpgen.generator.arginfo import run_jdata_arginfo, run_mdata_arginfo

    for name, arginfo, data in (
        ("param.json", run_jdata_arginfo(), param),
        ("machine.json", run_mdata_arginfo(), machine),
    ):
        try:
            normalized = arginfo.normalize_value(copy.deepcopy(data), trim_pattern="_*")
            arginfo.check_value(normalized, strict=False)
        except Exception as err:  # dargs raises several exception types
            raise ValueError(f"DP-GEN would reject {name}: {err}") from err
