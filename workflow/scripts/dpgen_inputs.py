"""Rule dpgen_inputs: write param.json and machine.json from config, validated by DP-GEN."""

import json
import os
import sys
from pathlib import Path

from seiflow.model.dpgen_inputs import (check_dpgen_inputs, make_machine, make_param,
                                  short_range_settings)


def oracle_fp_param(oracle, dft, type_map, workdir):
    """fp keys of param.json for a DFT oracle (None for the embedded ones, fp_style custom).

    cp2k: the CP2K installation is checked for every element first; vasp: the paper's INCAR
    is written next to param.json (POTCARs stay on the cluster, under dft.vasp.pp_path)."""
    if oracle == "cp2k":
        from seiflow.oracle.dft import CP2KSettings, check_cp2k_installation, cp2k_fp_param

        settings = CP2KSettings.from_config(dft["cp2k"])
        check_cp2k_installation(settings, type_map)
        return cp2k_fp_param(settings, type_map)
    if oracle == "vasp":
        from seiflow.oracle.dft import vasp_fp_param, write_dpgen_incar

        paper = dft["vasp"]["paper"]
        incar = write_dpgen_incar(type_map, paper, Path(workdir) / "INCAR")
        if not dft["vasp"]["pp_path"]:
            raise ValueError("oracle vasp: set dft.vasp.pp_path (the folder holding potpaw_PBE/)")
        pp_path = Path(dft["vasp"]["pp_path"]) / "potpaw_PBE"
        return vasp_fp_param(type_map, paper, incar.resolve(), pp_path)
    return None


def write_dpgen_inputs(init_dirs, systems_dir, out_param, out_machine, p, zbl=None):
    workdir = Path(out_param).parent
    init_prefix = os.path.relpath(Path(init_dirs[0]).parent, workdir)
    sys_prefix = os.path.relpath(systems_dir, workdir)
    names = [Path(d).name for d in init_dirs]
    param = make_param(
        p.type_map,
        names,
        [[f"{n}.vasp"] for n in p.exploration_systems],
        p.dpgen,
        p.descriptor,
        p.seed,
        init_data_prefix=init_prefix,
        sys_configs_prefix=sys_prefix,
        pressure_bar=p.pressure_bar,
        fp_param=oracle_fp_param(p.oracle, p.dft, p.type_map, workdir),
        system_names=list(p.exploration_systems),
        short_range=short_range_settings(p.short_range, zbl, workdir),
    )
    machine = make_machine(
        str((workdir / "remote").resolve()),
        p.oracle,
        p.scripts,
        mpi_ranks=1,
        fp_group_size=p.dpgen["fp_group_size"],
        dispatcher=p.dispatcher,
        dft=p.dft,
        job_path=os.environ.get("PATH"),
    )
    check_dpgen_inputs(param, machine)
    Path(out_param).write_text(json.dumps(param, indent=2))
    Path(out_machine).write_text(json.dumps(machine, indent=2))
    print(f"wrote {out_param} and {out_machine}: {len(param['model_devi_jobs'])} iterations, "
          f"{len(names)} systems")


if __name__ == "__main__":
    sys.stdout = sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
    write_dpgen_inputs(
        list(snakemake.input.init),  # noqa: F821
        snakemake.input.systems,  # noqa: F821
        snakemake.output.param,  # noqa: F821
        snakemake.output.machine,  # noqa: F821
        snakemake.params,  # noqa: F821
        zbl=snakemake.input.zbl or None,  # noqa: F821
    )
