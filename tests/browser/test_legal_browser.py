"""Claire, a credit manager, hands two invoices over to a collection agency from the
customer's page, then records the agency's first report, in a real browser (French,
the default).

The world: Ateliers Test ships its scenarios; Garage Lenoir owes F-60 (60 days late),
F-40 (40 days late) and F-SOON (due in 10 days).
"""
import pytest
from django.urls import reverse

from relance.cases.models import AgencyReport, Handover
from relance.ledger.models import Event
from tests.dunning.world import creditor, customer
from tests.plugins.browser import PASSWORD
from tests.support.ledger_builders import invoice


@pytest.fixture
def web_user(transactional_db):
    from relance.team.models import Role, User

    return User.objects.create_user("claire@atelier.test", PASSWORD,
                                    role=Role.CREDIT_MANAGER, first_name="Claire")


@pytest.fixture
def late_payer(web_user):
    lenoir = customer(creditor(), "LENOIR", name="Garage Lenoir")
    return {"customer": lenoir,
            "f60": invoice(lenoir, "3000.00", due_days_ago=60, number="F-60"),
            "f40": invoice(lenoir, "1200.00", due_days_ago=40, number="F-40"),
            "soon": invoice(lenoir, "500.00", due_days_ago=-10, number="F-SOON")}


@pytest.mark.browser
def test_a_credit_manager_hands_invoices_over_to_an_agency_and_records_a_report(
        logged_in_page, late_payer):
    page = logged_in_page
    page.goto(reverse("web:customer", args=[late_payer["customer"].pk]))
    assert page.locator("#legal").count() == 0
    page.locator('#tabs a[data-tab="legal"]').click()
    page.wait_for_selector('#tab-panel[data-tab="legal"] #handover-form', state="attached")

    page.locator("details:has(#handover-form) > summary").click()
    form = page.locator("#handover-form")
    assert form.locator(f'input[value="{late_payer["f60"].pk}"]').is_checked()
    assert not form.locator(f'input[value="{late_payer["soon"].pk}"]').is_checked()
    form.locator('input[name="agency_name"]').fill("Recouvra SA")
    form.locator('input[name="agency_reference"]').fill("RC-2026-118")
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()

    assert page.url.endswith("?tab=legal#tabs")
    table = page.locator("table.handovers")
    assert "Recouvra SA" in table.inner_text()
    assert "F-60" in table.inner_text() and "F-40" in table.inner_text()
    assert "F-SOON" not in table.inner_text()
    handover = Handover.objects.get()
    assert sorted(i.number for i in handover.invoices.all()) == ["F-40", "F-60"]
    assert Event.objects.filter(type="handover.started").count() == 1

    page.locator("details:has(.report-form) > summary").first.click()
    report = page.locator(".report-form").first
    report.locator('select[name$="kind"]').select_option("contacted")
    report.locator('textarea[name$="note"]').fill("Débiteur joint, rappel la semaine prochaine")
    with page.expect_navigation():
        report.locator('button[type="submit"]').click()

    assert "Débiteur joint" in page.locator("table.handovers ul.reports").inner_text()
    assert AgencyReport.objects.get().kind == "contacted"
    assert Event.objects.filter(type="handover.report").count() == 1
