"""Job sizes of every rule from one table (``config/resources.yaml``).

Every rule takes its ``threads`` and ``resources`` from :func:`job_size`, so a rule cannot be
forgotten by a cluster profile: the local scheduler and the Slurm executor plugin read the same
numbers. The table names resource *classes* (threads, memory, wall time, GPUs, where the MPI
rank count comes from) and maps every rule to one class, with optional per-rule overrides::

    resources:
      classes:
        md: {threads: 1, mem_mb: {test: 2000, paper: 32000}, runtime_min: 60, gpus: 1,
             mpi_ranks_from: md}
      rules:
        production_md: md
        glass_md: {class: md, mpi_ranks_from: glass_md}

Values may be one number or a map ``{test: .., demo: .., paper: ..}`` per scale.

How the numbers reach a job:

- ``threads`` = ranks x cores per rank. Locally Snakemake caps it at ``--cores``; on Slurm the
  plugin turns ``cpus_per_task`` into ``--cpus-per-task``.
- ``mem_mb`` is the first attempt's memory; a retried job asks for ``mem_mb x attempt``.
- ``runtime`` (minutes) becomes ``sbatch -t``.
- ``gpu``: GPUs per job, requested only when ``deepmd_device`` is ``gpu`` (the cluster
  profile); on CPU machines no GPU is asked for.
- An MPI job (more than one rank) gets ``tasks`` = ranks and ``mpi`` = the launcher
  (``mpi_launcher``, or ``dft.mpi_launcher`` for DFT oracles). The Slurm job-step plugin then
  runs the rule without its own ``srun`` wrapper and the rule launches
  ``<launcher> -n <ranks> lmp`` (:func:`mpi_command`): ``mpirun`` locally, ``srun`` inside
  the Slurm allocation, never one inside the other. GPU MPI jobs say ``tasks_per_gpu``
  explicitly, because the plugin would otherwise turn ``tasks`` into ``--ntasks-per-gpu``.
"""

from __future__ import annotations

import math
import shlex
from dataclasses import dataclass

#: Where an MPI class takes its rank count from: ``mpi_ranks`` of a block of the scale, the
#: DFT block when the oracle is a DFT code (``dft``), or the DFT block always (``dft_reference``:
#: the oracle benchmark labels with CP2K whatever the oracle).
RANK_SOURCES = ("md", "bulk_md", "glass_md", "dft", "dft_reference")
#: Oracles whose labelling runs an MPI DFT code (``dft.mpi_ranks`` ranks).
DFT_ORACLES = ("cp2k", "vasp")


@dataclass(frozen=True)
class JobSize:
    """Resolved size of one rule's jobs at one scale.

    Attributes
    ----------
    rule : str
    cores_per_rank : int
        Cores of one process (OpenMP / PyTorch threads); the whole job when not MPI.
    mpi_ranks : int
        MPI ranks (1: not an MPI job).
    mem_mb : int
        Memory of the first attempt (MB).
    runtime_min : int
        Wall-time limit (minutes).
    gpus : int
        GPUs of the job (0 on CPU machines).
    launcher : str or None
        MPI launcher when ``mpi_ranks`` > 1 (``mpirun``, ``srun --mpi=pmi2``, ...).
    """

    rule: str
    cores_per_rank: int
    mpi_ranks: int
    mem_mb: int
    runtime_min: int
    gpus: int
    launcher: str | None

    @property
    def threads(self) -> int:
        """Cores of the whole job: ranks x cores per rank (Snakemake ``threads``)."""
        return self.mpi_ranks * self.cores_per_rank

    def resources(self) -> dict:
        """Snakemake ``resources`` of the rule.

        Returns
        -------
        dict
            ``mem_mb`` (a callable of the attempt: memory grows on retries), ``runtime``
            (min), ``cpus_per_task``, ``gpu`` (0 without GPUs); ``tasks`` and ``mpi`` (the
            launcher) for an MPI job, plus ``tasks_per_gpu`` when it also has GPUs.
        """
        base_mem = self.mem_mb
        out = {
            "mem_mb": lambda wildcards, attempt: base_mem * attempt,
            "runtime": self.runtime_min,
            "cpus_per_task": self.cores_per_rank if self.mpi_ranks > 1 else self.threads,
            # always present (0: no GPU) so that rules can read it; the Slurm plugin asks
            # for --gpus only when it is > 0
            "gpu": self.gpus,
        }
        if self.mpi_ranks > 1:
            out["tasks"] = self.mpi_ranks
            out["mpi"] = self.launcher
            if self.gpus:
                out["tasks_per_gpu"] = math.ceil(self.mpi_ranks / self.gpus)
        return out


def _per_scale(value, scale: str, where: str):
    """``value`` itself, or its entry for ``scale`` when it is a per-scale map."""
    if isinstance(value, dict):
        if scale not in value:
            raise ValueError(f"{where}: no value for scale {scale!r} (has {sorted(value)})")
        return value[scale]
    return value


def rule_class(table: dict, rule: str) -> dict:
    """Resource class of ``rule`` with the rule's own overrides applied.

    Parameters
    ----------
    table : dict
        The ``resources`` block (``classes``, ``rules``).
    rule : str

    Raises
    ------
    ValueError
        If the rule has no entry in ``resources.rules`` or names an unknown class.
    """
    entry = table["rules"].get(rule)
    if entry is None:
        raise ValueError(
            f"rule {rule!r} has no entry in resources.rules (config/resources.yaml): "
            f"add it with one of the classes {sorted(table['classes'])}"
        )
    if isinstance(entry, str):
        entry = {"class": entry}
    name = entry["class"]
    if name not in table["classes"]:
        raise ValueError(
            f"resources.rules.{rule}: unknown class {name!r} (classes: {sorted(table['classes'])})"
        )
    return {**table["classes"][name], **{k: v for k, v in entry.items() if k != "class"}}


def mpi_ranks(source: str | None, config: dict, scale: str) -> int:
    """MPI ranks of a class whose ranks come from ``source`` (see :data:`RANK_SOURCES`).

    ``dft`` counts only when the oracle is a DFT code; an ML oracle runs in one process.
    """
    if source is None:
        return 1
    if source == "dft":
        return int(config["dft"]["mpi_ranks"]) if config["oracle"] in DFT_ORACLES else 1
    if source == "dft_reference":
        return int(config["dft"]["mpi_ranks"])
    return int(config["scales"][scale][source]["mpi_ranks"])


def job_size(table: dict, rule: str, config: dict, scale: str | None = None) -> JobSize:
    """Resolved :class:`JobSize` of ``rule`` under ``config``.

    Parameters
    ----------
    table : dict
        The ``resources`` block of the config.
    rule : str
        Rule name.
    config : dict
        Workflow config (``scale``, ``oracle``, ``oracle_threads``, ``deepmd_device``,
        ``mpi_launcher``, ``dft``, ``dispatcher``, ``scales``).
    scale : str, optional
        Defaults to ``config["scale"]``.

    Raises
    ------
    ValueError
        Rule missing from the table, unknown class, a per-scale map without this scale, or
        an unknown rank source.
    """
    scale = scale or config["scale"]
    cls = rule_class(table, rule)
    where = f"resources.rules.{rule}"
    threads = _per_scale(cls.get("threads", 1), scale, f"{where}.threads")
    if threads == "oracle_threads":
        threads = config["oracle_threads"]
    if "dispatcher_threads" in cls and config["dispatcher"]["batch_type"] != "Shell":
        # DP-GEN submits its stages as their own jobs: the driver only waits
        threads = cls["dispatcher_threads"]
    source = cls.get("mpi_ranks_from")
    if source is not None and source not in RANK_SOURCES:
        raise ValueError(f"{where}.mpi_ranks_from: {source!r} is not one of {RANK_SOURCES}")
    ranks = mpi_ranks(source, config, scale)
    launcher = None
    if ranks > 1:
        launcher = (config["dft"]["mpi_launcher"] if source.startswith("dft")
                    else config["mpi_launcher"])
    gpus = int(cls.get("gpus", 0)) if config["deepmd_device"] == "gpu" else 0
    return JobSize(rule=rule, cores_per_rank=int(threads), mpi_ranks=ranks,
                   mem_mb=int(_per_scale(cls["mem_mb"], scale, f"{where}.mem_mb")),
                   runtime_min=int(_per_scale(cls["runtime_min"], scale, f"{where}.runtime_min")),
                   gpus=gpus, launcher=launcher)


def check_resource_table(table: dict, rules: list[str], scales: list[str]) -> None:
    """Every rule has an entry, every entry is a rule, every class resolves at every scale.

    Parameters
    ----------
    table : dict
        The ``resources`` block.
    rules : list of str
        Names of the workflow's rules.
    scales : list of str
        Scales to resolve per-scale values for.

    Raises
    ------
    ValueError
        Naming the rules without an entry, the entries without a rule, or the first value
        that does not resolve.
    """
    missing = sorted(set(rules) - set(table["rules"]))
    unknown = sorted(set(table["rules"]) - set(rules))
    if missing:
        raise ValueError(f"rules without an entry in resources.rules (config/resources.yaml): "
                         f"{missing}")
    if unknown:
        raise ValueError(f"resources.rules names rules the workflow does not have: {unknown}")
    for rule in rules:
        cls = rule_class(table, rule)
        for key in ("mem_mb", "runtime_min", "threads"):
            for scale in scales:
                _per_scale(cls.get(key, 1), scale, f"resources.rules.{rule}.{key}")


def mpi_command(binary: str | list[str], ranks: int, launcher: str | None) -> list[str]:
    """Command line of ``binary`` on ``ranks`` MPI ranks.

    ``[binary]`` for one rank; ``[*launcher, "-n", ranks, binary]`` otherwise (``-n`` is
    understood by MPICH's and Open MPI's ``mpirun`` and by ``srun``).

    Raises
    ------
    ValueError
        If ``ranks`` < 1, or ``ranks`` > 1 without a launcher.
    """
    binary = [binary] if isinstance(binary, str) else list(binary)
    if ranks < 1:
        raise ValueError(f"MPI ranks must be >= 1, got {ranks}")
    if ranks == 1:
        return binary
    if not launcher:
        raise ValueError(f"{ranks} MPI ranks need a launcher (resources.mpi / mpi_launcher)")
    return [*shlex.split(launcher), "-n", str(int(ranks)), *binary]
