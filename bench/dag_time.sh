#!/usr/bin/env bash
# Time the paper-scale DAG resolution (snakemake -n with the Slurm profile), whole process,
# 5 runs after one warm-up, with farm-bench (tool library). Run from the repository root:
#   PATH=.venv/bin:$PATH bench/dag_time.sh
set -euo pipefail
farm-bench -n 5 --warmup 1 --timeout 300 -- \
    snakemake -n --quiet rules --config scale=paper --workflow-profile profiles/slurm \
    --sdm env-modules
