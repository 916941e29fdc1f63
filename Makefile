# Set-up is part of every target: a fresh machine needs only `make demo` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# llama.cpp is compiled from source by llama-cpp-python (no wheel is published). The build is
# portable rather than -march=native: on x86-64 it targets AVX2/FMA/F16C with no AVX-512 and
# no AMX, because a native build on a CPU with AMX segfaulted in `decode` (the AMX extra-buffer
# path), and a native wheel copied or cached for another CPU can die with SIGILL. arm64 keeps
# llama.cpp's native build (no AMX there). Only the shared libraries the bindings load are built
# (no multimodal library, no tools, tests or examples). See docs/configuration.md.
LLAMA_PKG := llama-cpp-python==0.3.36
ARCH := $(shell uname -m)
LLAMA_COMMON := -DLLAVA_BUILD=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
	-DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF
ifeq ($(ARCH),x86_64)
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
	-DGGML_BMI2=ON -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF \
	$(LLAMA_COMMON)
else
LLAMA_CMAKE_ARGS := $(LLAMA_COMMON)
endif
# pip's wheel cache is not keyed on CMAKE_ARGS, so a wheel cached from other flags would be
# reused silently. The wheel is built with --no-cache-dir into a folder keyed on the package,
# the CPU architecture and the flags, kept between clones so that it compiles once per machine.
LLAMA_KEY := $(shell echo '$(LLAMA_PKG) $(ARCH) $(LLAMA_CMAKE_ARGS)' | sha256sum | cut -c1-16)
WHEELS := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/copilot/wheels/$(LLAMA_KEY)

$(STAMP): pyproject.toml Makefile
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	@if ! ls $(WHEELS)/llama_cpp_python-*.whl >/dev/null 2>&1; then \
		echo "compiling llama.cpp for $(ARCH) (about 3 minutes on 2 cores, once per machine)"; \
		CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/python -m pip wheel -q --no-cache-dir \
			--no-deps -w $(WHEELS).tmp $(LLAMA_PKG) && rm -rf $(WHEELS) && mv $(WHEELS).tmp $(WHEELS); fi
	$(BIN)/python -m pip install -q --find-links $(WHEELS) --only-binary llama-cpp-python \
		-e '.[dev]'
	touch $(STAMP)

.PHONY: install demo test lint eval-ci bench
install: $(STAMP)

demo: $(STAMP)
	$(BIN)/copilot demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# pytest runs inside a throw-away PostgreSQL cluster (tests/store/with_postgres) for the
# PostgreSQL tier; the Chroma-server tier starts `chroma run` itself.
test: lint
	tests/store/with_postgres $(BIN)/pytest
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
	$(BIN)/python -m benchmarks.local_model
