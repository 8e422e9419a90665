"""Login security: failed logins are rate-limited per account from one address, per
address and per account from anywhere, so that an attacker is slowed down while the
account's owner, elsewhere, still logs in; a forgotten password is reset by email,
through a real SMTP server on loopback.

The world: Claire, a credit manager, with the password "right password". The limits
are small here (3 per account and address, 5 per address, 8 per account) so the
stories stay short.
"""
import datetime as dt
import re

import pytest
from django.urls import reverse

from relance.team.models import User
from relance.web.views import auth

PASSWORD = "right password"


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS = 3
    settings.LOGIN_FAILURES_PER_ADDRESS = 5
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 900
    settings.LOGIN_FAILURES_PER_ACCOUNT = 8
    settings.LOGIN_ACCOUNT_WINDOW_SECONDS = 3600


@pytest.fixture
def claire(db):
    return User.objects.create_user("claire@atelier.test", PASSWORD, role="credit_manager",
                                    first_name="Claire", language="en")


def log_in(client, email, password, address="10.0.0.1"):
    return client.post(reverse("login"), {"username": email, "password": password},
                       REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")


def test_a_few_wrong_passwords_still_leave_the_right_one_working(client, claire):
    for _ in range(2):
        assert log_in(client, claire.email, "guess").status_code == 200
    assert log_in(client, claire.email, PASSWORD).status_code == 302


def test_after_too_many_failures_even_the_right_password_is_refused(client, claire):
    for _ in range(3):
        log_in(client, claire.email, "guess")

    refused = log_in(client, claire.email, PASSWORD)

    assert refused.status_code == 429
    assert "Too many failed attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_from_one_address_do_not_lock_the_owner_out_elsewhere(client, claire):
    for _ in range(3):
        log_in(client, claire.email, "guess", address="10.6.6.6")

    assert log_in(client, claire.email, PASSWORD, address="10.6.6.6").status_code == 429
    assert log_in(client, claire.email, PASSWORD, address="192.0.2.7").status_code == 302


def test_guessing_one_account_from_many_addresses_meets_the_longer_back_off(client, claire):
    for n in range(8):   # two tries from each of four addresses: no pair reaches 3
        log_in(client, claire.email, "guess", address=f"10.9.0.{n // 2}")

    assert log_in(client, claire.email, PASSWORD, address="192.0.2.7").status_code == 429


def test_the_account_limit_does_not_lock_out_other_accounts(client, claire):
    User.objects.create_user("paul@atelier.test", PASSWORD, role="collector")
    for _ in range(3):
        log_in(client, claire.email, "guess")

    assert log_in(client, "paul@atelier.test", PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_is_stopped(client, claire):
    for n in range(5):
        log_in(client, f"nobody{n}@atelier.test", "guess", address="10.6.6.6")

    assert log_in(client, claire.email, PASSWORD, address="10.6.6.6").status_code == 429
    assert log_in(client, claire.email, PASSWORD, address="10.0.0.2").status_code == 302


def test_failures_just_before_a_window_ends_still_lock_the_account_after_it(rf, claire):
    attempt = rf.post(reverse("login"), {"username": claire.email, "password": "guess"})
    boundary = dt.datetime(2026, 3, 2, 12, 15, tzinfo=dt.timezone.utc)   # 900 s windows
    for _ in range(3):
        auth.count_failure(attempt, boundary - dt.timedelta(seconds=1))

    assert auth.locked_out(attempt, boundary + dt.timedelta(seconds=1))
    # The previous window counts in proportion to what is still within 900 s of now.
    assert auth.locked_out(attempt, boundary + dt.timedelta(seconds=299))
    assert not auth.locked_out(attempt, boundary + dt.timedelta(seconds=301))


def test_the_email_is_counted_whatever_its_case(client, claire):
    for email in ("Claire@atelier.test", "CLAIRE@ATELIER.TEST", " claire@atelier.test"):
        log_in(client, email, "guess")

    assert log_in(client, claire.email, PASSWORD).status_code == 429


def test_the_login_page_offers_the_password_reset(client, db):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'<a href="{reverse("password_reset")}">Forgot your password?</a>' in page


def test_a_forgotten_password_is_reset_through_the_link_sent_by_email(client, claire,
                                                                      smtp_server):
    response = client.post(reverse("password_reset"), {"email": "claire@atelier.test"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response["Location"] == reverse("password_reset_done")

    [mail] = smtp_server.messages
    assert mail.recipients == ["claire@atelier.test"]
    body = mail.message.get_content()
    link = re.search(r"https?://[^/\s]+(/password-reset/\S+/)", body).group(1)
    form = client.get(link, follow=True)
    assert "new_password1" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": "N3w-passw0rd-2026",
                                                    "new_password2": "N3w-passw0rd-2026"})
    assert done["Location"] == reverse("password_reset_complete")
    assert log_in(client, claire.email, "N3w-passw0rd-2026").status_code == 302


def test_the_reset_link_uses_the_public_url_not_the_requests_host(client, claire, settings,
                                                                  smtp_server):
    settings.PUBLIC_URL = "https://relance.atelier.test"
    settings.ALLOWED_HOSTS = ["app.internal"]
    client.post(reverse("password_reset"), {"email": claire.email}, HTTP_HOST="app.internal")

    [mail] = smtp_server.messages
    body = mail.message.get_content()
    assert re.search(r"^https://relance\.atelier\.test/password-reset/\S+/\s", body, re.M)
    assert "app.internal" not in body


def test_an_unknown_email_gets_the_same_answer_and_no_mail(client, db, smtp_server):
    response = client.post(reverse("password_reset"), {"email": "nobody@atelier.test"})

    assert response["Location"] == reverse("password_reset_done")
    assert smtp_server.messages == []


def test_a_used_reset_link_does_not_work_twice(client, claire, smtp_server):
    client.post(reverse("password_reset"), {"email": claire.email})
    link = re.search(r"https?://[^/\s]+(/password-reset/\S+/)",
                     smtp_server.messages[0].message.get_content()).group(1)
    form = client.get(link, follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": "N3w-passw0rd-2026",
                                             "new_password2": "N3w-passw0rd-2026"})

    again = client.get(link, follow=True, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "This link does not work any more" in again
