# linkclf: `make help` lists the targets. datasets/ -> models/ -> results, as a DAG.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
LINKCLF := $(VENV)/bin/linkclf
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.DEFAULT_GOAL := help
.PHONY: help setup data model demo test test-all lint bench bench-baseline evaluate report clean fuzz

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	# CPU torch from the wheel on disk first: an unpinned torch would pull a CUDA build.
	$(VENV)/bin/pip install -q $(if $(wildcard /opt/wheels),--find-links /opt/wheels) torch==2.13.0
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $@

setup: $(VENV)/.installed ## Create .venv and install linkclf with its dev tools

data: setup ## Regenerate datasets/ from the simulator (deterministic)
	$(LINKCLF) simulate --seed 7 -o datasets/default --samples datasets/samples --example datasets/labelled-example.csv
	$(PY) -m linkclf.datasets.datasheet datasets/default/links.csv.gz --readme datasets/README.md

# Retrains when the data or the config changes (--force: the new data is what the user asked for).
# git keeps no file times, so whether the model is current is decided by content: the SHA-256 of
# the data and the config it was trained from, stored beside the model directory.
MODEL_INPUTS := datasets/default/links.csv.gz training/default.toml
MODEL_STAMP := models/default.inputs.sha256

model: $(VENV)/.installed ## Train the default model if absent or if datasets/ or the config changed
	@if test -f models/default/model.json && sha256sum --status -c $(MODEL_STAMP) 2>/dev/null; then \
	  echo "models/default is current (trained from $(MODEL_INPUTS))"; \
	else \
	  $(LINKCLF) train --config training/default.toml --out models/default --force && \
	  sha256sum $(MODEL_INPUTS) > $(MODEL_STAMP); \
	fi

demo: model ## End to end: train if needed, score the sample export, write disavow candidates
	mkdir -p out
	$(LINKCLF) score datasets/samples/ahrefs-sample.tsv -o out/scored.csv
	$(LINKCLF) disavow out/scored.csv -o out/disavow.txt --review out/review.csv
	$(LINKCLF) report out/scored.csv -o out/report.html
	@echo "results: out/scored.csv  out/disavow.txt  out/review.csv  out/report.html"

test: setup ## Run the test suite (the real embedding model included)
	bash scripts/install-chromium.sh
	$(VENV)/bin/pytest -q

lint: setup ## ruff + mypy
	$(VENV)/bin/ruff check linkclf tests
	$(VENV)/bin/ruff format --check linkclf tests
	$(VENV)/bin/mypy linkclf

BENCH_ROWS ?= 1000000
bench: setup ## Benchmarks: 1M links end to end (BENCH_ROWS=5000000 for 5M), start-up, read, embed
	$(PY) benchmarks/bench_stream.py --rows $(BENCH_ROWS)
	$(PY) benchmarks/bench_read.py
	$(PY) benchmarks/bench_xlsx.py
	$(PY) benchmarks/bench_embed.py

bench-baseline: setup ## linkclf vs a plain pandas + sentence-transformers + LightGBM script (20k links, slow)
	$(PY) benchmarks/bench_stream.py --rows 100000 --baseline-rows 20000

fuzz: setup ## Fuzz every command through the CLI: 1,000 exports, 200 models, 200 disavow files
	$(PY) benchmarks/fuzz.py --json out/fuzz.json

evaluate: model ## Held-out figures with baselines (grouped by domain)
	$(LINKCLF) evaluate --model models/default -o out/metrics.json

clean: ## Remove outputs (keeps .venv, models and mlflow.db)
	rm -rf out .pytest_cache
