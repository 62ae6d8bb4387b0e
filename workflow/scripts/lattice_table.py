"""Rule lattice_table: relaxed vs experimental / published lattice constants of all phases."""

import sys
from pathlib import Path

from seiflow.builders.bulk import lattice_table, load_lattice_reference, read_relaxed
from seiflow.provenance import write_output_provenance


def run(json_paths, reference_file, out_csv):
    """Table of every relaxed phase; the phase name is the JSON file stem."""
    results = {Path(p).stem: read_relaxed(p) for p in json_paths}
    df = lattice_table(results, load_lattice_reference(reference_file))
    Path(out_csv).parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(out_csv, index=False)
    print(df.to_string())


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    run(snakemake.input.relaxed, snakemake.input.reference, snakemake.output.csv)  # noqa: F821
    write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
