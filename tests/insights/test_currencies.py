"""Amounts always with their currency: a customer owing 1,000 EUR and 5,000 USD has a
balance of 1,000 EUR and, beside it, 5,000 USD; the dashboard's figures are in euros
and list the dollars apart, converted at the ECB rate it names (docs/insights.md,
"Currencies").

The world is tests/insights/world.py's (9,000 EUR open, 8,000 overdue), plus Import
Export Ltd, Paul's, owing 1,000 EUR 10 days late and 5,000 USD 20 days late, and a
USD credit note of 200."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from relance.ledger import open_totals, queries
from relance.ledger.models import InvoiceKind, OpenByDueDate
from relance.legal import exchange
from relance.legal.models import ExchangeRate
from tests.dunning.world import customer
from tests.insights.world import build
from tests.support.ledger_builders import invoice

pytestmark = pytest.mark.django_db

D, M = dt.date, Decimal


@pytest.fixture
def world():
    found = build()
    abroad = customer(found["company"], "EXPORT", name="Import Export Ltd",
                      owner=found["paul"])
    invoice(abroad, "1000.00", due_days_ago=10, number="F-EXP-EUR")
    invoice(abroad, "5000.00", due_days_ago=20, number="F-EXP-USD", currency="USD")
    invoice(abroad, "200.00", due_days_ago=5, number="AV-EXP-USD", currency="USD",
            kind=InvoiceKind.CREDIT_NOTE)
    open_totals.rebuild(found["company"].pk)
    return {**found, "abroad": abroad}


def page(client, user, name, *args):
    client.force_login(user)
    response = client.get(reverse(name, args=args), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response


def test_a_customer_balance_is_in_euros_with_each_other_currency_beside_it(world):
    totals = queries.open_totals_for([world["abroad"].pk], timezone.localdate())
    row = totals[world["abroad"].pk]
    assert (row["balance"], row["overdue"]) == (M("1000.00"), M("1000.00"))
    assert row["others"] == [{"currency": "USD", "balance": M("4800.00"),
                              "overdue": M("5000.00")}]
    assert row["oldest_due"] == timezone.localdate() - dt.timedelta(days=20)


def test_the_customer_page_and_list_show_dollars_apart(client, world):
    header = page(client, world["claire"], "web:customer", world["abroad"].pk)
    text = header.content.decode()
    assert "1,000.00\xa0€" in text and "4,800.00\xa0$" in text and "5,000.00\xa0$" in text
    assert "5,800.00" not in text and "6,000.00\xa0€" not in text
    listed = page(client, world["claire"], "web:customers").content.decode()
    assert "4,800.00\xa0$" in listed


def test_the_dashboard_counts_euros_and_lists_other_currencies_apart(client, world):
    ExchangeRate.objects.create(currency="USD", day=timezone.localdate() - dt.timedelta(2),
                                rate=M("1.0500"))
    response = page(client, world["claire"], "web:home")
    f, others = response.context["f"], response.context["other_currencies"]
    assert (f.receivables, f.overdue) == (M("10000.00"), M("9000.00"))
    usd, = others["rows"]
    assert (usd["currency"], usd["open"], usd["overdue"]) == ("USD", M("4800.00"),
                                                              M("5000.00"))
    # 4,800 / 1.05 = 4,571.43 EUR; with the 10,000 EUR: 14,571.43
    assert usd["euros"].amount == M("4571.43")
    assert (others["total"].amount, others["total"].missing) == (M("14571.43"), ())
    text = response.content.decode()
    assert "at 1 EUR = 1.05 USD (ECB," in text and "14,571.43" in text


def test_without_a_recent_rate_the_total_says_what_it_leaves_out(client, world):
    ExchangeRate.objects.create(currency="USD", day=timezone.localdate() - dt.timedelta(30),
                                rate=M("1.0500"))
    response = page(client, world["claire"], "web:home")
    others = response.context["other_currencies"]
    assert others["rows"][0]["euros"] is None
    assert (others["total"].amount, others["total"].missing) == (M("10000.00"), ("USD",))
    assert "without USD: no rate" in response.content.decode()


def test_the_sums_by_due_date_are_kept_per_currency(world):
    company = world["company"]
    rows = set(OpenByDueDate.objects.filter(company=company, currency="USD")
               .values_list("kind", "amount"))
    assert rows == {(InvoiceKind.INVOICE, M("5000.00")), (InvoiceKind.CREDIT_NOTE, M("200.00"))}
    assert open_totals.rebuild_if_out_of_step(company.pk) is False


def test_a_rate_is_used_for_a_week_then_no_more():
    rates = {"USD": [(D(2026, 12, 1), M("1.05")), (D(2026, 12, 2), M("1.06"))]}
    assert exchange.quote(rates, "USD", D(2026, 12, 9)).rate == M("1.06")
    assert exchange.quote(rates, "USD", D(2026, 12, 10)) is None
    assert exchange.quote(rates, "USD", D(2026, 11, 30)) is None
    assert exchange.quote(rates, "USD", D(2026, 12, 1)).day == D(2026, 12, 1)
    assert exchange.to_euros(M("100.00"), "JPY", rates, D(2026, 12, 2)) is None
    assert exchange.to_euros(M("100.00"), "EUR", rates, D(2026, 12, 2)).amount == M("100.00")


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_the_ecb_csv_imports_all_or_nothing_and_names_the_bad_cell(tmp_path, english):
    good = tmp_path / "eurofxref.csv"
    good.write_text("Date,USD,JPY,\n2026-12-02,1.0512,162.35,\n2026-12-01,1.0490,N/A,\n")
    call_command("legal", "fx", "import", str(good))
    assert ExchangeRate.objects.count() == 3
    bad = tmp_path / "bad.csv"
    bad.write_text("Date,USD\n2026-12-03,1.0600\n2026-12-04,-1\n")
    with pytest.raises(CommandError, match=r"bad.csv, line 3, column USD: '-1' is not a "
                                           r"positive exchange rate"):
        call_command("legal", "fx", "import", str(bad))
    assert ExchangeRate.objects.count() == 3        # nothing of the bad file
    with pytest.raises(CommandError, match="not an ISO 4217 currency"):
        call_command("legal", "fx", "set", "ÉTÉ", "2026-12-03", "1.1")


def test_a_statement_sent_by_hand_counts_its_amount_in_one_currency(world):
    from relance.delivery import statement_mail
    abroad = world["abroad"]
    action = statement_mail.send(abroad, abroad.contacts.exclude(email="").first(),
                                 world["paul"], timezone.localdate())
    assert (action.currency, action.amount) == ("EUR", M("1000.00"))


def test_the_worklist_shows_each_task_in_its_currency_and_weighs_it_in_euros(client, world):
    from relance.cases.models import Dispute
    from relance.ledger.models import Invoice
    from tests.support.ledger_builders import days_ago
    ExchangeRate.objects.create(currency="USD", day=timezone.localdate(), rate=M("2.00"))
    dollars = Invoice.objects.get(number="F-EXP-USD")
    Dispute.objects.create(invoice=dollars, reason="price", opened_on=days_ago(40))
    response = page(client, world["claire"], "insights:worklist")
    task, = [t for t in response.context["tasks"] if t.customer == world["abroad"]
             and t.kind == "dispute"]
    assert (task.amount, task.currency) == (M("5000.00"), "USD")
    # 5,000 USD weighs as 2,500 EUR at 1 EUR = 2 USD
    from relance.insights import priority
    assert task.priority == priority.priority(M("2500.00"), task.days_late, task.risk.score)
    assert "5,000.00\xa0$" in response.content.decode()
