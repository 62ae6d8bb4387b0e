# SEI formation at Li-metal / sulfide solid-electrolyte interfaces.
# Structures -> DP-GEN active learning -> DeePMD-kit model -> LAMMPS MD -> analyses -> figures.
# Usage: snakemake --cores all --config scale=demo   (see README.md)
from snakemake.utils import min_version

min_version("9.0")

import sys

sys.path.insert(0, f"{workflow.basedir}/workflow/scripts")
from seiflow.config.checks import check_yaml_syntax

# a broken YAML file is named with its line (snakemake says only "not valid JSON or YAML")
check_yaml_syntax(["config/config.yaml", "config/resources.yaml"])


configfile: "config/config.yaml"
configfile: "config/resources.yaml"


include: "workflow/rules/common.smk"
# data-producing stages
include: "workflow/rules/stages/structures.smk"
include: "workflow/rules/stages/active_learning.smk"
include: "workflow/rules/stages/training.smk"
include: "workflow/rules/stages/md.smk"
include: "workflow/rules/stages/validation.smk"
include: "workflow/rules/stages/bulk_md.smk"
include: "workflow/rules/stages/bulk.smk"
include: "workflow/rules/stages/transport.smk"
include: "workflow/rules/stages/classification.smk"
include: "workflow/rules/stages/analysis.smk"
include: "workflow/rules/stages/terminations.smk"
include: "workflow/rules/stages/glass.smk"
include: "workflow/rules/stages/decomposition.smk"
include: "workflow/rules/stages/report.smk"
# figure and table rules of each study (workflow/figure_index.yaml names each rule's file)
include: "workflow/rules/studies/models.smk"
include: "workflow/rules/studies/shared.smk"
include: "workflow/rules/studies/symmetric_cell.smk"
include: "workflow/rules/studies/two_step.smk"
include: "workflow/rules/studies/terminations.smk"
include: "workflow/rules/studies/decomposition_interfaces.smk"
include: "workflow/rules/studies/glass.smk"


# every rule has a job size in config/resources.yaml, and every entry there is a rule
check_resource_table(
    config["resources"], [r.name for r in workflow.rules], list(config["scales"])
)


rule all:
    default_target: True
    input:
        all_targets(),
