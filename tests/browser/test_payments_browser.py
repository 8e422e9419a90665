"""From the dashboard's cash collected to the payments behind it, in Chromium.

The world of tests/insights/world.py, plus a transfer received today from Boulangerie
Roux (VIR-DU-JOUR, 1,000 EUR) that settled F-ROUX-2, and a cheque from Blanc Industrie
nobody has matched (CHQ-BLANC, 250 EUR)."""
import pytest
from django.urls import reverse

from relance.ledger.models import Invoice
from tests.insights.world import build
from tests.support.ledger_builders import days_ago
from tests.workspace.test_payments import pay


@pytest.mark.browser
def test_the_cash_collected_opens_this_months_payments(logged_in_page):
    world = build()
    pay(world["roux"], "VIR-DU-JOUR", "1000.00", 0,
        {Invoice.objects.get(number="F-ROUX-2"): "1000.00"}, method="transfer")
    pay(world["blanc"], "CHQ-BLANC", "250.00", 0, method="cheque")
    page = logged_in_page
    page.goto(reverse("web:home"))

    page.locator("#fig-cash-this-month").click()
    page.wait_for_url("**/payments/**")
    assert page.locator("input[name=date_from]").input_value() == days_ago(
        0).replace(day=1).isoformat()
    table = page.locator("table.payments")
    assert "VIR-DU-JOUR" in table.inner_text() and "CHQ-BLANC" in table.inner_text()

    page.locator("input[name=unapplied]").check()
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url(lambda url: "unapplied=on" in url)
    assert "CHQ-BLANC" in table.inner_text()
    assert "VIR-DU-JOUR" not in table.inner_text()

    page.locator("input[name=unapplied]").uncheck()
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url(lambda url: "unapplied" not in url)
    table.locator("a", has_text="F-ROUX-2").click()
    page.wait_for_url("**/invoices/*/")
    assert "F-ROUX-2" in page.locator("main").inner_text()
