# Set-up is part of every target: a fresh machine needs only `make demo` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

.PHONY: install demo test lint eval-ci bench
install: $(STAMP)

demo: $(STAMP)
	$(BIN)/copilot demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest
	$(MAKE) --no-print-directory eval-ci

# The eval suite's offline tier: six cases (two of each kind) through the copilot and the naive
# baseline on the embedded model, gated on evals/baseline.json (exit 1 on a regression).
eval-ci: $(STAMP)
	$(BIN)/copilot eval --limit 6 --baseline naive --out eval-out

bench: $(STAMP)
	$(BIN)/python -m benchmarks.ingest_embed
	$(BIN)/python -m benchmarks.retrieval
	$(BIN)/python -m benchmarks.drafting
	$(BIN)/python -m benchmarks.batch
	$(BIN)/python -m benchmarks.chat_ttft
