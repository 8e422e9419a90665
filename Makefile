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

# The whole suite twice: on SQLite, then on a PostgreSQL server the session starts and
# removes itself (tests/plugins/environment.py). Both runs always execute; the target
# fails if either fails (any non-zero pytest status, including 5: no tests collected).
TEST_DATABASES := sqlite postgres

test: install-test
	@failed=""; \
	for db in $(TEST_DATABASES); do \
		echo "=== pytest on $$db ==="; \
		$(BIN)/python -m pytest -p tests.plugins.environment --db=$$db $(PYTEST_ARGS) \
			|| failed="$$failed $$db"; \
	done; \
	if [ -n "$$failed" ]; then echo "make test: the suite failed on:$$failed" >&2; exit 1; fi

messages: install
	cd src/relance && ../../$(BIN)/django-admin makemessages -l fr -l en --no-obsolete \
		--settings=relance.settings --pythonpath=../ && \
		../../$(BIN)/django-admin compilemessages --settings=relance.settings --pythonpath=../

clean:
	rm -rf $(VENV) var .pytest_cache
