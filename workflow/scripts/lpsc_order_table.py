"""Rule lpsc_order_table: terminations tab1 (ordered vs disordered Li6PS5Cl, paper 003
Table 1) and the lowest-energy relaxed cell of each anion order."""

import sys

from seiflow.builders.bulk import (keep_lowest_energy, load_lattice_reference, lpsc_order_tables,
                          read_relaxed)
from seiflow.provenance import write_output_provenance


def run(json_paths, reference_file, oracle, out):
    """Write tab1.csv and the per-seed CSV; keep the lowest-energy cell of each order."""
    records = [read_relaxed(p) for p in json_paths]
    per_seed, table = lpsc_order_tables(records, load_lattice_reference(reference_file), oracle)
    per_seed.to_csv(out.seeds, index=False)
    table.to_csv(out.tab1, index=False)
    print(table.to_string())
    for order in ("ordered", "disordered"):
        kept = keep_lowest_energy(json_paths, order, out[f"{order}_extxyz"],
                                  out[f"{order}_json"])
        print(f"{order}: kept {kept['selected_from']} "
              f"(E = {kept['energy_per_fu_eV']:.4f} eV/f.u.)")


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    run(snakemake.input.relaxed, snakemake.input.reference,  # noqa: F821
        snakemake.params.oracle, snakemake.output)  # noqa: F821
    write_output_provenance(snakemake, snakemake.output.prov)  # noqa: F821
