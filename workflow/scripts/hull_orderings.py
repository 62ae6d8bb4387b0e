"""Rule hull_orderings: E above hull of every symmetry-distinct Li2S0.75P0.125Cl0.125 ordering
(paper 001 text: most stable 24-atom ordering 27.7 meV/atom above the hull)."""

import json
import sys

import ase.io

from seiflow.builders.bulk import read_relaxed
from seiflow.builders.hull import (
    TERMINALS,
    hull_numbers_table,
    hull_summary,
    hull_table,
    li2s_pcl_orderings,
    relax_orderings,
)
from seiflow.oracle.calculators import get_calculator
from seiflow.provenance import write_output_provenance


def run(li2s_extxyz, terminal_jsons, oracle, n_threads, dft, supercell, n_p, n_cl, symprec_A,
        fmax_eV_A, max_steps, optimizer, keep_symmetry, temperature_K,
        out_csv, out_json, out_extxyz, out_numbers=None):
    """Enumerate the orderings on the oracle-relaxed Li2S cell, relax them, build the hull."""
    terms = [read_relaxed(p) for p in terminal_jsons]
    oracles = {t.get("oracle") for t in terms}
    if oracles != {oracle}:
        raise ValueError(f"terminal phases relaxed with {oracles}, orderings with {oracle!r}")
    li2s = ase.io.read(li2s_extxyz, format="extxyz")
    orderings = li2s_pcl_orderings(li2s, supercell, n_p, n_cl, symprec_A)
    print(f"{len(orderings)} orderings, multiplicities {[o.multiplicity for o in orderings]}")
    calc = get_calculator(oracle, n_threads=n_threads, dft=dft)
    relaxed, table = relax_orderings(orderings, calc, fmax_eV_A, max_steps, optimizer,
                                     keep_symmetry)
    records = [{"name": t.get("phase", t["formula"]), "formula": t["formula"],
                "energy_eV": t["energy_per_fu_eV"]} for t in terms]  # one formula unit each
    records += [{"name": r.ordering, "formula": r.formula, "energy_eV": r.energy_eV}
                for r in table.itertuples()]
    hull = hull_table(records, TERMINALS)
    cols = ["e_above_hull_eV_atom", "e_phase_separation_eV_atom", "formation_energy_eV_atom",
            "decomposition"]
    table = table.merge(hull[["name"] + cols], left_on="ordering", right_on="name").drop(
        columns="name")
    summary = hull_summary(table, hull[hull["is_terminal"]], temperature_K)
    summary.update({"oracle": oracle, "supercell": list(supercell), "n_p": n_p, "n_cl": n_cl,
                    "fmax_eV_A": fmax_eV_A, "max_steps": max_steps, "optimizer": optimizer,
                    "all_converged": bool(table["converged"].all())})
    if out_numbers:
        hull_numbers_table(summary).to_csv(out_numbers, index=False)
    table.insert(0, "oracle", oracle)
    table.to_csv(out_csv, index=False)
    with open(out_json, "w") as fh:
        json.dump(summary, fh, indent=2)
    ase.io.write(out_extxyz, relaxed, format="extxyz")
    print(hull.to_string(), json.dumps(summary, indent=2), sep="\n")


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    run(snakemake.input.li2s, snakemake.input.terminals, p.oracle,  # noqa: F821
        snakemake.threads, snakemake.config["dft"], p.supercell, p.n_p, p.n_cl,  # noqa: F821
        p.symprec_A, p.fmax_eV_A, p.max_steps, p.optimizer, p.keep_symmetry, p.temperature_K,
        snakemake.output.csv, snakemake.output.json, snakemake.output.extxyz,  # noqa: F821
        snakemake.output.numbers)  # noqa: F821
    if getattr(snakemake.output, "prov", None):  # noqa: F821  (optional provenance output)
        write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
