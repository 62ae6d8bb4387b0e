"""Rule fig_model_parity: energy/force parity figure and RMSE table of the final model."""

import sys
from pathlib import Path

import pandas as pd

from seiflow.provenance import write_output_provenance
from seiflow.plot.figures import plot_parity
from seiflow.model.dp_test import parity_rmse, read_dp_test_detail

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    df = read_dp_test_detail(Path(snakemake.input[0]) / "detail")  # noqa: F821
    rmse = parity_rmse(df)
    plot_parity(df, rmse, snakemake.output.png, snakemake.output.csv)  # noqa: F821
    Path(snakemake.output.rmse).parent.mkdir(parents=True, exist_ok=True)  # noqa: F821
    pd.DataFrame([{**rmse, "reference": snakemake.params.oracle}]).to_csv(  # noqa: F821
        snakemake.output.rmse, index=False  # noqa: F821
    )
    print(rmse)
    write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
