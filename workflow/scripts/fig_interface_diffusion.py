"""Rule fig_interface_diffusion: decomposition_interfaces Fig. 4 and Table S8 (paper 002):
in-plane / out-of-plane D* of Li by origin at the metal | binary interfaces."""

import sys
from pathlib import Path

import pandas as pd

from seiflow.plot.interface_transport import plot_origin_diffusion
from seiflow.provenance import write_output_provenance

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p, i, o = snakemake.params, snakemake.input, snakemake.output  # noqa: F821
    table = pd.concat([pd.read_csv(f) for f in i.csv], ignore_index=True)
    plot_origin_diffusion(table, o.png, o.csv, title=p.title)
    cols = ["system", "temperature_K", "origin", "group", "direction", "n_li", "D_cm2_s",
            "D_std_cm2_s", "D_ci95_lo_cm2_s", "D_ci95_hi_cm2_s", "diffusive", "msd_end_A2",
            "start_fit_ps", "end_fit_ps", "fit_window_method", "fit_window_fallback",
            "n_vacancies", "n_li_region", "vacancy_fraction"]
    Path(o.table).parent.mkdir(parents=True, exist_ok=True)
    table[cols].to_csv(o.table, index=False)
    print(table[cols].to_string())
    write_output_provenance(snakemake, o.prov)  # noqa: F821
