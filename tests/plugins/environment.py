"""The test session's environment, prepared before Django reads its settings.

Load it with `-p tests.plugins.environment` (the Makefile does) from the repository
root, with `python -m pytest` so that the root is importable:

    .venv/bin/python -m pytest -p tests.plugins.environment --db=sqlite
    .venv/bin/python -m pytest -p tests.plugins.environment --db=postgres

Why a `-p` plugin: settings read RELANCE_HOME and DATABASE_URL at import, and
pytest-django imports them in its `pytest_load_initial_conftests`, before any
conftest.py is loaded. A plugin given with `-p` is registered earlier still, and its
`tryfirst` hook below runs before pytest-django's, so the variables are in place when
the settings are imported. pytest-django then creates the test database as usual.
"""
import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from relance import env
from tests.plugins.postgres import PostgresUnavailable, ThrowawayPostgres

DATABASES = ("sqlite", "postgres")


def pytest_addoption(parser):
    parser.addoption(
        "--db", choices=DATABASES, default=None,
        help="sqlite: in-memory SQLite; postgres: a throwaway PostgreSQL server started "
             "for the session. Default: whatever DATABASE_URL says.")


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        # Workers share the controller's database server but not its files: two
        # tests looking at the same uploads/ or files/ folder would see each other.
        home = Path(os.environ["RELANCE_HOME"]) / worker
        os.environ["RELANCE_HOME"] = str(home)
        prepare(home)
        return
    options = parser.parse_known_args(args)
    if options.help or options.version:
        return
    isolate_home(early_config)
    if options.db == "sqlite":
        os.environ.pop("DATABASE_URL", None)
    elif options.db == "postgres":
        start_postgres(early_config)


def isolate_home(config):
    """RELANCE_HOME (and so MEDIA_ROOT) in a temporary folder, never the repo's var/."""
    home = tempfile.mkdtemp(prefix="relance-test-home-")
    on_exit(config, lambda: shutil.rmtree(home, ignore_errors=True))
    os.environ["RELANCE_HOME"] = home
    prepare(Path(home))


def prepare(home):
    """Laid out as `relance` commands leave it; static/ keeps WhiteNoise from warning."""
    home.mkdir(exist_ok=True)
    env.prepare_home(home)
    (home / "static").mkdir(exist_ok=True)


def start_postgres(config):
    """Start the server, or note why it cannot start: every test then skips with it."""
    try:
        server = ThrowawayPostgres()
    except PostgresUnavailable as exc:
        config.stash[postgres_missing_key] = str(exc)
        os.environ.pop("DATABASE_URL", None)
        return
    on_exit(config, server.stop)
    try:
        os.environ["DATABASE_URL"] = server.start()
    except RuntimeError as exc:
        log = server.log()
        server.stop()
        raise pytest.UsageError(f"PostgreSQL did not start: {exc}\n{log}") from None
    config.stash[postgres_server_key] = server


def on_exit(config, cleanup):
    """Run `cleanup` when the session ends, and at the latest when Python exits.

    pytest skips its own cleanups when start-up fails after this hook (a broken
    settings module, say); atexit then still stops the server. Cleanups run twice
    at most, which they tolerate.
    """
    config.add_cleanup(cleanup)
    atexit.register(cleanup)


postgres_server_key = pytest.StashKey[ThrowawayPostgres]()
postgres_missing_key = pytest.StashKey[str]()


def pytest_report_header(config):
    lines = [f"RELANCE_HOME: {os.environ.get('RELANCE_HOME')}"]
    server = config.stash.get(postgres_server_key, None)
    if server:
        lines.append(f"database: throwaway PostgreSQL on 127.0.0.1:{server.port}")
    return lines


def pytest_collection_modifyitems(config, items):
    reason = config.stash.get(postgres_missing_key, None)
    if reason is None:
        return
    skip = pytest.mark.skip(reason=f"--db=postgres: {reason}")
    for item in items:
        item.add_marker(skip)
