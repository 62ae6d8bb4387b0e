"""Rule oracle_benchmark: embedded teachers (CHGNet, SevenNet) vs the reference oracle (CP2K).

Inputs: ``init`` (the ``init_data/<system>`` deepmd/npy folders of a study). Params: ``teachers``,
``reference``, ``n_frames_per_system``, ``max_atoms``, ``seed``, ``oracle_threads``. Outputs:
``table`` (CSV, :func:`seiflow.oracle.benchmark.error_table`), ``png`` + ``csv`` (parity figure
and its data), ``json`` (picked default, rule, energy shifts, timings); optional ``prov``.
"""

import json
import sys
from pathlib import Path

import numpy as np

from seiflow.oracle.benchmark import (PICK_RULE, error_table, label_benchmark, pick_default,
                                      shifted_energies)
from seiflow.plot.oracle_benchmark import parity_plot


def main(smk) -> None:
    p = smk.params
    dirs = {Path(d).name: str(d) for d in smk.input.init}
    from seiflow.oracle.calculators import get_calculator

    def factory(name, n_threads):  # DFT settings from the dft config block
        return get_calculator(name, n_threads, dft=p.dft)

    frames, ref, teachers = label_benchmark(dirs, list(p.teachers), p.reference,
                                            int(p.n_frames_per_system), int(p.max_atoms),
                                            int(p.seed), int(p.oracle_threads),
                                            calculator_factory=factory)
    table = error_table(ref, teachers, frames)
    Path(smk.output.table).parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(smk.output.table, index=False)
    print(table.to_string(index=False))
    parity_plot(ref, teachers, frames, smk.output.png, smk.output.csv, reference_name=p.reference)
    shifts = {t: shifted_energies(ref, labels, frames)[1:] for t, labels in teachers.items()}
    summary = {
        "default": pick_default(table), "rule": PICK_RULE, "reference": p.reference,
        "teachers": list(teachers), "n_frames": len(frames),
        "frames_per_system": {s: sum(a.info["system"] == s for a in frames)
                              for s in dict.fromkeys(a.info["system"] for a in frames)},
        "energy_shift_mode": {t: mode for t, (_, mode) in shifts.items()},
        "energy_shifts_eV_per_atom": {t: mu for t, (mu, _) in shifts.items()},
        "reference_seconds_per_frame": float(np.mean([r["wall_s"] for r in ref])),
    }
    Path(smk.output.json).write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))
    if getattr(smk.output, "prov", None):
        from seiflow.provenance import write_output_provenance

        write_output_provenance(smk, smk.output.prov)


if __name__ == "__main__":
    if snakemake.log:  # noqa: F821
        sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    main(snakemake)  # noqa: F821
