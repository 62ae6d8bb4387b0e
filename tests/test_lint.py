"""Snakemake style gates: snakefmt formatting and snakemake --lint."""

import subprocess


def test_snakefmt_clean(root):
    res = subprocess.run(["snakefmt", "--check", "Snakefile", "workflow/rules"], cwd=root,
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


def test_snakemake_lint_clean(root):
    res = subprocess.run(["snakemake", "--lint", "--config", "scale=test"], cwd=root,
                         capture_output=True, text=True, timeout=120)
    out = res.stdout + res.stderr
    assert res.returncode == 0 and "good condition" in out, out
