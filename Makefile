# Two commands do all the set-up: `make run` and `make test`.
# uv comes from PATH, or is bootstrapped into .tools/ with pip on a machine that lacks it.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
RUN := $(UV) run --locked --no-sync

.PHONY: run run-cluster test lint fmt typecheck migrate sync serve help bench bench-locust bench-sync

help:
	@echo "make run | run-cluster | test | lint | fmt | typecheck | migrate | bench | bench-locust"

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv

# --compile-bytecode: every module is compiled once, here. Without it each process compiles what
# it imports at every start (PYTHONDONTWRITEBYTECODE=1, a read-only tree): ~2 s of CPU a worker,
# and on a busy machine uvicorn kills a worker that has not answered its 5 s health ping yet
# (docs/performance.md, "Start-up and sign-in"). The Makefile is a prerequisite so that a
# change of these flags re-syncs an existing .venv.
.venv/.synced: pyproject.toml uv.lock Makefile | $(UV)
	$(UV) sync --locked --compile-bytecode
	@touch $@

sync: .venv/.synced

migrate: sync
	$(RUN) blogapi migrate

run: migrate
	$(RUN) blogapi serve

# Two API processes (:8000, :8001) and an email worker on PostgreSQL + Redis (docs/deployment.md, "Scaling out").
run-cluster: sync
	BLOGAPI="$(RUN) blogapi" bash scripts/run_cluster.sh

lint: sync
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) lint-imports
	$(RUN) hadolint Dockerfile
	$(RUN) python scripts/validate_k8s.py
	$(RUN) python scripts/validate_observability.py

fmt: sync
	$(RUN) ruff check --fix .
	$(RUN) ruff format .

typecheck: sync
	$(RUN) mypy

# The suite in PYTEST_WORKERS processes (pytest-xdist), each with databases of its own
# (tests/harness.py), with branch coverage. A single file runs without either:
# `uv run pytest tests/posts/test_create.py`.
PYTEST_WORKERS ?= 3
COVERAGE := --cov=blogapi --cov-report=term-missing:skip-covered --cov-fail-under=85

# The 25 slowest tests are listed at the end: where the loop's time goes.
test: lint typecheck
	$(RUN) pytest -n $(PYTEST_WORKERS) --dist worksteal --durations=25 $(COVERAGE)

# Benchmarks (PostgreSQL required; everything on 127.0.0.1). See docs/performance.md.
bench-sync: | $(UV)
	$(UV) sync --locked --compile-bytecode --group bench

bench: bench-sync
	$(RUN) python bench/run.py

bench-locust: bench-sync
	$(RUN) python bench/locust_run.py
