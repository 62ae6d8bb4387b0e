"""Rule fig_glass_crystallisation: paper 000 Fig. 5 (crystalline share, P occupancy, Li
vacancies vs time), Fig. S8 (SEI thickness and Li|SEI boundary, post-onset rates), Fig. S9
(which seeds crystallise) and the crystalline-SEI text numbers (tables/numbers.csv)."""

import json
import sys
from pathlib import Path

import pandas as pd

from seiflow.analysis.glass_crystallisation_tables import numbers_table
from seiflow.plot.glass_crystallisation import plot_fig5, plot_figS8, plot_figS9
from seiflow.provenance import write_output_provenance

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p, i, o = snakemake.params, snakemake.input, snakemake.output  # noqa: F821
    threshold = p.crystallisation["threshold"]
    summaries = [json.loads(Path(f).read_text()) for f in i.summaries]
    series = pd.concat([pd.read_csv(f) for f in i.series], ignore_index=True)
    main, replicas = summaries[0], summaries[1:]
    if main["run"] != p.composition:
        raise ValueError(f"first summary is {main['run']}, expected {p.composition}")
    onset = main["onset_ps"]
    plot_fig5(series[series["run"] == p.composition], onset, threshold, o.fig5, o.fig5_csv,
              title=f"{p.composition}: SEI crystallisation (paper 000 Fig. 5)")
    plot_figS8(pd.read_csv(i.interfaces, keep_default_na=False, na_values=[""]), onset, main,
               p.growth_profile, o.figS8, o.figS8_csv,
               title=f"{p.composition}: SEI thickness and Li|SEI boundary (paper 000 Fig. S8)")
    plot_figS9(series, summaries, threshold, o.figS9, o.figS9_csv,
               title=f"{p.composition}: velocity seeds (paper 000 Fig. S9)")
    numbers = numbers_table(main, replicas, pd.read_csv(i.conductivity))
    Path(o.numbers).parent.mkdir(parents=True, exist_ok=True)
    numbers.to_csv(o.numbers, index=False)
    print(numbers.to_string())
    write_output_provenance(snakemake, o.prov)  # noqa: F821
