"""Rule provenance: write results/<scale>/provenance.json."""

import json
import sys

from seiflow.provenance import provenance_record

if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    i = snakemake.input  # noqa: F821
    record = provenance_record(
        dict(snakemake.params.config),  # noqa: F821
        {"structures": list(i.structures), "models": list(i.models),
         "resources": [i.resources]},
        list(i.figures),
    )
    with open(snakemake.output[0], "w") as fh:  # noqa: F821
        json.dump(record, fh, indent=2, default=str)
