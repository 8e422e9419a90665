"""Claire, a credit manager, rewrites the friendly reminder and watches the preview
follow her typing, rendered for Boulangerie Roux, five weeks late on F-ROUX-1."""
import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from django.utils import timezone

from relance.dunning.models import Step
from relance.team.models import Role, User
from tests.dunning.world import creditor, customer, invoice
from tests.plugins.browser import PASSWORD


@pytest.fixture
def web_user(transactional_db):
    return User.objects.create_user("claire@ateliers-test.example", PASSWORD,
                                    role=Role.CREDIT_MANAGER, first_name="Claire")


@pytest.fixture
def friendly_reminder(transactional_db):
    company = creditor()
    roux = customer(company, "ROUX", name="Boulangerie Roux")
    invoice(roux, "1200.00", timezone.localdate() - dt.timedelta(days=35),
            number="F-ROUX-1")
    return Step.objects.get(scenario__company=company, scenario__is_default=True,
                            position=2)


@pytest.mark.browser
def test_typing_in_the_body_updates_the_preview(logged_in_page, friendly_reminder):
    # Selectors are structural: the labels change with the French catalogue.
    page = logged_in_page
    page.goto(reverse("dunning:step_templates", args=[friendly_reminder.pk])
              + "?language=en")
    body = page.locator("textarea[name=body]")
    preview = page.locator("#preview")
    assert "F-ROUX-1" in preview.inner_text()

    body.fill("")
    body.press_sequentially("Still owed: {{ total.amount|money(total.currency) }}")
    # a locator's expectation, not wait_for_function: that one evaluates a string in
    # the page, which the Content-Security-Policy (no eval) rightly refuses
    expect(page.locator("#preview")).to_contain_text("Still owed: €1,200.00")

    body.press_sequentially(" {{ settings }}")
    problem = page.locator("#preview .dn-error-box")
    problem.wait_for()
    assert (problem.get_attribute("data-field"), problem.get_attribute("data-line")) == (
        "body", "1")
    assert "settings" in problem.inner_text()
