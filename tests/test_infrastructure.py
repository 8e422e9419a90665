"""The test session itself: its isolated home, its database, its SMTP server, its CI rule."""
import os
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection

REPOSITORY = Path(__file__).resolve().parent.parent


def test_generated_files_go_to_a_temporary_folder_not_the_repository():
    for folder in (settings.MEDIA_ROOT, settings.STATIC_ROOT):
        assert not Path(folder).resolve().is_relative_to(REPOSITORY), folder


def test_the_database_is_the_one_the_run_asked_for(request, db):
    asked = request.config.getoption("--db", default=None)
    expected = {"sqlite": "sqlite", "postgres": "postgresql"}.get(asked, connection.vendor)
    assert connection.vendor == expected


def test_the_postgres_server_listens_on_loopback_only(request, db):
    if connection.vendor != "postgresql":
        return  # nothing to check on SQLite; the PostgreSQL run checks it
    with connection.cursor() as cursor:
        cursor.execute("SHOW listen_addresses")
        assert cursor.fetchone()[0] == "127.0.0.1"


def test_an_email_sent_with_send_mail_reaches_the_smtp_server(smtp_server):
    send_mail("Relance : facture F-2025-0042 échue", "Bonjour,\nVotre facture est échue.",
              "relance@creancier.test", ["compta@client.test"])

    [mail] = smtp_server.messages
    assert mail.recipients == ["compta@client.test"]
    assert mail.message["Subject"] == "Relance : facture F-2025-0042 échue"
    assert "Votre facture est échue." in mail.message.get_content()


def run_inner_session(pytester, monkeypatch, ci):
    """Run a one-test session that skips, with only the CI guard loaded."""
    monkeypatch.setenv("PYTHONPATH", str(REPOSITORY), prepend=os.pathsep)
    monkeypatch.setenv("CI", "true" if ci else "false")
    pytester.makepyfile(test_story="""
        import pytest

        def test_needs_a_missing_tool():
            pytest.skip("tool not installed")
    """)
    return pytester.runpytest_subprocess(
        "-p", "no:django", "-p", "no:cacheprovider", "-p", "tests.plugins.ci_guard")


def test_a_skipped_test_fails_the_run_in_ci(pytester, monkeypatch):
    result = run_inner_session(pytester, monkeypatch, ci=True)

    assert result.ret == 1
    result.stdout.fnmatch_lines(["*nothing may be skipped in CI*",
                                 "SKIPPED *test_needs_a_missing_tool: *tool not installed"])


def test_a_skipped_test_is_only_reported_outside_ci(pytester, monkeypatch):
    result = run_inner_session(pytester, monkeypatch, ci=False)

    assert result.ret == 0
    result.assert_outcomes(skipped=1)
