#!/usr/bin/env bash
# Time the paper-scale DAG resolution (snakemake -n with the Slurm profile), whole process:
# one warm-up, then 5 runs under /usr/bin/time (wall s, peak RSS kB), median printed last.
# Run from the repository root:
#   PATH=.venv/bin:$PATH bench/dag_time.sh
set -euo pipefail
cmd=(snakemake -n --quiet rules --config scale=paper --workflow-profile profiles/slurm
    --sdm env-modules)
"${cmd[@]}" >/dev/null 2>&1 # warm-up
walls=()
for i in 1 2 3 4 5; do
    out=$({ /usr/bin/time -f "%e %M" "${cmd[@]}" >/dev/null 2>/dev/null; } 2>&1 | tail -1)
    echo "run $i: wall_s peak_rss_kB = $out"
    walls+=("${out%% *}")
done
printf '%s\n' "${walls[@]}" | sort -g | sed -n 3p | xargs echo "median wall_s:"
