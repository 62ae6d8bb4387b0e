"""Rule structure_analysis: SEI regions, composition, coordination, crystallinity, profiles,
region RDFs and Li flux of one production run, streamed frame by frame (issue 4)."""

import sys
from pathlib import Path

import ase.io

from seiflow.md.lammps import dump_times_ps, run_frames
from seiflow.analysis.sei_structure import StructureSettings, run_structure_analysis


def analyse_run(md_dir, md, type_map, structure, window_ps, rdf_r_max_A, ps4_cutoff_A,
                conditions, run):
    """Run the streaming analysis; return the analysis object and the condition columns."""
    settings = StructureSettings.from_config({**structure, "rdf_r_max_A": rdf_r_max_A},
                                             window_ps, ps4_cutoff_A)
    frames = (atoms for atoms, _t in run_frames(md_dir, type_map, md))
    ana = run_structure_analysis(frames, dump_times_ps(md), settings, species=type_map)
    return ana, {"run": run, **conditions}


def _with_conditions(df, cond):
    for i, (k, v) in enumerate(cond.items()):
        df.insert(i, k, v)
    return df


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    o = snakemake.output  # noqa: F821
    ana, cond = analyse_run(Path(snakemake.input.done).parent, p.md, p.type_map,  # noqa: F821
                            p.structure, p.window_ps, p.rdf_r_max_A, p.ps4_cutoff_A,
                            p.conditions, snakemake.wildcards.run)  # noqa: F821
    _with_conditions(ana.frames(), cond).to_csv(o.frames, index=False)
    _with_conditions(ana.profiles(), cond).to_csv(o.profiles, index=False)
    _with_conditions(ana.cn_profiles(), cond).to_csv(o.cn_profiles, index=False)
    _with_conditions(ana.rdfs(), cond).to_csv(o.rdf, index=False)
    _with_conditions(ana.flux(), cond).to_csv(o.flux, index=False)
    snaps = []
    for atoms in (ana.first, ana.last):
        a = atoms.copy()
        a.calc = None
        for k in ("region", "li_ptm"):
            a.arrays[k] = atoms.arrays[k].astype("U16")
        snaps.append(a)
    ase.io.write(o.snapshots, snaps, format="extxyz")
    print(ana.frames().iloc[[0, -1]].T.to_string())
