# `make book` and `make test` each set up .venv themselves (re-installing when
# requirements.txt or pyproject.toml change), so a fresh clone needs nothing else.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard book/*.ipynb))
# Same last digits on every run: one BLAS thread in tests and builds.
export OMP_NUM_THREADS := 1
export OPENBLAS_NUM_THREADS := 1
export MKL_NUM_THREADS := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1

# Drop per-cell timestamps an earlier run stored (they change on every run).
define STRIP_TIMESTAMPS
import sys, nbformat
for path in sys.argv[1:]:
    nb = nbformat.read(path, as_version=4)
    stamped = [c.metadata.pop("execution", None) for c in nb.cells]
    if any(stamp is not None for stamp in stamped):
        nbformat.write(nb, path)
endef
export STRIP_TIMESTAMPS

.PHONY: help venv book test lint unit nbval browser browser-site browser-pages browser-sliders \
  browser-lab chromium-check execute bench lab clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-nodeps.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -r requirements-nodeps.txt
	@touch $(STAMP)

venv: $(STAMP)  ## create .venv and install requirements*.txt (only when they changed)

book: $(STAMP)  ## build the website into _build/html, every notebook executed, warnings are errors
	BOOK_EXPLORE=static $(BIN)/jupyter-book build . --builder html --all -W -n --keep-going
	@echo "The book is built: open _build/html/index.html in a browser."

lint: $(STAMP)  ## ruff lint and format check of helpers, tests and notebooks
	$(BIN)/ruff check helpers tests benchmarks book
	$(BIN)/ruff format --check helpers tests benchmarks book

unit: $(STAMP)  ## unit, property and doctest tests of helpers
	$(BIN)/python -m pytest -q tests helpers --ignore=tests/browser

nbval: $(STAMP)  ## nbval in strict mode: every stored output of every notebook is reproduced
	$(BIN)/python -m pytest -q --nbval --nbval-current-env $(NOTEBOOKS)

LAB_TEST := tests/browser/test_lab.py
# the site's sliders: every frame of every explorable, and dark mode
SLIDER_TESTS := tests/browser/test_explorables.py tests/browser/test_dark_mode.py

chromium-check:  # (a step of the browser targets) say it loudly when Chromium is missing
	@test -x "$${CHROMIUM:-/usr/bin/chromium}" || { \
	  echo "**************************************************************"; \
	  echo "* WARNING: Chromium not found: BROWSER TESTS WILL BE SKIPPED *"; \
	  echo "* (apt-get install chromium, or set CHROMIUM=/path/to/it)    *"; \
	  echo "**************************************************************"; }

browser: $(STAMP) chromium-check  ## the built site (needs make book first) and live sliders in JupyterLab, in headless Chromium
	$(BIN)/python -m pytest -q -rs tests/browser

browser-site: browser-pages browser-sliders  ## the browser tests of the built site, not JupyterLab's (needs make book first)

browser-pages: $(STAMP) chromium-check  # (a part of browser-site) every page: errors, math, links, axe
	$(BIN)/python -m pytest -q -rs tests/browser --ignore=$(LAB_TEST) \
	  $(addprefix --ignore=,$(SLIDER_TESTS))

browser-sliders: $(STAMP) chromium-check  # (a part of browser-site) the static sliders, dark mode
	$(BIN)/python -m pytest -q -rs $(SLIDER_TESTS)

browser-lab: $(STAMP) chromium-check  ## only the JupyterLab test: run each chapter with sliders, move every control
	$(BIN)/python -m pytest -q -rs $(LAB_TEST)

# make test runs its steps as two chains side by side, one per core (nbval and the
# book build each execute every notebook; the JupyterLab test needs no built site):
#   lint -> unit -> nbval -> browser-lab -> browser-sliders (once book is done too)
#   book -> browser-pages
# --output-sync prints each step's output whole when the step ends; a failing step
# fails make test (a step already running beside it is let finish first).
ifeq ($(TEST_CHAINS),1)
unit: lint
nbval: unit
browser-lab: nbval
browser-pages: book
browser-sliders: book browser-lab
endif

test: $(STAMP)  ## everything: lint, unit and property tests, nbval strict, strict site build, browser
	$(MAKE) --no-print-directory -j2 --output-sync=target TEST_CHAINS=1 \
	  browser-pages browser-sliders
	@echo "make test: all checks passed."

execute: $(STAMP)  ## re-run notebooks in place, top to bottom in a fresh kernel (NB=book/x.ipynb for one)
	$(BIN)/ruff format $(or $(NB),book)
	for nb in $(or $(NB),$(NOTEBOOKS)); do \
	  $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.store_widget_state=False \
	    --ExecutePreprocessor.record_timing=False "$$nb" || exit 1; \
	done
	$(BIN)/python -c "$$STRIP_TIMESTAMPS" $(or $(NB),$(NOTEBOOKS))

bench: $(STAMP)  ## measure explorables, streaming and linear attention, the NW fast path, MiniLM
	$(BIN)/python -m pip install --quiet -r benchmarks/requirements.txt
	$(BIN)/python benchmarks/explorables.py
	$(BIN)/python benchmarks/streaming_attention.py
	$(BIN)/python benchmarks/nadaraya_watson.py
	$(BIN)/python benchmarks/linear_attention.py
	$(BIN)/python benchmarks/minilm.py

lab: $(STAMP)  ## open the notebooks in Jupyter Lab
	$(BIN)/jupyter lab book/

clean:  ## remove the built site (keeps .venv)
	rm -rf _build
