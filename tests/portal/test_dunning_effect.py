"""An answer on the portal takes effect on the very next dunning run: a dispute pauses
that invoice, a promise the invoices it covers until its date, a declared payment holds
them until it is reconciled; a proposed plan changes nothing until it is accepted."""
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from relance.dunning.calendar import BusinessCalendar
from relance.dunning.run import run_dunning
from tests.dunning.world import creditor, customer, invoice
from tests.portal import world
from tests.portal.test_scope import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_day():
    """The next business day: the run plans nothing on a Sunday."""
    return BusinessCalendar.around(timezone.localdate()).on_or_after(timezone.localdate())


@pytest.fixture
def late(settings, tmp_path, run_day):
    settings.PORTAL_UPLOAD_ROOT = tmp_path
    found = customer(creditor(), "LATE")
    return found, invoice(found, "500.00", run_day - dt.timedelta(days=1),
                          number="F-LATE")


def reminded(company, day):
    result = run_dunning(company, day, dry_run=True)
    return {number for draft in result.actions for number in draft.numbers.values()}


ANSWERS = {
    "dispute": lambda inv: {"invoice": inv.pk, "reason": "quality", "comment": "cassé"},
    "promise": lambda inv: {"invoices": [inv.pk], "amount": "500.00",
                            "promised_for": world.days_from_today(25)},
    "paid": lambda inv: {"invoices": [inv.pk], "amount": "500.00",
                         "paid_on": world.days_from_today(0), "proof": pdf()},
}


@pytest.mark.parametrize("action", sorted(ANSWERS))
def test_an_answer_stops_the_reminder_of_the_next_run(client, late, run_day, action):
    found, late_invoice = late
    assert reminded(found.company, run_day) == {"F-LATE"}      # the control
    world.portal_client(client, found)
    response = client.post(reverse(f"portal:{action}"), ANSWERS[action](late_invoice))
    assert response.status_code == 302
    assert reminded(found.company, run_day) == set()


def test_a_proposed_plan_does_not_stop_reminders_until_accepted(client, late, run_day):
    found, late_invoice = late
    world.portal_client(client, found)
    client.post(reverse("portal:plan"), {"invoices": [late_invoice.pk], "instalments": 3,
                                         "starts_on": world.days_from_today(5)})
    assert reminded(found.company, run_day) == {"F-LATE"}
