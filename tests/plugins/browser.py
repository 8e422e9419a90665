"""Browser fixtures: Playwright driving the system's Chromium against `live_server`.

    @pytest.mark.browser
    def test_something(logged_in_page, live_server):
        logged_in_page.goto(live_server.url + reverse("web:home"))

Fixtures:
- `browser`: a headless Chromium (Debian's, never a downloaded one), per test.
- `page`: a fresh page in it.
- `web_user`: the user `logged_in_page` logs in as (an admin); override it in a
  test module to log in with another role.
- `logged_in_page`: a page already logged in as `web_user` through the real form.
- `log_in(page, email, password)`: the same login, for a second user in one test.

Why DJANGO_ALLOW_ASYNC_UNSAFE: Playwright's sync API keeps an asyncio event loop
registered as running in the test's thread, so Django refuses ORM calls there
("You cannot call this from an async context"). The flag is set only while a browser
fixture is alive, and Playwright is started and stopped per test, so no other test
ever runs beside that loop. The ORM and the live server still run synchronously.
"""
import os
import shutil

import pytest
from django.conf import settings
from django.urls import reverse

PASSWORD = "correct horse battery staple"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
TIMEOUT_MS = 15_000


def chromium_executable():
    """Debian's Chromium; Playwright must never download a browser of its own."""
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None


@pytest.fixture
def browser(transactional_db, live_server, monkeypatch):
    # live_server data must be committed to be seen by the server thread: transactional_db.
    executable = chromium_executable()
    if executable is None:
        pytest.skip("Chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            close_connections_opened_beside_playwright()
            chromium.close()


def close_connections_opened_beside_playwright():
    """Close the ORM connections the test opened while Playwright ran.

    Django keeps connections per thread, but while an asyncio loop runs in the thread
    (Playwright's), asgiref hands out a separate storage: the test then opens its own
    connections, which pytest-django never sees. Left open, they outlive the test and
    PostgreSQL refuses to drop the test database ("being accessed by other users").
    """
    from django.db import connections

    connections.close_all()


@pytest.fixture
def page(browser, live_server):
    """A page of its own; every story it serves is also a check of the
    Content-Security-Policy: Chromium reports each refusal (an inline style or script,
    a source from elsewhere) on the console, and one is a failure."""
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield page
    context.close()
    assert refused == [], "the Content-Security-Policy refused: " + "; ".join(refused)


@pytest.fixture
def web_user(transactional_db):
    from relance.team.models import Role, User

    return User.objects.create_user("admin@relance.test", PASSWORD, role=Role.ADMIN)


def log_in(page, email, password=PASSWORD):
    """Log in through the real login form, and check the session cookie was set."""
    page.goto(reverse("login"))
    page.fill('input[name="username"]', email)
    page.fill('input[name="password"]', password)
    with page.expect_navigation():
        page.press('input[name="password"]', "Enter")
    cookies = {cookie["name"] for cookie in page.context.cookies()}
    assert settings.SESSION_COOKIE_NAME in cookies, f"login as {email} failed at {page.url}"


@pytest.fixture
def logged_in_page(page, web_user):
    log_in(page, web_user.email)
    return page
