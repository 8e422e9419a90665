"""No silent fallback rate (issue 17, item 6): a reminder whose penalties would use
another half-year's rate waits for review with the warning, and the dashboard says so."""
import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from relance.delivery.models import Message, MessageState
from relance.dunning.models import Action, ActionStatus
from relance.dunning.run import run_dunning
from relance.legal.halfyears import HalfYear
from relance.legal.models import RateTable
from relance.legal.penalties import latest_missing
from tests.dunning.world import D, creditor, customer, invoice, reminded, team

MONDAY = D(2026, 6, 15)
RATES = {("ecb", 2025, 1): Decimal("3.15"), ("ecb", 2025, 2): Decimal("2.15"),
         ("legal", 2026, 1): Decimal("2.62")}


def test_the_latest_half_year_without_a_rate_is_found():
    assert latest_missing(RATES, "ecb", D(2026, 3, 1)) == HalfYear(2026, 1)
    assert latest_missing(RATES, "ecb", D(2025, 12, 31)) == HalfYear(2024, 2)
    assert latest_missing(RATES, "legal", D(2026, 6, 30)) == HalfYear(2025, 2)
    assert latest_missing({}, "ecb", D(2026, 7, 1)) == HalfYear(2026, 2)


def firm_reminder_world():
    """Two customers a firm reminder is due for, and one a friendly reminder."""
    company = creditor()
    firm = customer(company, "FIRM")
    invoice(firm, "500.00", MONDAY - dt.timedelta(days=23), number="F-FIRM")
    friendly = customer(company, "FRIENDLY")
    invoice(friendly, "200.00", MONDAY - dt.timedelta(days=1), number="F-FRIENDLY")
    reminded(firm, MONDAY - dt.timedelta(days=10))
    return company


@pytest.mark.django_db
def test_a_reminder_stating_penalties_over_a_half_year_without_its_rate_waits_for_review():
    RateTable.objects.filter(kind="ecb", year=2026, half=1).delete()
    company = firm_reminder_world()
    result = run_dunning(company, MONDAY)

    firm = Action.objects.get(customer__reference="FIRM", kind="scheduled")
    assert firm.tone == "firm" and firm.status == ActionStatus.AWAITING_APPROVAL
    assert "2026-H1" in firm.note
    assert Message.objects.get(action=firm).state == MessageState.HELD
    # a courteous reminder states no penalty: it goes
    friendly = Action.objects.get(customer__reference="FRIENDLY")
    assert friendly.status == ActionStatus.PLANNED and friendly.note == ""
    assert len(result.actions) == 2


@pytest.mark.django_db
def test_with_the_rate_entered_the_same_reminder_goes():
    company = firm_reminder_world()
    run_dunning(company, MONDAY)
    firm = Action.objects.get(customer__reference="FIRM", kind="scheduled")
    assert (firm.status, firm.note) == (ActionStatus.PLANNED, "")


@pytest.mark.django_db
def test_the_dashboard_warns_until_the_rate_table_is_complete(client):
    company = creditor()
    invoice(customer(company, "LATE"), "100.00", timezone.localdate() - dt.timedelta(days=40))
    client.force_login(team("claire")["claire"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    missing = HalfYear.of(timezone.localdate())
    RateTable.objects.filter(kind="ecb", year=missing.year, half=missing.half).delete()
    page = client.get(reverse("web:home")).content.decode()
    assert 'id="rate-gap"' in page and str(missing) in page
    for half in {missing, HalfYear.of(timezone.localdate() - dt.timedelta(days=41))}:
        RateTable.objects.get_or_create(kind="ecb", year=half.year, half=half.half,
                                        defaults={"rate": Decimal("2.15")})
    assert 'id="rate-gap"' not in client.get(reverse("web:home")).content.decode()
