"""Rule provenance: write results/<scale>/provenance.json, with the verdict of every model's
exploding-model check (a collapse recorded with on_collapse: flag is listed there)."""

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
    record["model_checks"] = {
        path: {k: check.get(k) for k in ("passed", "reason", "collapsed", "n_close_pairs",
                                          "min_pair_distance_A", "max_temperature_K")}
        for path in i.figures if path.endswith("model/stability.json")
        for check in [json.load(open(path))]
    }
    with open(snakemake.output[0], "w") as fh:  # noqa: F821
        json.dump(record, fh, indent=2, default=str)
