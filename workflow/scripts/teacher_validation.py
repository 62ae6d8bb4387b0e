"""Rule teacher_validation: does the compressed model of a model study reproduce its teacher
(the oracle of this run)? Runs seiflow.model.teacher_validation with the oracle's ASE
calculator and DeePMD-kit's ASE calculator, writes the table and its figure, and fails
(before any production MD) when a check fails and
scales.<scale>.teacher_validation.on_fail is stop."""

import sys
from pathlib import Path

from seiflow.analysis.sei_formation import iter_lammps_dump
from seiflow.model.stability import FINAL_DUMP
from seiflow.model.teacher_validation import read_cell, run_teacher_validation, validation_verdict
from seiflow.oracle.calculators import get_calculator
from seiflow.plot.teacher_validation import plot_teacher_validation
from seiflow.provenance import write_output_provenance


def inputs(p, stability_json, systems):
    """Cells of the checks: the exploding-model check's cell and its final frame, the bulk
    phases, the RDF cell and the reactive Li | electrolyte cell, from the study's
    structures/systems POSCARs."""
    systems = Path(systems)
    own_cells = {f"model_check_{Path(p.check_cell).stem}":
                 (read_cell(p.check_cell, p.type_map), p.check_temperature_K, p.md_timestep_fs)}
    final = Path(stability_json).parent / "stability_md" / FINAL_DUMP
    own_frames = {}
    if final.exists():  # the last frame of the exploding-model check run (LAMMPS)
        frame = next(iter_lammps_dump(final, type_map=p.type_map))
        frame.positions -= frame.get_celldisp()  # box origin -> 0, as read_cell's cells
        frame.set_celldisp([0, 0, 0])
        frame.wrap()
        own_frames["model_check_final"] = [frame]
    phases = {name: read_cell(systems / f"{name}.vasp", p.type_map) for name in p.phases}
    rdf = p.rdf or {}
    rdf_cell = read_cell(systems / f"{rdf['system']}.vasp", p.type_map) if rdf else None
    reactive = p.reactive or {}
    reactive_cell = (read_cell(systems / f"{reactive['system']}.vasp", p.type_map)
                     if reactive else None)
    return own_cells, own_frames, phases, rdf_cell, rdf, reactive_cell, reactive


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    p = snakemake.params  # noqa: F821
    out = snakemake.output  # noqa: F821
    from deepmd.calculator import DP

    own_cells, own_frames, phases, rdf_cell, rdf, reactive_cell, reactive = inputs(
        p, snakemake.input.stability, snakemake.input.systems)  # noqa: F821
    teacher = get_calculator(p.oracle, n_threads=snakemake.threads, dft=p.dft)  # noqa: F821
    model = DP(snakemake.input.model)  # noqa: F821  (types from the model's own type map)
    table, details = run_teacher_validation(
        teacher, model, p.type_map, p.settings, p.block, p.seed, p.li_lattice_A,
        own_cells=own_cells, own_frames=own_frames, phases=phases, rdf_cell=rdf_cell,
        rdf_pairs=rdf.get("pairs", []), rdf_system=rdf.get("system", ""),
        reactive_cell=reactive_cell, reactive_centres=reactive.get("centres", []),
        reactive_system=reactive.get("system", ""), tetrahedron_cutoff_A=p.ps4_cutoff_A,
        log=lambda msg: print(msg, flush=True))
    print(table.to_string())
    ok, message = validation_verdict(table, p.settings["on_fail"], snakemake.input.model,  # noqa: F821
                                     p.switch)
    print(message)
    if not ok:
        raise RuntimeError(message)
    Path(out.table).parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out.table, index=False)
    plot_teacher_validation(table, out.png, out.csv,
                            f"{snakemake.wildcards.study} model vs teacher {p.oracle}")  # noqa: F821
    write_output_provenance(snakemake, out.prov)  # noqa: F821
