# Teacher validation of each trained model (issue 21; seiflow.model.teacher_validation): the
# same protocols with the oracle ("teacher") and the compressed model, both as ASE
# calculators. Gates production MD like the exploding-model check (stages/md.smk).


rule teacher_validation:
    """Model vs teacher: errors on frames the model's own MD visits, bcc-Li PTM shares at
    300 K, equilibrium lattice and bulk modulus of the study's bulk phases, first RDF peaks,
    intact PS4 / SiS4 after MD of a small Li | electrolyte cell.
    Fails when a check misses its tolerance and scales.<scale>.teacher_validation.on_fail is
    stop."""
    input:
        model=f"{RES}/{{study}}/model/compressed_model.pth",
        stability=f"{RES}/{{study}}/model/stability.json",
        systems=f"{RES}/{{study}}/structures/systems",
        cell=lambda wc: model_check_input(wc.study),
    output:
        table=f"{RES}/{{study}}/tables/teacher_validation.csv",
        png=report(
            f"{RES}/{{study}}/figures/teacher_validation.png",
            caption="../../report/teacher_validation.rst",
            category="models",
        ),
        csv=f"{RES}/{{study}}/figures/teacher_validation.csv",
        prov=f"{RES}/{{study}}/provenance/teacher_validation.json",
    log:
        f"logs/{SCALE}/{{study}}/teacher_validation.log",
    benchmark:
        f"benchmarks/{SCALE}/{{study}}/teacher_validation.tsv"
    conda:
        DPGEN_ENV
    threads: rule_threads("teacher_validation")
    resources:
        **rule_resources("teacher_validation"),
    params:
        oracle=config["oracle"],
        dft=config["dft"],
        block=config["teacher_validation"],
        settings=S["teacher_validation"],
        switch=f"scales.{SCALE}.teacher_validation.on_fail",
        type_map=lambda wc: model_type_map(wc.study),
        check_cell=lambda wc: model_check_cell(wc.study),
        check_temperature_K=lambda wc: model_check_temperature(wc.study),
        md_timestep_fs=S["md"]["timestep_fs"],
        phases=lambda wc: config["teacher_validation"]["phases"].get(wc.study, []),
        rdf=lambda wc: config["teacher_validation"]["rdf_by_study"].get(wc.study, {}),
        reactive=lambda wc: config["teacher_validation"]["reactive_by_study"].get(
            wc.study, {}
        ),
        ps4_cutoff_A=config["analysis"]["ps4_cutoff_A"],
        li_lattice_A=config["structures"]["li_lattice_A"],
        seed=config["seed"],
    script:
        "../../scripts/teacher_validation.py"
