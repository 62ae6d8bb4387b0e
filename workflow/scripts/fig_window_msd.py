"""Rule fig_window_msd: symmetric_cell Fig. 2b (paper 001): window-averaged MSD of the
metal-region Li by PTM class (BCC, HCP, FCC, other), in-plane (xy) and out-of-plane (z), from
one production run streamed frame by frame."""

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from seiflow.plot.style import apply_style, plt, save_figure, sns
from seiflow.md.lammps import dump_times_ps, run_frames
from seiflow.analysis.phase_transport import PHASES, check_windows, phase_window_msd, window_summary
from seiflow.provenance import write_output_provenance
from seiflow.plot.snapshots import label_colors

_PANELS = {"xy": "in-plane (xy, d = 2)", "z": "out-of-plane (z, d = 1)"}


def window_msd_of_run(md_dir, md, type_map, origins_ps, window_ps, ps4_cutoff_A,
                      ptm_rmsd_cutoff):
    """(msd, counts, summary) of one production run; the origins and window are checked
    against the run's frame grid before the trajectory is read."""
    check_windows(dump_times_ps(md), origins_ps, window_ps)
    msd, counts = phase_window_msd(run_frames(md_dir, type_map, md), origins_ps, window_ps,
                                   ps4_cutoff_A=ps4_cutoff_A, ptm_rmsd_cutoff=ptm_rmsd_cutoff)
    return msd, counts, window_summary(msd)


def plot_window_msd(msd, counts, summary, png, csv, title):
    """Panels: MSD vs lag in-plane and out-of-plane (one line per class present, ± s.e.m.),
    metal Li per class at each origin.  The CSV holds the three tables (``kind``: ``msd``,
    ``origin count``, ``summary``), xyz MSD included."""
    colours = label_colors()
    apply_style()
    fig, axes = plt.subplots(1, 3, figsize=(10.5, 3.3),
                             gridspec_kw={"width_ratios": [1.0, 1.0, 0.8]})
    absent = [p for p in PHASES if not summary.loc[summary["phase"] == p, "present"].any()]
    for ax, (dims, label) in zip(axes[:2], _PANELS.items()):
        for phase in PHASES:
            g = msd[(msd["phase"] == phase) & (msd["dims"] == dims) & msd["present"]]
            if g.empty:
                continue
            emph = phase in ("BCC", "HCP")  # the two classes of paper 001 Fig. 2b
            n = int(g["n_pairs"].iloc[0])
            ax.plot(g["lag_ps"], g["msd_A2"], color=colours[phase], lw=1.8 if emph else 1.0,
                    ls="-" if emph else "--", label=f"{phase} (n = {n})")
            ax.fill_between(g["lag_ps"], g["msd_A2"] - g["sem_A2"].fillna(0),
                            g["msd_A2"] + g["sem_A2"].fillna(0), color=colours[phase],
                            alpha=0.2, lw=0)
        ax.set_xlabel("lag after origin (ps)")
        ax.set_ylabel(r"window-averaged MSD (Å$^2$)")
        ax.set_title(label, fontsize="small")
        ax.legend(frameon=False, fontsize="x-small",
                  title=f"absent: {', '.join(absent)}" if absent else None,
                  title_fontsize="x-small")
    bars = counts.pivot(index="origin_ps", columns="phase", values="n_atoms")[list(PHASES)]
    bottom = np.zeros(len(bars))
    x = np.arange(len(bars))
    for phase in PHASES:
        axes[2].bar(x, bars[phase], bottom=bottom, color=colours[phase], label=phase)
        bottom += bars[phase].to_numpy()
    axes[2].set_xticks(x, [f"{o:g}" for o in bars.index], rotation=45, fontsize="x-small")
    axes[2].set_xlabel("origin (ps)")
    axes[2].set_ylabel("metal-region Li at the origin")
    axes[2].legend(frameon=False, fontsize="x-small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    sns.despine(fig)
    fig.suptitle(title, fontsize="small")
    fig.tight_layout()
    data = pd.concat([msd.assign(kind="msd"), counts.assign(kind="origin count"),
                      summary.assign(kind="summary")], ignore_index=True)
    save_figure(fig, data, png, csv)


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p, o = snakemake.params, snakemake.output  # noqa: F821
    msd, counts, summary = window_msd_of_run(
        Path(snakemake.input.done).parent, p.md, p.type_map, p.origins_ps,  # noqa: F821
        p.window_ps, p.ps4_cutoff_A, p.ptm_rmsd_cutoff)
    origins = ", ".join(f"{t:g}" for t in p.origins_ps)
    title = (f"metal Li by PTM class, window-averaged MSD (paper 001 Fig. 2b): run {p.run}, "
             f"origins {origins} ps, {p.window_ps:g} ps windows")
    plot_window_msd(msd, counts, summary, o.png, o.csv, title)
    print(counts.to_string())
    print(summary.to_string())
    write_output_provenance(snakemake, o.prov)  # noqa: F821
