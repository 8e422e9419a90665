"""Paul, a collector, opens the day's call list, opens the call to Boulangerie Roux
(three weeks late) and logs the promise its accountant made: 1,500 EUR next week."""
import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from relance.cases.models import Promise
from relance.dunning.models import Action, ActionStatus
from relance.team.models import Role, User
from tests.delivery.test_calls import plan_call
from tests.dunning.world import creditor, customer, invoice
from tests.plugins.browser import PASSWORD


@pytest.fixture
def web_user(transactional_db):
    return User.objects.create_user("paul@ateliers-test.example", PASSWORD,
                                    role=Role.COLLECTOR, first_name="Paul")


@pytest.fixture
def call_to_make(web_user):
    today = timezone.localdate()
    roux = customer(creditor(), "ROUX", name="Boulangerie Roux", owner=web_user)
    first = invoice(roux, "1500.00", today - dt.timedelta(days=21), number="F-ROUX-1")
    second = invoice(roux, "500.00", today - dt.timedelta(days=16), number="F-ROUX-2")
    return plan_call(roux, first, second, on=today)


@pytest.mark.browser
def test_a_collector_opens_the_call_list_and_logs_a_promise(logged_in_page, call_to_make):
    # Selectors are structural: the labels change with the French catalogue.
    page = logged_in_page
    page.goto(reverse("web:home"))
    page.locator(f".mainnav a[href='{reverse('delivery:calls')}']").click()
    assert page.locator(".mainnav .nav-count").inner_text() == "1"
    row = page.locator(f"table.call-list tr#call-{call_to_make.pk}")
    assert "Boulangerie Roux" in row.inner_text()
    assert row.locator("a[href^='tel:']").get_attribute("href") == "tel:+33123456789"

    row.locator(f"a[href='{reverse('delivery:call', args=[call_to_make.pk])}']").click()
    assert page.locator(".call-script li").count() == 4
    assert "F-ROUX-1" in page.locator("table.data").first.inner_text()

    in_a_week = timezone.localdate() + dt.timedelta(days=7)
    promise = page.locator("details#outcome-promise")
    promise.locator("summary").click()
    second = promise.locator("input[name=invoices]").nth(1)
    second.uncheck()
    promise.locator("input[name=amount]").fill("1500")
    promise.locator("input[name=promised_for]").fill(in_a_week.isoformat())
    promise.locator("textarea[name=note]").fill("Virement vendredi")
    promise.locator("button[type=submit]").click()

    page.wait_for_url(f"**{reverse('delivery:calls')}")
    assert "Boulangerie Roux" in page.locator(".messages").inner_text()
    assert page.locator("table.call-list").count() == 0
    assert page.locator(".mainnav .nav-count").count() == 0
    promised = Promise.objects.get()
    assert (promised.amount, promised.promised_for) == (Decimal("1500.00"), in_a_week)
    assert [i.number for i in promised.invoices.all()] == ["F-ROUX-1"]
    assert Action.objects.get(pk=call_to_make.pk).status == ActionStatus.DONE
