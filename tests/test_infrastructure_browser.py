"""Chromium, driven by Playwright, talks to the live server; the ORM works beside it."""
import pytest
from django.urls import reverse


@pytest.mark.browser
def test_chromium_shows_a_page_served_by_the_live_server(page):
    page.goto(reverse("login"))

    assert page.locator('input[name="username"]').is_visible()
    assert page.locator('input[name="password"]').is_visible()


@pytest.mark.browser
def test_a_user_logs_in_through_the_real_form(logged_in_page, web_user):
    from relance.team.models import User

    assert "/login/" not in logged_in_page.url
    assert User.objects.filter(email=web_user.email, last_login__isnull=False).exists()
