"""Claire, a credit manager, previews the day's run, runs it, and approves the formal
notice it plans for Boulangerie Roux, five weeks late."""
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from relance.dunning.models import Action, ActionStatus
from relance.team.models import Role, User
from tests.dunning.world import creditor, customer, invoice, reminded
from tests.plugins.browser import PASSWORD


@pytest.fixture
def web_user(transactional_db):
    return User.objects.create_user("claire@ateliers-test.example", PASSWORD,
                                    role=Role.CREDIT_MANAGER, first_name="Claire")


@pytest.fixture
def late_payer(transactional_db):
    roux = customer(creditor(), "ROUX", name="Boulangerie Roux")
    invoice(roux, "1200.00", timezone.localdate() - dt.timedelta(days=35),
            number="F-ROUX-1")
    reminded(roux, timezone.localdate() - dt.timedelta(days=10))   # the notice may follow
    return roux


@pytest.mark.browser
def test_a_credit_manager_previews_runs_and_approves_a_formal_notice(logged_in_page,
                                                                     late_payer):
    # Selectors are structural: the labels change with the French catalogue.
    page = logged_in_page
    page.goto(reverse("dunning:home"))
    page.locator("form.filters button[type=submit]").click()
    preview = page.locator("table.data").last
    assert "Boulangerie Roux" in preview.inner_text()
    assert "F-ROUX-1" in preview.inner_text()
    assert preview.locator(".badge.danger").count() == 1     # needs approval
    assert Action.objects.filter(kind="scheduled").count() == 0

    page.locator(f"form[action='{reverse('dunning:run')}'] button").click()
    assert page.locator(".messages").count() == 1
    page.locator(f".dn-tabs a[href='{reverse('dunning:review')}']").click()
    queue = page.locator("table.dn-queue")
    assert "Boulangerie Roux" in queue.inner_text()
    assert "F-ROUX-1" in queue.inner_text()
    before = page.locator(".page-head").inner_text()

    queue.locator("form[action$='/approve/'] button").click()
    assert "Boulangerie Roux" in page.locator(".messages").inner_text()
    assert page.locator("table.dn-queue").count() == 0
    assert page.locator(".page-head").inner_text() != before   # "1 action" -> "0 actions"
    assert Action.objects.get(kind="scheduled").status == ActionStatus.PLANNED
