"""Rule training_input: DeePMD-kit input.json of the final model."""

import json
import os
import sys
from pathlib import Path

from seiflow.model.active_learning import deepmd_system_dirs
from seiflow.model.dpgen_inputs import deepmd_training_input, short_range_settings


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    out = Path(snakemake.output[0])  # noqa: F821
    rel = lambda d: os.path.relpath(d, out.parent)  # noqa: E731
    cfg = deepmd_training_input(
        p.type_map,
        p.descriptor,
        p.dpgen["neuron_descriptor"],
        p.dpgen["axis_neuron"],
        p.dpgen["neuron_fitting"],
        p.final_model["training_steps"],
        p.seed,
        stop_lr=p.final_model["stop_lr"],
        training_systems=[rel(d) for d in deepmd_system_dirs(snakemake.input.train)],  # noqa: F821
        validation_systems=[rel(d) for d in deepmd_system_dirs(snakemake.input.valid)],  # noqa: F821
        short_range=short_range_settings(p.short_range, snakemake.input.zbl, out.parent),  # noqa: F821
    )
    out.write_text(json.dumps(cfg, indent=2))
    print(json.dumps(cfg, indent=2))
