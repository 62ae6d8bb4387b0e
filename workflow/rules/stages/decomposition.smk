# decomposition_interfaces (paper 002, issue 7): Tasker slabs and surface energies of the
# decomposition products and Li/Na metal (Fig. 1 Wulff shapes), coherent-interface lattice
# match (Table S3) and interface energetics E_f, sigma, W_adh (Eqs. 2-5, Fig. 2).
# Figures and tables: studies/decomposition_interfaces.smk.
#
# Config keys (see config/README.md):
#   config["decomposition"]: symprec_A, termination_ftol_A, optimizer, bulk_energy_tol_eV_atom,
#       mismatch_definition, interface_cell_choice, n_cell_candidates,
#       zsl {max_length_tol, max_angle_tol, max_area_ratio_tol}, interface_gap_A,
#       interface_cell_relax
#   S["decomposition"]: phases, max_miller_index, miller_indices, min_slab_A, min_vacuum_A,
#       fmax_eV_A, relax_steps, max_area_A2, max_interface_atoms, binary_thickness_A,
#       metal_thickness_A, pairings
# Inputs from the bulk stage (stages/bulk.smk): results/<scale>/bulk/relaxed/<phase>.{extxyz,json}.

# workflow/scripts is on sys.path (common.smk)
from seiflow.builders.metal_binary import pairing_id

DEC = f"{RES}/decomposition_interfaces"
DEC_CFG = config["decomposition"]
DEC_S = S["decomposition"]
DEC_PAIRINGS = {pairing_id(p): p for p in DEC_S["pairings"]}


# seiflow.builders.surfaces.compute_phase_surfaces settings
DEC_SURFACE_SETTINGS = {
    "symprec": DEC_CFG["symprec_A"],
    "max_miller_index": DEC_S["max_miller_index"],
    "miller_indices": DEC_S["miller_indices"],
    "min_slab_A": DEC_S["min_slab_A"],
    "min_vacuum_A": DEC_S["min_vacuum_A"],
    "ftol_A": DEC_CFG["termination_ftol_A"],
    "fmax_eV_A": DEC_S["fmax_eV_A"],
    "relax_steps": DEC_S["relax_steps"],
    "optimizer": DEC_CFG["optimizer"],
    "bulk_energy_tol_eV_atom": DEC_CFG["bulk_energy_tol_eV_atom"],
}
# seiflow.builders.metal_binary.lattice_match_tables / relax_interface_energetics settings:
# Table S3 and the interface cells (Fig. 2, MD of Fig. 4) use the same cell choice.
DEC_INTERFACE_SETTINGS = {
    "symprec_A": DEC_CFG["symprec_A"],
    "metal_thickness_A": DEC_S["metal_thickness_A"],
    "binary_thickness_A": DEC_S["binary_thickness_A"],
    "max_area_A2": DEC_S["max_area_A2"],
    "zsl": DEC_CFG["zsl"],
    "mismatch_definition": DEC_CFG["mismatch_definition"],
    "interface_cell_choice": DEC_CFG["interface_cell_choice"],
    "max_interface_atoms": DEC_S["max_interface_atoms"],
    "n_cell_candidates": DEC_CFG["n_cell_candidates"],
    "gap_A": DEC_CFG["interface_gap_A"],
    "cell_relax": DEC_CFG["interface_cell_relax"],
    "fmax_eV_A": DEC_S["fmax_eV_A"],
    "relax_steps": DEC_S["relax_steps"],
    "optimizer": DEC_CFG["optimizer"],
}
# phases used by the pairings, in config order
DEC_PAIRING_PHASES = list(
    dict.fromkeys(ph for p in DEC_S["pairings"] for ph in (p["metal"], p["binary"]))
)


rule decomposition_surfaces:
    """Tasker slabs of one phase, gamma from fixed-cell oracle relaxations (Eq. 1) and its
    Wulff construction."""
    input:
        extxyz=f"{RES}/bulk/relaxed/{{phase}}.extxyz",
        json=f"{RES}/bulk/relaxed/{{phase}}.json",
    output:
        json=f"{DEC}/surfaces/{{phase}}.json",
        slabs=f"{DEC}/surfaces/{{phase}}_slabs.extxyz",
    log:
        f"logs/{SCALE}/decomposition_interfaces/surfaces_{{phase}}.log",
    benchmark:
        f"benchmarks/{SCALE}/decomposition_interfaces/surfaces_{{phase}}.tsv"
    wildcard_constraints:
        phase="|".join(DEC_S["phases"]),
    conda:
        "../../../envs/oracle.yaml"
    threads: rule_threads("decomposition_surfaces")
    resources:
        **rule_resources("decomposition_surfaces"),
    params:
        oracle=config["oracle"],
        settings=DEC_SURFACE_SETTINGS,
    script:
        "../../scripts/decomposition_surfaces.py"


rule adhesion_interface:
    """One metal | binary interface: build (ZSL cell, Tasker slabs), relax with the oracle,
    z-constrained bulks, E_f / sigma / W_adh (Eqs. 2-5)."""
    input:
        metal_extxyz=lambda wc: f"{RES}/bulk/relaxed/{DEC_PAIRINGS[wc.pairing]['metal']}.extxyz",
        metal_json=lambda wc: f"{RES}/bulk/relaxed/{DEC_PAIRINGS[wc.pairing]['metal']}.json",
        metal_surfaces=lambda wc: f"{DEC}/surfaces/{DEC_PAIRINGS[wc.pairing]['metal']}.json",
        binary_extxyz=lambda wc: f"{RES}/bulk/relaxed/{DEC_PAIRINGS[wc.pairing]['binary']}.extxyz",
        binary_json=lambda wc: f"{RES}/bulk/relaxed/{DEC_PAIRINGS[wc.pairing]['binary']}.json",
        binary_surfaces=lambda wc: f"{DEC}/surfaces/{DEC_PAIRINGS[wc.pairing]['binary']}.json",
    output:
        json=f"{DEC}/interfaces/{{pairing}}.json",
        extxyz=f"{DEC}/interfaces/{{pairing}}.extxyz",
    log:
        f"logs/{SCALE}/decomposition_interfaces/interface_{{pairing}}.log",
    benchmark:
        f"benchmarks/{SCALE}/decomposition_interfaces/interface_{{pairing}}.tsv"
    wildcard_constraints:
        pairing="|".join(DEC_PAIRINGS) or "no-pairing",
    conda:
        "../../../envs/oracle.yaml"
    threads: rule_threads("adhesion_interface")
    resources:
        **rule_resources("adhesion_interface"),
    params:
        oracle=config["oracle"],
        pairing=lambda wc: DEC_PAIRINGS[wc.pairing],
        settings=DEC_INTERFACE_SETTINGS,
    script:
        "../../scripts/adhesion_interface.py"
