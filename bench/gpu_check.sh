#!/usr/bin/env bash
# bench/gpu_check.sh - one-command GPU check of the DeePMD-kit (PyTorch) + LAMMPS stack.
#
# Usage (from anywhere; activates the repository's .venv if present, else dp/lmp from PATH):
#   bash bench/gpu_check.sh [--device gpu|cpu|both] [--out DIR] [--atoms N]
#                           [--train-steps N] [--gpu-md-steps N] [--cpu-md-steps N]
#                           [--threads N] [--step-timeout S]
#   On a lent GPU machine (results come back from $OUT):  bash bench/gpu_check.sh --out "$OUT"
#
# What it does, without any external data or internet:
#   1. prints torch.cuda.is_available(), the device name, torch.version.cuda, a tiny cuda
#      matmul, and `nvidia-smi --query-gpu=name,driver_version,memory.used`;
#   2. makes a tiny training set (bench/gpu_check/make_data.py: rattled/strained bcc Li,
#      54 atoms, labelled with ASE's Lennard-Jones; DeePMD npy format);
#   3. trains a tiny se_e2_a model with `dp --pt train` (bench/gpu_check/input.json) and
#      freezes it, on the GPU and/or on the CPU (CPU forced with DEVICE=cpu, DeePMD-kit's
#      switch in deepmd/pt/utils/env.py, plus CUDA_VISIBLE_DEVICES="");
#   4. runs LAMMPS `pair_style deepmd frozen_model.pth` NVT on a replicated bcc block
#      (bench/gpu_check/in.lammps; --atoms, default 4000 -> 4394 atoms) on the GPU and/or the
#      CPU (CPU: CUDA_VISIBLE_DEVICES="", fewer steps), with an untimed warm-up run first, and
#      computes atom-steps/s = atoms*steps/loop_time from LAMMPS' last "Loop time" line;
#   5. prints a markdown summary and writes DIR/gpu_check.json and DIR/summary.md.
#
# What it proves (each is a PASS/FAIL entry of "proofs" in gpu_check.json):
#   gpu_torch_cuda_usable     torch sees the GPU and a kernel ran on it
#   gpu_train_device_is_cuda  dp train's summary says "Computing Device: CUDA:0"
#   gpu_lammps_model_on_gpu   the DeePMD C++ API printed "load model from: ... to gpu 0"
#   cpu_*                     the CPU comparison really ran on the CPU ("CPU" / "to cpu")
#   *_finished                each step exited 0 and gave a speed
# nvidia-smi is sampled every 0.5 s while dp train and LAMMPS run on the GPU (supporting
# evidence only: containers often hide the process list).
#
# --device both (default): GPU and CPU runs, speed-up GPU/CPU. Without any GPU (no working
#   nvidia-smi) it runs the CPU part only, says "GPU: not available, GPU part not run" and
#   exits 0; if nvidia-smi shows a GPU but torch cannot use it, the CPU part runs and the
#   exit status is 3 (broken GPU setup, e.g. driver older than torch's CUDA build).
# --device gpu: GPU only; exits 2 at once, with a message, when no usable GPU.
# --device cpu: CPU only (smaller default: --atoms 2000), exits 0 when the CPU proofs pass.
# Exit status: 0 all proofs passed, 1 a step or proof failed, 2/3 as above.
# Defaults: --train-steps 300 (each device), --gpu-md-steps 1000 (+20 warm-up), --cpu-md-steps
# 20 (+2 warm-up), --step-timeout 240 s per dp/LAMMPS call. Both LAMMPS runs use the same
# frozen model (the GPU-trained one when the GPU ran) and the same atom count.
# CPU runs use --threads threads (default: $OMP_NUM_THREADS, else all cores), one process.
# Output dir: --out DIR, else $GPU_CHECK_OUT, else bench/gpu_check/out if writable, else mktemp.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ASSETS="$HERE/gpu_check"
REPO="$(cd "$HERE/.." && pwd)"

DEVICE_MODE=both
OUT_DIR="${GPU_CHECK_OUT:-}"
ATOMS=""
TRAIN_STEPS=300
GPU_MD_STEPS=1000
GPU_WARM=20
CPU_MD_STEPS=20
CPU_WARM=2
THREADS="${OMP_NUM_THREADS:-$(nproc)}"
STEP_TIMEOUT=240

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | grep '^#' | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --device) DEVICE_MODE="$2"; shift 2 ;;
    --out) OUT_DIR="$2"; shift 2 ;;
    --atoms) ATOMS="$2"; shift 2 ;;
    --train-steps) TRAIN_STEPS="$2"; shift 2 ;;
    --gpu-md-steps) GPU_MD_STEPS="$2"; shift 2 ;;
    --cpu-md-steps) CPU_MD_STEPS="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --step-timeout) STEP_TIMEOUT="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "gpu_check: unknown argument '$1' (see --help)" >&2; exit 64 ;;
  esac
done
case "$DEVICE_MODE" in gpu|cpu|both) ;; *) echo "gpu_check: --device must be gpu, cpu or both" >&2; exit 64 ;; esac
if [[ -z "$ATOMS" ]]; then
  if [[ "$DEVICE_MODE" == cpu ]]; then ATOMS=2000; else ATOMS=4000; fi
fi

# --- environment -------------------------------------------------------------------------
if [[ -f "$REPO/.venv/bin/activate" && "${VIRTUAL_ENV:-}" != "$REPO/.venv" ]]; then
  # shellcheck disable=SC1091
  source "$REPO/.venv/bin/activate"
fi
for tool in python dp lmp; do
  command -v "$tool" >/dev/null || { echo "gpu_check: '$tool' not found (no $REPO/.venv and not on PATH)" >&2; exit 1; }
done

if [[ -z "$OUT_DIR" ]]; then
  if mkdir -p "$ASSETS/out" 2>/dev/null && [[ -w "$ASSETS/out" ]]; then OUT_DIR="$ASSETS/out"
  else OUT_DIR="$(mktemp -d -t gpu_check.XXXXXX)"; fi
fi
mkdir -p "$OUT_DIR"
OUT_DIR="$(cd "$OUT_DIR" && pwd)"
WORK="$OUT_DIR/work"
rm -rf "$WORK"
mkdir -p "$WORK"
T_START=$SECONDS
say() { printf '\n[gpu_check %4ds] %s\n' "$((SECONDS - T_START))" "$*"; }

# threads for every run (GPU runs too: host-side work and data loading)
export OMP_NUM_THREADS="$THREADS" DP_INTRA_OP_PARALLELISM_THREADS="$THREADS" DP_INTER_OP_PARALLELISM_THREADS=1
export PYTHONUNBUFFERED=1
# DeePMD-kit picks cuda:LOCAL_RANK unless DEVICE=cpu (deepmd/pt/utils/env.py); only CPU runs set it
unset DEVICE

SAMPLER_PID=""
stop_sampler() {
  if [[ -n "$SAMPLER_PID" ]]; then kill "$SAMPLER_PID" 2>/dev/null || true; wait "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=""; fi
}
trap stop_sampler EXIT
# nvidia-smi every 0.5 s into $1: "gpu, util%, MiB used" and "app, pid, name, MiB" rows
start_sampler() {
  (
    while :; do
      nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv,noheader,nounits 2>/dev/null | sed 's/^/gpu, /' || true
      nvidia-smi --query-compute-apps=pid,process_name,used_memory --format=csv,noheader,nounits 2>/dev/null | sed 's/^/app, /' || true
      sleep 0.5
    done
  ) > "$1" &
  SAMPLER_PID=$!
}

say "output: $OUT_DIR (work files in $WORK); mode --device $DEVICE_MODE; CPU threads $THREADS"
say "torch / CUDA as seen by PyTorch"
python "$ASSETS/env_info.py" > "$WORK/env.json"
python - "$WORK/env.json" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
print(f"torch.cuda.is_available() = {e['cuda_available']}")
print(f"device name               = {e['gpu_name']}  (capability {e['gpu_capability']}, count {e['cuda_device_count']})")
print(f"torch.version.cuda        = {e['torch_cuda_build']}   torch {e['torch_version']}   deepmd-kit {e['deepmd_version']}")
print(f"cuda matmul ran           = {e['cuda_usable']}" + (f"   error: {e['cuda_error']}" if e['cuda_error'] else ""))
print(f"CUDA_VISIBLE_DEVICES      = {e['cuda_visible_devices']}")
PY
SMI_GPU=0
say "nvidia-smi"
if command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.used --format=csv > "$WORK/nvidia_smi_query_full.csv" 2>&1; then
  cat "$WORK/nvidia_smi_query_full.csv"
  tail -n +2 "$WORK/nvidia_smi_query_full.csv" | head -1 > "$WORK/nvidia_smi_query.csv"
  nvidia-smi > "$WORK/nvidia_smi.txt" 2>&1 || true
  if [[ -s "$WORK/nvidia_smi_query.csv" ]]; then SMI_GPU=1; fi
else
  if command -v nvidia-smi >/dev/null; then echo "nvidia-smi failed: $(head -1 "$WORK/nvidia_smi_query_full.csv")"
  else echo "nvidia-smi: not found on PATH"; fi
fi
TORCH_GPU=$(python -c "import json,sys; print(int(json.load(open(sys.argv[1]))['cuda_usable']))" "$WORK/env.json")

RUN_GPU=0; RUN_CPU=0; GPU_NOTE=""; EXIT_EXTRA=0
if [[ "$DEVICE_MODE" != gpu ]]; then RUN_CPU=1; fi
if [[ "$DEVICE_MODE" != cpu ]]; then
  if [[ "$TORCH_GPU" == 1 ]]; then RUN_GPU=1
  else
    if [[ "$SMI_GPU" == 1 ]]; then
      GPU_NOTE="nvidia-smi shows a GPU but torch cannot use it (torch CUDA build $(python -c 'import torch; print(torch.version.cuda)'); check the driver version and the error above)"
    else
      GPU_NOTE="no GPU visible to nvidia-smi or torch"
    fi
    echo ""
    echo "GPU: not available, GPU part not run ($GPU_NOTE)"
    if [[ "$DEVICE_MODE" == gpu ]]; then
      python - "$OUT_DIR/gpu_check.json" "$WORK/env.json" "$GPU_NOTE" <<'PY'
import json, sys
env = json.load(open(sys.argv[2]))
json.dump({"mode": "gpu", "device": "none", "gpu_ran": False, "gpu_note": sys.argv[3],
           "torch_version": env["torch_version"], "torch_cuda_build": env["torch_cuda_build"],
           "torch_cuda_available": env["cuda_available"], "torch_cuda_error": env["cuda_error"],
           "proofs": {"gpu_torch_cuda_usable": False}, "passed": False},
          open(sys.argv[1], "w"), indent=2)
PY
      echo "gpu_check: FAIL: --device gpu requested but no usable GPU; wrote $OUT_DIR/gpu_check.json" >&2
      exit 2
    fi
    if [[ "$SMI_GPU" == 1 ]]; then EXIT_EXTRA=3; fi
  fi
elif [[ "$TORCH_GPU" == 1 ]]; then
  GPU_NOTE="not requested (--device cpu); a usable GPU is present"
  printf '\nGPU: not requested (--device cpu), GPU part not run\n'
else
  GPU_NOTE="no usable GPU visible to torch"
  printf '\nGPU: not available, GPU part not run\n'
fi

# --- 1. data ------------------------------------------------------------------------------
say "making the tiny training set"
python "$ASSETS/make_data.py" "$WORK/data"

# --- 2. training --------------------------------------------------------------------------
DISP=$(( TRAIN_STEPS / 5 > 0 ? TRAIN_STEPS / 5 : 1 ))
train() {  # $1 = gpu|cpu ; $2 = 1 to freeze
  local dev=$1 d="$WORK/train_$1" rc=0 t0
  mkdir -p "$d"
  sed "s/__NUMB_STEPS__/$TRAIN_STEPS/g; s/__DISP_FREQ__/$DISP/g; s/__SEED__/1/g" "$ASSETS/input.json" > "$d/input.json"
  say "dp --pt train on $dev ($TRAIN_STEPS steps)"
  if [[ $dev == gpu ]]; then start_sampler "$d/smi_samples.csv"; fi
  t0=$(date +%s.%N)
  if [[ $dev == cpu ]]; then
    (cd "$d" && DEVICE=cpu CUDA_VISIBLE_DEVICES="" timeout -k 10 "$STEP_TIMEOUT" dp --pt train input.json > train.log 2>&1) || rc=$?
  else
    (cd "$d" && timeout -k 10 "$STEP_TIMEOUT" dp --pt train input.json > train.log 2>&1) || rc=$?
  fi
  python -c "import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 3))" "$t0" "$(date +%s.%N)" > "$d/wall_s"
  stop_sampler
  grep -E "Computing Device|Device Name|CUDA_VISIBLE_DEVICES|Visible GPU Count|average training time" "$d/train.log" || true
  if [[ $rc -ne 0 ]]; then echo "dp train on $dev failed (rc $rc); last lines of $d/train.log:"; tail -20 "$d/train.log"; echo "$rc" > "$d/rc"; return 0; fi
  if [[ "$2" == 1 ]]; then
    if [[ $dev == cpu ]]; then
      (cd "$d" && DEVICE=cpu CUDA_VISIBLE_DEVICES="" timeout -k 10 "$STEP_TIMEOUT" dp --pt freeze -o frozen_model.pth > freeze.log 2>&1) || rc=$?
    else
      (cd "$d" && timeout -k 10 "$STEP_TIMEOUT" dp --pt freeze -o frozen_model.pth > freeze.log 2>&1) || rc=$?
    fi
    if [[ $rc -ne 0 ]]; then echo "dp freeze on $dev failed (rc $rc):"; tail -20 "$d/freeze.log"; fi
  fi
  echo "$rc" > "$d/rc"
}
# one model is frozen and used by every LAMMPS run: the GPU-trained one when the GPU ran
if [[ $RUN_GPU == 1 ]]; then train gpu 1; MODEL="$WORK/train_gpu/frozen_model.pth"; fi
if [[ $RUN_CPU == 1 ]]; then
  if [[ $RUN_GPU == 1 ]]; then train cpu 0; else train cpu 1; MODEL="$WORK/train_cpu/frozen_model.pth"; fi
fi

# --- 3. LAMMPS ----------------------------------------------------------------------------
NCELL=$(python -c "import math,sys; print(max(3, math.ceil((int(sys.argv[1]) / 2) ** (1 / 3) - 1e-9)))" "$ATOMS")
lammps() {  # $1 = gpu|cpu ; $2 = timed steps ; $3 = warm-up steps
  local dev=$1 d="$WORK/lmp_$1" rc=0 t0
  mkdir -p "$d"
  if [[ ! -f "$MODEL" ]]; then echo "no frozen model ($MODEL); LAMMPS on $dev skipped"; echo 1 > "$d/rc"; return 0; fi
  say "LAMMPS pair_style deepmd on $dev: $((2 * NCELL ** 3)) atoms, $3 warm-up + $2 timed NVT steps"
  if [[ $dev == gpu ]]; then start_sampler "$d/smi_samples.csv"; fi
  t0=$(date +%s.%N)
  local -a envs=()
  if [[ $dev == cpu ]]; then envs=(CUDA_VISIBLE_DEVICES=""); fi
  (cd "$d" && env "${envs[@]}" timeout -k 10 "$STEP_TIMEOUT" lmp -in "$ASSETS/in.lammps" -log lmp.log \
      -var n "$NCELL" -var model "$MODEL" -var warm "$3" -var steps "$2" -var seed 4928459 > lmp.out 2>&1) || rc=$?
  python -c "import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 3))" "$t0" "$(date +%s.%N)" > "$d/wall_s"
  stop_sampler
  echo "$rc" > "$d/rc"
  grep -E "load model from:|Loop time of|Performance:" "$d/lmp.out" || true
  if [[ $rc -ne 0 ]]; then echo "LAMMPS on $dev failed (rc $rc); last lines of $d/lmp.out:"; tail -20 "$d/lmp.out"; fi
  return 0
}
if [[ $RUN_GPU == 1 ]]; then lammps gpu "$GPU_MD_STEPS" "$GPU_WARM"; fi
if [[ $RUN_CPU == 1 ]]; then lammps cpu "$CPU_MD_STEPS" "$CPU_WARM"; fi

# --- 4. summary ---------------------------------------------------------------------------
say "summary (total wall time $((SECONDS - T_START)) s)"
rc=0
python "$ASSETS/summarize.py" --work "$WORK" --mode "$DEVICE_MODE" --gpu-ran "$RUN_GPU" --cpu-ran "$RUN_CPU" \
  --gpu-note "$GPU_NOTE" --threads "$THREADS" --json "$OUT_DIR/gpu_check.json" --md "$OUT_DIR/summary.md" || rc=$?
echo "wrote $OUT_DIR/gpu_check.json and $OUT_DIR/summary.md (logs under $WORK)"
if [[ $rc -ne 0 ]]; then echo "gpu_check: FAIL (see the proofs above)" >&2; exit 1; fi
if [[ $EXIT_EXTRA -ne 0 ]]; then
  echo "gpu_check: exit $EXIT_EXTRA: the CPU part passed, but nvidia-smi shows a GPU that torch cannot use: $GPU_NOTE" >&2
fi
exit "$EXIT_EXTRA"
