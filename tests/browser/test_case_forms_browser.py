"""Julien, a collector, records a promise to pay on his customer's page and disputes an
invoice, in a real browser (French, the default).

The world: Atelier Test ships its scenarios; Julien's customer Retard & Fils owes F-45
(45 days late) and F-SOON (due in 10 days).
"""
import pytest
from django.urls import reverse

from relance.cases.models import Dispute, Promise
from tests.dunning.world import creditor, customer
from tests.plugins.browser import PASSWORD
from tests.support.ledger_builders import days_ago, invoice


@pytest.fixture
def web_user(transactional_db):
    from relance.team.models import Role, User

    return User.objects.create_user("julien@atelier.test", PASSWORD, role=Role.COLLECTOR,
                                    first_name="Julien", last_name="Petit")


@pytest.fixture
def late_payer(web_user):
    late = customer(creditor(), "C-LATE", name="Retard & Fils", owner=web_user)
    return {"customer": late,
            "f45": invoice(late, "3000.00", due_days_ago=45, number="F-45"),
            "soon": invoice(late, "500.00", due_days_ago=-10, number="F-SOON")}


@pytest.mark.browser
def test_a_collector_records_a_promise_and_sees_it_listed_and_on_the_timeline(
        logged_in_page, late_payer):
    page = logged_in_page
    page.goto(reverse("web:customer", args=[late_payer["customer"].pk]))

    page.locator("details:has(#promise-form) > summary").click()
    form = page.locator("#promise-form")
    assert form.locator(f'input[value="{late_payer["f45"].pk}"]').is_checked()
    assert not form.locator(f'input[value="{late_payer["soon"].pk}"]').is_checked()
    form.locator('input[name="promised_for"]').fill(days_ago(-7).isoformat())
    form.locator('input[name="note"], textarea[name="note"]').fill("Virement vendredi")
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()

    promises = page.locator("table.promises")
    assert "F-45" in promises.inner_text()
    assert "Virement vendredi" in promises.inner_text()
    page.locator('#tabs a[data-tab="timeline"]').click()
    page.wait_for_selector('#tab-panel[data-tab="timeline"]')
    assert page.locator('.timeline .event-type[title="promise.recorded"]').count() == 1
    assert Promise.objects.get().amount == late_payer["f45"].open_amount


@pytest.mark.browser
def test_a_collector_opens_an_invoice_and_disputes_it(logged_in_page, late_payer):
    page = logged_in_page
    page.goto(reverse("web:invoice", args=[late_payer["f45"].pk]))

    page.locator("details:has(#dispute-form) > summary").click()
    form = page.locator("#dispute-form")
    form.locator('select[name="reason"]').select_option("quality")
    form.locator('textarea[name="comment"]').fill("Pièces abîmées à la livraison")
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()

    disputes = page.locator("#cases table")
    assert "Pièces abîmées à la livraison" in disputes.inner_text()
    assert page.locator("h1 .badge.danger").is_visible()
    assert page.locator('.timeline .event-type[title="dispute.opened"]').count() == 1
    assert page.locator("#resolve-form").count() == 1
    assert Dispute.objects.get().reason == "quality"
