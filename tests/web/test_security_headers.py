"""The headers that keep a deployment safe (README, "Deployment"): a strict
Content-Security-Policy on every page, `no-store` on every page a signed-in user sees
and on every download, and `check --deploy` clean with the documented production
settings."""
import os
import secrets
import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse

from relance.team.models import User
from relance.web.security import CSP_HEADER, policy
from tests.dunning.world import creditor, customer
from tests.support.ledger_builders import invoice

pytestmark = pytest.mark.django_db

STRICT = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
          "form-action 'self' https://checkout.stripe.com; frame-ancestors 'none'")


@pytest.fixture
def claire():
    client = Client()
    client.force_login(User.objects.create_user("claire@atelier.test", None,
                                                role="credit_manager"))
    return client


def test_the_policy_allows_nothing_inline_and_nothing_from_elsewhere():
    assert policy() == STRICT


def test_a_signed_in_page_is_never_stored_and_carries_the_policy(claire):
    response = claire.get(reverse("web:customers"))
    assert response[CSP_HEADER] == STRICT
    cache = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "no-cache", "private", "must-revalidate"} <= cache


def test_a_download_is_never_stored(claire):
    lenoir = customer(creditor(), "LENOIR")
    invoice(lenoir, "100.00", due_days_ago=10)
    response = claire.get(reverse("web:customers"), {"format": "csv"})
    assert "no-store" in response["Cache-Control"]
    statement = claire.get(reverse("legal:statement_csv", args=[lenoir.pk]))
    assert statement.status_code == 200 and "no-store" in statement["Cache-Control"]


def test_the_login_page_carries_the_policy(client):
    assert client.get(reverse("login"))[CSP_HEADER] == STRICT


def test_a_static_file_stays_cacheable(client):
    response = client.get("/static/relance/relance.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    env = {**os.environ, "RELANCE_HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE":
           "relance.settings", "SECRET_KEY": secrets.token_urlsafe(50), "DEBUG": "0",
           "ALLOWED_HOSTS": "relance.example.com", "SECURE_COOKIES": "1",
           "SECURE_SSL_REDIRECT": "1", "SECURE_HSTS_SECONDS": "31536000",
           "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1", "SECURE_HSTS_PRELOAD": "1",
           "TRUST_PROXY_HEADERS": "1"}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "django", "check", "--deploy",
                           "--fail-level", "WARNING"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout
