"""Parse the logs of bench/gpu_check.sh, print a markdown summary, write gpu_check.json.

Exit status 0 when every required proof passed, 1 otherwise. Required proofs for a device
that was run: the dp train summary's "Computing Device" is CUDA (gpu) / CPU (cpu), the
LAMMPS DeePMD plugin printed "load model from: ... to gpu N" (gpu) / "to cpu" (cpu), and
both steps finished and produced numbers. The nvidia-smi samples taken while training and
LAMMPS ran are reported as supporting evidence only (process lists are often empty inside
containers because of PID namespaces).
"""

import argparse
import json
import re
import sys
from pathlib import Path

FLOAT = r"([-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)"


def read(path):
    p = Path(path)
    return p.read_text(errors="replace") if p.is_file() else ""


def num(path):
    try:
        return float(read(path).strip())
    except ValueError:
        return None


def rc_of(d):
    v = num(d / "rc")
    return None if v is None else int(v)


def parse_train(d):
    log = read(d / "train.log")
    out = {"ran": bool(log), "rc": rc_of(d), "wall_s": num(d / "wall_s")}
    m = re.search(r"Computing Device:\s+(\S+)", log)
    out["computing_device"] = m.group(1) if m else None
    m = re.search(r"Device Name:\s+(.+)", log)
    out["device_name"] = m.group(1).strip() if m else None
    m = re.search(r"Start to train (\d+) steps", log)
    out["steps"] = int(m.group(1)) if m else None
    m = re.search(r"average training time: " + FLOAT + r" s/batch \((\d+) batches excluded\)", log)
    out["s_per_step"] = float(m.group(1)) if m else None
    out["steps_per_s"] = round(1.0 / out["s_per_step"], 2) if out["s_per_step"] else None
    if out["steps"] and out["wall_s"]:
        out["steps_per_s_incl_startup"] = round(out["steps"] / out["wall_s"], 2)
    rm = re.findall(r"Batch\s+(\d+): val: rmse = \S+, rmse_e = " + FLOAT + r", rmse_f = " + FLOAT, log)
    if rm:
        out["final_val_rmse_e_per_atom"], out["final_val_rmse_f"] = float(rm[-1][1]), float(rm[-1][2])
    out["frozen_model"] = (d / "frozen_model.pth").is_file()
    return out


def parse_smi(path):
    util, mem, apps = [], [], set()
    for line in read(path).splitlines():
        f = [x.strip() for x in line.split(",")]
        try:
            if f[0] == "gpu" and len(f) >= 3:
                util.append(float(f[1]))
                mem.append(float(f[2]))
            elif f[0] == "app" and len(f) >= 3:
                apps.add(f"{f[1]}:{Path(f[2]).name}")
        except ValueError:
            continue
    return {"samples": len(util), "max_util_pct": max(util, default=None),
            "max_mem_used_MiB": max(mem, default=None), "compute_apps": sorted(apps)}


def parse_lmp(d):
    out_txt, log = read(d / "lmp.out"), read(d / "lmp.log")
    out = {"ran": bool(out_txt), "rc": rc_of(d), "wall_s": num(d / "wall_s")}
    m = re.search(r"load model from: (.*?) to (gpu \d+|cpu)", out_txt)
    out["load_model_line"] = m.group(0).strip() if m else None
    out["model_device"] = m.group(2) if m else None
    loops = re.findall(r"Loop time of " + FLOAT + r" on (\d+) procs for (\d+) steps with (\d+) atoms",
                       log or out_txt)
    if loops:  # the last run is the timed one; the first is the warm-up
        t, procs, steps, atoms = loops[-1]
        out.update(loop_time_s=float(t), procs=int(procs), steps=int(steps), atoms=int(atoms))
        out["atom_steps_per_s"] = round(int(atoms) * int(steps) / float(t), 1) if float(t) > 0 else None
        out["s_per_step"] = round(float(t) / int(steps), 6)
        out["warmup_steps"] = int(loops[0][2]) if len(loops) > 1 else 0
    out["smi"] = parse_smi(d / "smi_samples.csv")
    return out


def fmt(x, nd=3):
    if x is None:
        return "n/a"
    if isinstance(x, float):
        return f"{x:.{nd}g}" if abs(x) < 1e4 else f"{x:.3e}"
    return str(x)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--mode", required=True, choices=["gpu", "cpu", "both"])
    ap.add_argument("--gpu-ran", type=int, required=True)
    ap.add_argument("--cpu-ran", type=int, required=True)
    ap.add_argument("--gpu-note", default="")
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--md", required=True)
    a = ap.parse_args()
    w = Path(a.work)
    env = json.loads(read(w / "env.json") or "{}")
    smi_q = [x.strip() for x in read(w / "nvidia_smi_query.csv").strip().splitlines()[-1:]
             for x in x.split(",")] if read(w / "nvidia_smi_query.csv").strip() else []
    res = {
        "mode": a.mode,
        "host_threads_for_cpu_runs": a.threads,
        "torch_version": env.get("torch_version"),
        "torch_cuda_build": env.get("torch_cuda_build"),
        "deepmd_version": env.get("deepmd_version"),
        "torch_cuda_available": env.get("cuda_available"),
        "torch_cuda_usable": env.get("cuda_usable"),
        "torch_cuda_error": env.get("cuda_error"),
        "gpu_name": env.get("gpu_name") or (smi_q[0] if smi_q else None),
        "gpu_capability": env.get("gpu_capability"),
        "driver_version": smi_q[1] if len(smi_q) > 1 else None,
        "nvidia_smi": read(w / "nvidia_smi.txt").strip() or None,
        "gpu_ran": bool(a.gpu_ran),
        "gpu_note": a.gpu_note or None,
        "runs": {},
        "proofs": {},
    }
    devs = (["gpu"] if a.gpu_ran else []) + (["cpu"] if a.cpu_ran else [])
    for dev in devs:
        res["runs"][dev] = {"train": parse_train(w / f"train_{dev}"), "lammps": parse_lmp(w / f"lmp_{dev}")}
    res["device"] = "+".join(devs) or "none"
    P = res["proofs"]
    if a.gpu_ran:
        tr, lm = res["runs"]["gpu"]["train"], res["runs"]["gpu"]["lammps"]
        P["gpu_torch_cuda_usable"] = bool(env.get("cuda_usable"))
        P["gpu_train_device_is_cuda"] = (tr["computing_device"] or "").upper().startswith("CUDA")
        P["gpu_train_finished"] = tr["rc"] == 0 and tr["frozen_model"] and tr["steps_per_s"] is not None
        P["gpu_lammps_model_on_gpu"] = (lm["model_device"] or "").startswith("gpu")
        P["gpu_lammps_finished"] = lm["rc"] == 0 and lm.get("atom_steps_per_s") is not None
        sm = [res["runs"]["gpu"]["lammps"]["smi"], parse_smi(w / "train_gpu" / "smi_samples.csv")]
        res["runs"]["gpu"]["train"]["smi"] = sm[1]
        # supporting evidence only (not required): utilisation > 0 or a compute app listed
        res["supporting_nvidia_smi_saw_gpu_work"] = any(
            (s["max_util_pct"] or 0) > 0 or s["compute_apps"] for s in sm)
    if a.cpu_ran:
        tr, lm = res["runs"]["cpu"]["train"], res["runs"]["cpu"]["lammps"]
        P["cpu_train_device_is_cpu"] = (tr["computing_device"] or "").upper() == "CPU"
        P["cpu_train_finished"] = tr["rc"] == 0 and tr["steps_per_s"] is not None
        P["cpu_lammps_model_on_cpu"] = lm["model_device"] == "cpu"
        P["cpu_lammps_finished"] = lm["rc"] == 0 and lm.get("atom_steps_per_s") is not None
    if a.gpu_ran and a.cpu_ran:
        g, c = res["runs"]["gpu"], res["runs"]["cpu"]
        def ratio(x, y):
            return round(x / y, 2) if x and y else None
        res["speedup_gpu_over_cpu"] = {
            "dp_train_steps_per_s": ratio(g["train"]["steps_per_s"], c["train"]["steps_per_s"]),
            "lammps_atom_steps_per_s": ratio(g["lammps"].get("atom_steps_per_s"),
                                             c["lammps"].get("atom_steps_per_s")),
        }
    res["passed"] = bool(P) and all(P.values()) and bool(a.gpu_ran or a.mode != "gpu")

    L = ["## bench/gpu_check summary", ""]
    L.append(f"- mode: `{a.mode}`; devices run: **{res['device']}**")
    if not a.gpu_ran:
        head = "not requested" if a.gpu_note.startswith("not requested") else "not available"
        L.append(f"- **GPU: {head}, GPU part not run**" + (f" ({a.gpu_note})" if a.gpu_note else ""))
    L.append(f"- GPU: {res['gpu_name'] or 'none'}; driver {res['driver_version'] or 'n/a'}; "
             f"torch {res['torch_version']} (CUDA build {res['torch_cuda_build']}); "
             f"deepmd-kit {res['deepmd_version']}; CPU runs use {a.threads} thread(s)")
    L += ["", "| device | dp train steps | train s/step | train steps/s | train wall s (incl. startup) "
          "| val rmse_f | LAMMPS atoms | MD steps (timed) | loop s | s/step | atom-steps/s |",
          "|---|---|---|---|---|---|---|---|---|---|---|"]
    for dev in devs:
        tr, lm = res["runs"][dev]["train"], res["runs"][dev]["lammps"]
        L.append(f"| {dev} ({tr['computing_device']} / {lm['model_device']}) | {fmt(tr['steps'])} | "
                 f"{fmt(tr['s_per_step'])} | {fmt(tr['steps_per_s'])} | {fmt(tr['wall_s'])} | "
                 f"{fmt(tr.get('final_val_rmse_f'))} | {fmt(lm.get('atoms'))} | {fmt(lm.get('steps'))} | "
                 f"{fmt(lm.get('loop_time_s'))} | {fmt(lm.get('s_per_step'))} | {fmt(lm.get('atom_steps_per_s'))} |")
    if "speedup_gpu_over_cpu" in res:
        s = res["speedup_gpu_over_cpu"]
        L += ["", f"Speed-up GPU/CPU: dp train {fmt(s['dp_train_steps_per_s'])}x, "
                  f"LAMMPS {fmt(s['lammps_atom_steps_per_s'])}x (CPU = {a.threads} thread(s))"]
    if a.gpu_ran:
        g = res["runs"]["gpu"]
        L += ["", f"- dp train log: `Computing Device: {g['train']['computing_device']}`"
                  + (f", `Device Name: {g['train']['device_name']}`" if g['train']['device_name'] else ""),
              f"- LAMMPS stdout: `{g['lammps']['load_model_line']}`",
              f"- nvidia-smi during LAMMPS: {g['lammps']['smi']}",
              f"- nvidia-smi during dp train: {g['train']['smi']}",
              f"- nvidia-smi saw GPU work (supporting, not required): "
              f"{'yes' if res['supporting_nvidia_smi_saw_gpu_work'] else 'no'}"]
    L += ["", "| proof | result |", "|---|---|"]
    L += [f"| {k} | {'PASS' if v else 'FAIL'} |" for k, v in P.items()]
    L += ["", f"**Overall: {'PASS' if res['passed'] else 'FAIL'}**"]
    md = "\n".join(L) + "\n"
    Path(a.md).write_text(md)
    Path(a.json).write_text(json.dumps(res, indent=2) + "\n")
    print(md)
    return 0 if res["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
