# One command to run, one to test; each sets up what it needs first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 5000
export FLASK_APP := koerskaart

.PHONY: run test lint bench bench-conference install translations translations-update db clean

# PYTHONWARNINGS=ignore: setuptools prints a screenful of notices about editable installs
# that look like a failure to a new user; errors still stop the install.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	PYTHONWARNINGS=ignore $(BIN)/pip install --quiet --upgrade pip
	PYTHONWARNINGS=ignore $(BIN)/pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

install: $(STAMP)

translations: $(STAMP)
	$(BIN)/pybabel -q compile -d translations

# Re-extract the catalog after changing interface text, then translate the .po files.
translations-update: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot .
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

db: $(STAMP)
	$(BIN)/flask db upgrade

run: $(STAMP) translations
	PORT=$(PORT) $(BIN)/python -m koerskaart serve

test: $(STAMP) translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# ruff (lint and format) and mypy over the whole package: strict on engine/, content/ and
# live/, typed throughout elsewhere (settings in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

BENCH_STAMP := $(VENV)/.installed-bench
$(BENCH_STAMP): $(STAMP)
	PYTHONWARNINGS=ignore $(BIN)/pip install --quiet -e '.[bench]'
	touch $(BENCH_STAMP)

# The documented 50-table burst against the bare python-socketio floor, in one run
# (docs/performance.md). BENCH_ARGS adds to or overrides it, e.g. BENCH_ARGS="--rounds 2".
bench: $(BENCH_STAMP) translations
	$(BIN)/python benchmarks/burst.py --rounds 4 --tables 50 --players 6 --compare-bare --tcp-nodelay $(BENCH_ARGS)

# More benchmarks, one documented command each (docs/performance.md); BENCH_ARGS as above.
# bench-processes starts its own throwaway PostgreSQL and Redis servers
# (Debian packages postgresql and redis-server).
.PHONY: bench-2000 bench-processes bench-restart bench-storm bench-uptake

# 2,000 players (334 tables x 6) answering the same card over 10 s, against the bare floor.
bench-2000: $(BENCH_STAMP) translations
	$(BIN)/python benchmarks/burst.py --rounds 2 --tables 334 --players 6 --client raw --window 10 --compare-bare --tcp-nodelay $(BENCH_ARGS)

# The same over two processes sharing Redis and PostgreSQL (each table's players split across
# them), against one process on PostgreSQL and the bare floor as two processes on the same Redis.
bench-processes: $(BENCH_STAMP) translations
	$(BIN)/python benchmarks/burst.py --processes 2 --postgres --compare-one --compare-bare --tcp-nodelay --rounds 2 --tables 334 --players 6 --client raw --window 10 $(BENCH_ARGS)

# kill -9 with 60 tables mid-round, restart: time until every phone is back on its card (≤ 10 s).
bench-restart: $(BENCH_STAMP) translations
	$(BIN)/python benchmarks/restart.py --tables 60 --players 6 $(BENCH_ARGS)

# The reconnect storm of 2,000 phones after a restart, against the bare floor's.
bench-storm: $(BENCH_STAMP) translations
	$(BIN)/python benchmarks/restart.py --tables 334 --players 6 --in-flight 0 --compare-bare $(BENCH_ARGS)

# A conference end to end: 60 tables x 6 phones, a facilitator's dashboard and the big screen,
# synchronised pacing, four cards (two of them harvest moments). BENCH_ARGS adds or overrides,
# e.g. BENCH_ARGS="--tables 6 --rounds 2".
bench-conference: $(BENCH_STAMP) translations
	$(BIN)/python benchmarks/conference.py --tables 60 --players 6 --rounds 4 $(BENCH_ARGS)

# Uptake at scale: 100,000 seeded tables and 1,000 events, on SQLite and on a throwaway PostgreSQL
# (Debian package postgresql); every view through views.run, the dashboard page and the API, median
# and max of 5 runs, ⚠ over 1 s. BENCH_ARGS as above, e.g. BENCH_ARGS="--databases sqlite --runs 3".
bench-uptake: $(BENCH_STAMP) translations
	$(BIN)/python benchmarks/uptake.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance/*.sqlite3* .pytest_cache
