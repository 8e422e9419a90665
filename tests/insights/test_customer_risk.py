"""The customer page's risk header: `summary_for` loads a customer's history and the
partial shows its score, reasons and habits; `relance insights` from the command line."""
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import timezone, translation

from relance.insights.behaviour import summary_for
from relance.insights.models import Alert
from tests.insights.world import build
from tests.support.ledger_builders import paid_invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build()


def test_summary_for_a_customer_over_its_limit(world):
    summary = summary_for(world["roux"], timezone.localdate())
    assert (summary.balance, summary.overdue, summary.credit_limit) == (7000, 6000, 5000)
    assert summary.over_credit_limit
    # No settled invoice yet (10), overdue 6,000 / limit 5,000 (25), over the limit (10).
    assert summary.risk.score == 45
    assert summary.behaviour.trend == "unknown"


def test_summary_for_a_good_payer(world):
    for n in range(3):
        paid_invoice(world["moreau"], "100.00", due_days_ago=10 + n, reference=f"VIR-{n}")
    summary = summary_for(world["moreau"], timezone.localdate())
    assert (summary.behaviour.invoices, summary.behaviour.on_time_share) == (4, 100)
    assert summary.risk.score == 0 and not summary.over_credit_limit


def test_the_partial_shows_score_reasons_and_habits(world):
    with translation.override("en"):    # the reasons are worded when computed
        summary = summary_for(world["roux"], timezone.localdate())
        html = render_to_string("insights/_customer_risk.html", {"risk_summary": summary})
    assert "risk-medium" in html and ">45<" in html
    assert "of the credit limit" in html and "exceeded" in html
    assert "not enough payments" in html


def test_the_partial_renders_nothing_without_a_summary():
    assert "customer-risk" not in render_to_string("insights/_customer_risk.html", {})


def test_the_template_tag_computes_the_summary_itself(world):
    with translation.override("en"):
        html = Template("{% load insights %}{% customer_risk customer %}").render(
            Context({"customer": world["blanc"]}))
    assert "1 open dispute." in html


def test_the_command_refreshes_alerts_and_prints_figures(world):
    call_command("insights", "refresh")
    assert Alert.objects.filter(customer=world["roux"], cleared_on__isnull=True).count() == 1
    out = StringIO()
    call_command("insights", "figures", "--json", stdout=out)
    found = json.loads(out.getvalue())
    assert (found["receivables"], found["overdue"]) == ("9000.00", "8000.00")
    assert len(found["dso_trend"]) == 12


def test_a_customer_drifting_later_raises_an_alert_found_in_sql(world):
    """Garnier paid 20 days late a year ago and 40 lately: the database's averages
    agree with the pure function, and the alert goes on the timeline once."""
    from datetime import timedelta

    from relance.insights import alerts, behaviour
    from relance.ledger.models import Event, InvoiceStatus
    from tests.dunning.world import customer
    from tests.support.ledger_builders import days_ago, invoice

    garnier = customer(world["company"], "GARNIER", name="Garnier SA")
    for due_days_ago, late in ((300, 20), (250, 20), (200, 20), (80, 40), (60, 40)):
        invoice(garnier, "100.00", due_days_ago=due_days_ago, status=InvoiceStatus.PAID,
                open_amount=0, paid_on=days_ago(due_days_ago) + timedelta(days=late))
    today = timezone.localdate()
    found = alerts.paying_later(world["company"], today)
    assert found == {garnier: {"recent": "40.0", "usual": "20.0"}}
    assert summary_for(garnier, today).behaviour.trend == behaviour.LATER
    alerts.refresh(world["company"], today)
    alerts.refresh(world["company"], today)
    assert Event.objects.filter(type="alert.paying_later", customer=garnier).count() == 1
