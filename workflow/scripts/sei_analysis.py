"""Rule sei_analysis: per-frame intact PS4, SEI thickness and alpha, streamed over dumps."""

import json
import sys
from pathlib import Path

from seiflow.lammps_md import segment_dumps
from seiflow.sei_analysis import analyse_trajectory, iter_lammps_dump


def dump_steps(md):
    """Dumped timesteps: 0, dump_every, ..., nvt_steps + npt_steps (one clock from contact)."""
    return list(range(0, md["nvt_steps"] + md["npt_steps"] + 1, md["dump_every"]))


def frames_in_order(md_dir, type_map, expected_steps):
    """Frames of all segment dumps, each timestep once (segments share boundary frames).

    Raises RuntimeError if the dumped timesteps differ from ``expected_steps`` (a missing or
    foreign segment), so times are never silently shifted.
    """
    expected = iter(expected_steps)
    last = -1
    for dump in segment_dumps(md_dir):
        for atoms in iter_lammps_dump(dump, type_map=type_map):
            step = int(atoms.info["timestep"])
            if step <= last:
                continue
            want = next(expected, None)
            if step != want:
                raise RuntimeError(f"{dump}: frame at step {step}, expected step {want}")
            last = step
            yield atoms


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    md_dir = Path(snakemake.input.done).parent  # noqa: F821
    info = json.loads(Path(snakemake.input.info).read_text())  # noqa: F821
    steps = dump_steps(p.md)
    df = analyse_trajectory(
        frames_in_order(md_dir, p.type_map, steps),
        [s * p.md["timestep_fs"] / 1000.0 for s in steps],
        info["n_formula_units_lpsc"],
        ps4_cutoff=p.analysis["ps4_cutoff_A"],
        ps_cn_cutoff=p.analysis["ps_cn_cutoff_A"],
    )
    for i, (key, value) in enumerate(p.conditions.items()):
        df.insert(1 + i, key, value)
    df.insert(1, "run", snakemake.wildcards.run)  # noqa: F821
    df.to_csv(snakemake.output[0], index=False)  # noqa: F821
    print(df.to_string())
