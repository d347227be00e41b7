# gknb — the two commands a newcomer runs on a fresh Debian machine:
#   make sample   set up, then run the main job on the bundled sample
#   make test     set up, then run the whole test suite
# Both create the virtual environment (.venv) when it is missing and install the system
# packages the project needs (LibreOffice, CJK fonts, Chromium) when run as root.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup sample january test test-fast lint bench bench-scans system clean variants variants-scans fuzz

setup: $(STAMP) system

# System packages (LibreOffice, CJK fonts and their aliases, poppler, Chromium): installed
# when missing and running as root; otherwise the exact apt-get command is printed.
system:
	@sh jobs/system.sh

# Recreated whenever pyproject.toml changes.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "gknb needs Python 3.11 or newer (found: $$($(PYTHON) --version))"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); \
	  else echo "Install the venv module first: sudo apt-get install python3-venv"; exit 1; fi; }
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

# The bundled sample: a fictional agency's 2022–2024 reports in samples/work/inbox and its filled
# 2025 figures file; the January job runs on a copy in out/sample (files there are never overwritten).
SAMPLE_WORK := out/sample

sample: setup
	@mkdir -p $(SAMPLE_WORK) && cp -rn samples/work/. $(SAMPLE_WORK)/
	$(BIN)/gknb january --work $(SAMPLE_WORK) --year 2025
	@echo "审查报告：$(SAMPLE_WORK)/reviews/index.html；生成的报告：$(SAMPLE_WORK)/reports/"

# The yearly run over a working folder: make january YEAR=2025 [WORK=folder]
WORK ?= .
january: setup
	@test -n "$(YEAR)" || { echo "用法：make january YEAR=2025 [WORK=工作文件夹]"; exit 2; }
	$(BIN)/gknb january --work "$(WORK)" --year $(YEAR)

# ruff (pyflakes, pycodestyle, bugbear, pyupgrade, import order) and mypy (strict on the core);
# both configured in pyproject.toml.  CI runs them first (make test).
lint: setup
	$(BIN)/python -m ruff check .
	$(BIN)/python -m mypy

test: setup lint
	$(BIN)/python -m pytest

# Under a minute: everything but LibreOffice conversions, the browser and the slow batches.
test-fast: setup
	$(BIN)/python -m pytest -m "not slow and not libreoffice and not browser"

# The variant suite (tests/variants): every corpus document with expected figures mutated in known
# ways (about 1,500 variants, Word and PDF renderings included), parsed and scored per class and kind;
# then the scans (every corpus PDF and Word report scanned at 150/200/300 dpi, grey, noisy, rotated,
# JPEG, sealed: read by OCR, about half an hour on two cores).  make variants-scans runs those alone.
variants: setup
	$(BIN)/python -m tests.variants.run
	$(BIN)/python -m tests.variants.scans

variants-scans: setup
	$(BIN)/python -m tests.variants.scans

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache out

# Every benchmark of speed and scale in one run (jobs/dev/bench_all.py: each part's time and the
# total); the scan reader's time per page apart (make bench-scans: minutes a page size).
bench: setup
	$(BIN)/python -m gknb.jobs.dev.bench_all

bench-scans: setup
	$(BIN)/python -m gknb.jobs.dev.bench_scan

# Fuzz every reader (tests/fuzz): make fuzz [N=100000] [BUDGET=seconds per target] [TARGETS="pdf docx"]
# [ENGINE=atheris|random] [RESUME=1: count earlier runs on the same code, for a run over several sittings].
# Two targets at a time; findings in out/fuzz/crashes/<target>/.
N ?= 100000
BUDGET ?= 0
TARGETS ?=
ENGINE ?= auto
fuzz: $(STAMP)
	@$(BIN)/python -c 'import atheris' 2>/dev/null || \
	  $(BIN)/python -m pip install -q --disable-pip-version-check -e '.[test,fuzz]' || \
	  echo "atheris could not be installed: fuzzing with the random engine"
	$(BIN)/python -m tests.fuzz --engine $(ENGINE) --runs $(N) --budget $(BUDGET) --jobs 2 $(if $(RESUME),--resume) $(TARGETS)
