"""Rule sei_analysis: per-frame intact PS4, SEI thickness and alpha, streamed over dumps."""

import json
import sys
from pathlib import Path

from seiflow.md.lammps import dump_times_ps, run_frames
from seiflow.analysis.sei_formation import analyse_trajectory

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    md_dir = Path(snakemake.input.done).parent  # noqa: F821
    info = json.loads(Path(snakemake.input.info).read_text())  # noqa: F821
    df = analyse_trajectory(
        (atoms for atoms, _t in run_frames(md_dir, p.type_map, p.md)),
        dump_times_ps(p.md),
        info["n_formula_units_lpsc"],
        ps4_cutoff=p.analysis["ps4_cutoff_A"],
        ps_cn_cutoff=p.analysis["ps_cn_cutoff_A"],
    )
    for i, (key, value) in enumerate(p.conditions.items()):
        df.insert(1 + i, key, value)
    df.insert(1, "run", snakemake.wildcards.run)  # noqa: F821
    df.to_csv(snakemake.output[0], index=False)  # noqa: F821
    print(df.to_string())
