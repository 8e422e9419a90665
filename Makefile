# The two commands of the quick start: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test install install-test demo-data messages clean

$(BIN)/relance: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

install: $(BIN)/relance

$(VENV)/.test-deps: $(BIN)/relance
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install-test: $(VENV)/.test-deps

run: install
	$(BIN)/relance demo --port $(PORT)

test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

messages: install
	cd src/relance && ../../$(BIN)/django-admin makemessages -l fr -l en --no-obsolete \
		--settings=relance.settings --pythonpath=../ && \
		../../$(BIN)/django-admin compilemessages --settings=relance.settings --pythonpath=../

clean:
	rm -rf $(VENV) var .pytest_cache
