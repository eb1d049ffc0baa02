# The two entry points of the README: `make book` and `make test`.
# Both work on a fresh machine with Python 3.11 and pip: they create .venv and install the project.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# one BLAS thread: the multipole solver does many small matrix products, which threaded OpenBLAS slows
# down many-fold on a loaded 2-core machine
RUN    := PATH="$(CURDIR)/$(BIN):$$PATH" PYTHONHASHSEED=0 OPENBLAS_NUM_THREADS=1
JOBS   ?= 2
FRESH  := $(CURDIR)/_build/fresh-figures
# the tests' user cache: emptied each run, so a result missing from the seed is recomputed, never reused
TESTCACHE := $(CURDIR)/_build/test-cache

.PHONY: lock install execute refresh-seed html book test test-fast browser-test benchmarks clean

# the pinned environment (requirements.lock, written by `make lock`) as constraints: exactly the versions the
# book was built and tested with; pyproject.toml keeps the lower bounds for a plain `pip install -e .`
LOCK   := requirements.lock

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

## rewrite requirements.lock from .venv: installs every extra (what is installed and fits stays; a new
## dependency of pyproject.toml is resolved), then pins the installed closure of the project's requirements.
## `make lock UPGRADE=1` upgrades everything to the newest versions pyproject.toml allows first.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet $(if $(UPGRADE),--upgrade --upgrade-strategy eager) -e ".[book,test,browser]"
	$(BIN)/python -m supercrystal.lockfile $(LOCK)
	touch $(STAMP)

## execute every chapter with papermill (in place: the committed notebooks are the executed ones), writing
## the committed figure data data/figures (the one target that does; any other run writes _build/figures)
execute: $(STAMP)
	$(RUN) $(BIN)/python -m supercrystal.book.runner --jobs $(JOBS) --figure-dir data/figures

## recompute every slow result into the committed seed data/cache (after a solver change), drop stale entries
refresh-seed: $(STAMP)
	SUPERCRYSTAL_REFRESH_CACHE=1 $(MAKE) execute
	$(RUN) $(BIN)/python -m supercrystal.book.cache prune
	$(RUN) $(BIN)/python -m supercrystal.book.cache times  # data/compute_times.json: the measured costs
	$(MAKE) execute  # once more from the seed, so the chapters' provenance notes read "from the cache"

## render the executed notebooks to _build/html (Jupyter Book never executes: execute_notebooks off)
html: $(STAMP)
	$(RUN) $(BIN)/jupyter-book build . --all -W -n --keep-going

ifdef PARAMS
## make book PARAMS=params/pbse.yaml: the whole book for other inputs, into _build/books/<name>/
book: $(STAMP)
	$(RUN) $(BIN)/python -m supercrystal.book.runner --params $(PARAMS) --html --jobs $(JOBS)
else
book: execute html
endif

## unit tests and nbval on every committed chapter, spread over JOBS processes (pytest-xdist; --dist loadfile
## keeps every cell of a notebook in one process, in order: nbval needs that), then the figure-data
## regeneration check, which reads the figure files the notebooks have just written
XDIST := -n $(JOBS) --dist loadfile
test: $(STAMP)
	rm -rf $(FRESH) $(TESTCACHE)
	$(RUN) SUPERCRYSTAL_FIGURE_DIR=$(FRESH) SUPERCRYSTAL_CACHE_DIR=$(TESTCACHE) $(BIN)/python -m pytest -p no:cacheprovider \
	  $(XDIST) --nbval --nbval-current-env --nbval-sanitize-with book/nbval-sanitize.cfg book tests \
	  --ignore=tests/test_figures.py
	$(RUN) SUPERCRYSTAL_FIGURE_DIR=$(FRESH) SUPERCRYSTAL_CACHE_DIR=$(TESTCACHE) $(BIN)/python -m pytest -p no:cacheprovider \
	  tests/test_figures.py

## unit tests only (no notebooks), spread over JOBS processes
test-fast: $(STAMP)
	$(RUN) $(BIN)/python -m pytest -p no:cacheprovider $(XDIST) tests

## the rendered book in headless Chromium: offline, figures and typeset math on every page
browser-test: $(STAMP)
	command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  (apt-get update -qq && apt-get install -y -qq chromium chromium-driver)
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e ".[test,browser]"
	$(MAKE) html
	$(RUN) $(BIN)/python -m pytest -p no:cacheprovider -m browser tests/browser

benchmarks: $(STAMP)
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(RUN) $(BIN)/python $$f || exit 1; done

clean:
	rm -rf _build
