"""Shared test fixtures. Session-wide machinery lives in tests/plugins/:

- environment.py (loaded with `-p`, see its docstring): RELANCE_HOME in a temporary
  folder, `--db=sqlite|postgres` with a throwaway PostgreSQL server;
- ci_guard.py: with CI=true, any skipped test fails the run;
- smtp.py: the `smtp_server` fixture (aiosmtpd on loopback);
- browser.py: `browser`, `page`, `web_user`, `logged_in_page` (Playwright + Chromium).
"""
import pytest

pytest_plugins = [
    "pytester",
    "tests.plugins.ci_guard",
    "tests.plugins.smtp",
    "tests.plugins.browser",
]


@pytest.fixture(autouse=True, scope="session")
def files_outside_the_repository(request, tmp_path_factory):
    """Generated files never land in the repository's var/.

    With the environment plugin RELANCE_HOME already is a temporary folder; a bare
    `pytest` run without it still gets temporary MEDIA_ROOT and STATIC_ROOT.
    """
    if request.config.pluginmanager.has_plugin("tests.plugins.environment"):
        return
    from django.conf import settings

    home = tmp_path_factory.mktemp("relance-home")
    settings.MEDIA_ROOT = home / "files"
    settings.STATIC_ROOT = home / "static"


@pytest.fixture(autouse=True)
def shipped_rate_tables(request):
    """Transactional tests (real worker processes, the browser's live server) empty the
    database afterwards, the rows of data migrations included: the tests that follow
    them get the shipped ECB and legal interest rates back, as after `migrate`."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or (
        {"transactional_db", "live_server"} & set(request.fixturenames))
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from relance.legal.rates import install_shipped

    install_shipped()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache. The dashboard's figures are cached per
    company, day and ledger stamp; a test that rolled back its database reuses the
    same ids, and would otherwise read the figures a previous test's world left."""
    from django.core.cache import cache

    cache.clear()
