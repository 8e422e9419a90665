# The two commands of the quick start: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test install install-test demo-data messages constraints clean

# Every install takes the exact versions of constraints.txt, pip's own and those of the
# build backend included; a changed constraints.txt installs again (pip moves whatever
# it pins differently). `make constraints` refreshes it: see docs/development.md.
CONSTRAINTS := constraints.txt
PIP_INSTALL = $(BIN)/pip install --quiet -c $(CONSTRAINTS) --build-constraint $(CONSTRAINTS)

$(BIN)/relance: pyproject.toml $(CONSTRAINTS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) pip
	$(PIP_INSTALL) -e .
	touch $@

install: $(BIN)/relance

$(VENV)/.test-deps: $(BIN)/relance $(CONSTRAINTS)
	$(PIP_INSTALL) -e '.[test]'
	touch $@

install-test: $(VENV)/.test-deps

run: install
	$(BIN)/relance demo --port $(PORT)

# The whole suite twice: on SQLite, then on a PostgreSQL server the session starts and
# removes itself (tests/plugins/environment.py). Both runs always execute; the target
# fails if either fails (any non-zero pytest status, including 5: no tests collected).
TEST_DATABASES := sqlite postgres
# pytest-xdist workers per pass: each has its own database (SQLite file or PostgreSQL
# database on the session's server). On 2 cores, 2 workers take a pass from about 13
# minutes to about 8; `make test TEST_WORKERS=0` runs in one process.
TEST_WORKERS ?= 2

test: install-test
	@failed=""; \
	for db in $(TEST_DATABASES); do \
		echo "=== pytest on $$db ==="; \
		$(BIN)/python -m pytest -p tests.plugins.environment --db=$$db -n $(TEST_WORKERS) $(PYTEST_ARGS) \
			|| failed="$$failed $$db"; \
	done; \
	if [ -n "$$failed" ]; then echo "make test: the suite failed on:$$failed" >&2; exit 1; fi

messages: install
	cd src/relance && ../../$(BIN)/django-admin makemessages -l fr -l en --no-obsolete \
		--settings=relance.settings --pythonpath=../ && \
		../../$(BIN)/django-admin compilemessages --settings=relance.settings --pythonpath=../

# The newest versions pyproject.toml allows, installed in a throwaway virtualenv (pip
# and setuptools upgraded first, as a build fetches the newest setuptools), then frozen.
constraints:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(PYTHON) -m venv "$$tmp/venv" && \
	"$$tmp/venv/bin/pip" install --quiet --upgrade pip setuptools && \
	"$$tmp/venv/bin/pip" install --quiet -e '.[test]' && \
	{ sed -n '/^#/!q;p' $(CONSTRAINTS); \
	  "$$tmp/venv/bin/pip" freeze --all --exclude-editable; } > "$$tmp/constraints.txt" && \
	mv "$$tmp/constraints.txt" $(CONSTRAINTS) && \
	echo "$(CONSTRAINTS) refreshed: review with git diff, then make install-test"

clean:
	rm -rf $(VENV) var .pytest_cache
