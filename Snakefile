# SEI formation at Li-metal / sulfide solid-electrolyte interfaces.
# Structures -> DP-GEN active learning -> DeePMD-kit model -> LAMMPS MD -> analyses -> figures.
# Usage: snakemake --cores all --config scale=demo   (see README.md)
from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"
configfile: "config/resources.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/structures.smk"
include: "workflow/rules/active_learning.smk"
include: "workflow/rules/training.smk"
include: "workflow/rules/md.smk"
include: "workflow/rules/bulk_md.smk"
include: "workflow/rules/transport.smk"
include: "workflow/rules/phase_transport.smk"
include: "workflow/rules/classification.smk"
include: "workflow/rules/analysis.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/sei_figures.smk"
include: "workflow/rules/bulk.smk"
include: "workflow/rules/terminations.smk"
include: "workflow/rules/termination_interfaces.smk"
include: "workflow/rules/glass.smk"
include: "workflow/rules/glass_crystallisation.smk"
include: "workflow/rules/decomposition.smk"


# every rule has a job size in config/resources.yaml, and every entry there is a rule
check_resource_table(
    config["resources"], [r.name for r in workflow.rules], list(config["scales"])
)


rule all:
    default_target: True
    input:
        all_targets(),
