# One command to run, one to test; each sets up what it needs first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 5000
export FLASK_APP := koerskaart

.PHONY: run test lint install translations translations-update db clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

install: $(STAMP)

translations: $(STAMP)
	$(BIN)/pybabel -q compile -d translations

# Re-extract the catalog after changing interface text, then translate the .po files.
translations-update: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot .
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations --no-fuzzy-matching

db: $(STAMP)
	$(BIN)/flask db upgrade

run: $(STAMP) translations
	PORT=$(PORT) $(BIN)/python -m koerskaart serve

test: $(STAMP) translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict --follow-imports=silent koerskaart/engine

clean:
	rm -rf $(VENV) instance/*.sqlite3* .pytest_cache
