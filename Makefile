# The documented commands. Each sets up what it needs on a fresh checkout.
#   make run    start the bot (Telegram with TELEGRAM_BOT_TOKEN, else a terminal chat)
#   make test   lint, validate the Rasa data, train if needed, run the whole test suite
#   make test-fast   the unit tier only (tests/unit): no model, no PostgreSQL, under a minute
.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2
# One BLAS/OpenMP thread, as bot/__init__.py sets for the bot: on two cores the default
# pools spin against each other (crossval spent 6 of its 15 CPU minutes in the kernel).
export OMP_NUM_THREADS := 1
export OPENBLAS_NUM_THREADS := 1
export MKL_NUM_THREADS := 1

RASA_DATA := --data nlu stories --domain domain --config config.yml

.PHONY: help setup run chat train validate lint test test-fast crossval bench clean i18n

help:
	@echo "make run       start the bot (terminal chat when TELEGRAM_BOT_TOKEN is unset)"
	@echo "make test      set up, lint, validate, train if needed, run every test"
	@echo "make test-fast the unit tier only (tests/unit): no lint, no training, under a minute"
	@echo "make train     train the Rasa model if config, domain or data changed"
	@echo "make validate  rasa data validate --fail-on-warnings"
	@echo "make crossval  rasa test nlu cross-validation (writes results/)"
	@echo "make lint      ruff check, ruff format --check, mypy (strict on bot/ and consent/)"
	@echo "make i18n      update, compile and check the gettext catalogs in locales/"

# Python 3.10 is Rasa's limit. A pyenv shim named python3.10 may exist and still fail, so
# each candidate is probed by running it.
$(PY):
	@set -e; found=""; \
	for candidate in python3.10 "$$(pyenv root 2>/dev/null)"/versions/3.10.*/bin/python \
	                 /usr/bin/python3.10 /usr/local/bin/python3.10; do \
	  if "$$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then \
	    found="$$candidate"; break; fi; \
	done; \
	if [ -z "$$found" ]; then \
	  echo "error: Python 3.10 not found (Rasa 3.6 supports Python up to 3.10)." >&2; \
	  echo "Install it (e.g. 'pyenv install 3.10' or your system's python3.10 package) and retry." >&2; \
	  exit 1; fi; \
	echo "creating $(VENV) with $$found"; "$$found" -m venv $(VENV)

# Every domain (messages: children, staff: officers and facilitators), every language.
CATALOGS := $(wildcard locales/*/LC_MESSAGES/*.po)
COMPILED := $(CATALOGS:.po=.mo)

$(STAMP): $(PY) pyproject.toml constraints.txt
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

# Compiled catalogs are built here, never committed (one run compiles them all).
locales/%.mo: locales/%.po $(STAMP)
	$(PY) -m bot i18n compile

setup: $(STAMP) $(COMPILED)

# Extract every _("...") (messages) and _s("...") / N_("...") (staff) string, update the
# catalogs of both domains in every language, compile them, then check them.
i18n: $(STAMP)
	$(PY) -m bot i18n update
	$(PY) -m bot i18n check

train: setup
	$(PY) -m bot train

run: setup
	$(PY) -m bot run

chat: setup
	$(PY) -m bot chat

validate: setup
	$(PY) -m rasa data validate $(RASA_DATA) --fail-on-warnings

# Everything Python that is ours; mypy checks bot/ and consent/ strictly ([tool.mypy]).
LINTED := bot consent botapi_fake tests bench migrations/env.py

lint: setup
	$(PY) -m ruff check $(LINTED)
	$(PY) -m ruff format --check $(LINTED)
	$(PY) -m mypy

crossval: setup
	$(PY) -m rasa test nlu --nlu nlu --config config.yml --cross-validation --folds 5 --out results/crossval

bench: setup train
	$(PY) -m bench.run

# Every tier: tests/unit, tests/integration (the trained model, PostgreSQL when
# TEST_POSTGRES_URL is set, the Bot API fake over HTTP, Chromium) and tests/quality (floors);
# --every-database runs the unit tier's database tests on PostgreSQL too.
test: setup lint validate train
	$(PY) -m pytest --every-database

# The unit tier: the fake assistant and SQLite, nothing trained, nothing linted.
test-fast: setup
	$(PY) -m pytest tests/unit

clean:
	rm -rf $(VENV) models results .pytest_cache
