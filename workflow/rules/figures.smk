# Stage 6: figures (seaborn) with the CSV behind each, and the provenance record.


rule fig_ps4_thickness:
    """symmetric_cell Fig 2d: intact PS4 and SEI thickness vs time (paper 001)."""
    input:
        expand(f"{RES}/{{{{study}}}}/analysis/sei_T{{T}}.csv", T=md_temperatures()),
    output:
        png=report(
            f"{RES}/{{study}}/figures/fig2d.png",
            caption="../report/fig2d.rst",
            category="symmetric_cell",
        ),
        csv=f"{RES}/{{study}}/figures/fig2d.csv",
    log:
        f"logs/{SCALE}/{{study}}/fig2d.log",
    conda:
        "../../envs/figures.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    script:
        "../scripts/fig_ps4_thickness.py"


rule fig_alpha:
    """two_step Fig 2: reduced-electrolyte fraction alpha vs time with a + b ln t fits
    (paper 004)."""
    input:
        expand(f"{RES}/{{{{study}}}}/analysis/sei_T{{T}}.csv", T=md_temperatures()),
    output:
        png=report(
            f"{RES}/{{study}}/figures/fig2.png",
            caption="../report/fig2.rst",
            category="two_step",
        ),
        csv=f"{RES}/{{study}}/figures/fig2.csv",
        fits=f"{RES}/{{study}}/tables/alpha_fits.csv",
    log:
        f"logs/{SCALE}/{{study}}/fig2.log",
    conda:
        "../../envs/figures.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    params:
        fit_tmin_ps=S["analysis"]["fit_tmin_ps"],
    script:
        "../scripts/fig_alpha.py"


rule fig_model_parity:
    """Energy / force parity of the compressed model on held-out oracle frames."""
    input:
        f"{RES}/{{study}}/model/test",
    output:
        png=report(
            f"{RES}/{{study}}/figures/model_parity.png",
            caption="../report/model_parity.rst",
            category="models",
        ),
        csv=f"{RES}/{{study}}/figures/model_parity.csv",
        rmse=f"{RES}/{{study}}/tables/model_rmse.csv",
    log:
        f"logs/{SCALE}/{{study}}/model_parity.log",
    conda:
        "../../envs/figures.yaml"
    threads: 1
    resources:
        mem_mb=2000,
    params:
        oracle=config["oracle"],
    script:
        "../scripts/fig_model_parity.py"


rule provenance:
    """Resolved config, package versions, git commit and sha256 of inputs and models."""
    input:
        figures=[t for t in all_targets() if not t.endswith("provenance.json")],
        structures=expand(
            f"{RES}/{{study}}/structures/md_interface.vasp", study=config["studies"]
        ),
        models=expand(
            f"{RES}/{{study}}/model/{{m}}",
            study=training_studies(),
            m=["frozen_model.pth", "compressed_model.pth"],
        ),
        resources=config["structures"]["resource_dir"],
    output:
        f"{RES}/provenance.json",
    log:
        f"logs/{SCALE}/provenance.log",
    conda:
        "../../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=1000,
    params:
        config=config,
    script:
        "../scripts/provenance.py"
