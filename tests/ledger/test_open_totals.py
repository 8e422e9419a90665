"""The company's open amounts summed by due date and by customer (ledger/open_totals):
the dashboard's aging balance and top overdue customers read from them must show
exactly what summing the open invoices shows, on any day, and the sums must follow
every change of the ledger in the same transaction.

Ateliers Test's ledger on 15 March 2026 (days: before (-) or after (+) today):

| customer | open documents                                              | overdue today |
|----------|-------------------------------------------------------------|--------------:|
| C1       | 5,000 due -100; 1,000 due +10                               |         5,000 |
| C2       | 3,000 due -45; 2,500 due -5                                 |         5,500 |
| C3       | 4,000 due today (not due); 700 due -70                      |           700 |
| C4       | 8,000 due +20                                               |             0 |
| C5       | 1,200 due -1 with 200 open; credit note of 300              |           200 |
| C6       | 6,000 due -10 paid; 900 due -31 cancelled                   |             0 |
| C7       | 5,500 due -60                                               |         5,500 |
| Autre    | 99,999 due -10, at another company                          |      (apart) |

Aging today: not due 13,000; 1-30 2,700; 31-60 8,500; 61-90 700; over 90 5,000;
open credit notes 300. Top overdue: C2 and C7 (5,500 each, lowest id first), C1, C3, C5.
"""
import datetime as dt
import json
import shutil
import time
from decimal import Decimal as D
from io import StringIO
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from relance.insights import dashboard, metrics
from relance.insights.scope import Scope
from relance.ledger import balances, open_totals, queries
from relance.ledger.models import (Allocation, Company, Customer, InvoiceKind, InvoiceStatus,
                                   OpenByCustomer, OpenByDueDate, Payment)
from relance.portal.rules import stripe_signature
from tests.dunning.world import creditor, customer, invoice
from tests.portal import world as portal_world
from tests.portal.test_card_payments import SECRET, completed, deliver, stripe, stripe_api  # noqa: F401

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 15)
CORPUS = Path(__file__).resolve().parents[1] / "imports" / "corpus"


@pytest.fixture(autouse=True)
def no_figures_kept_from_another_test():
    """The dashboard's figures are cached by ledger stamp, and rolled-back tests reuse
    primary keys: each test starts with an empty cache."""
    cache.clear()
    yield
    cache.clear()


def due(days):
    return TODAY + dt.timedelta(days=days)


@pytest.fixture
def ledger():
    company = creditor()
    c = {ref: customer(company, ref) for ref in ("C1", "C2", "C3", "C4", "C5", "C6", "C7")}
    invoice(c["C1"], "5000", due(-100))
    invoice(c["C1"], "1000", due(10))
    invoice(c["C2"], "3000", due(-45))
    invoice(c["C2"], "2500", due(-5))
    invoice(c["C3"], "4000", due(0))
    invoice(c["C3"], "700", due(-70))
    invoice(c["C4"], "8000", due(20))
    invoice(c["C5"], "1200", due(-1), open_amount=D("200"))
    invoice(c["C5"], "300", due(0), kind=InvoiceKind.CREDIT_NOTE)
    invoice(c["C6"], "6000", due(-10), open_amount=D(0), status=InvoiceStatus.PAID)
    invoice(c["C6"], "900", due(-31), status=InvoiceStatus.CANCELLED)
    invoice(c["C7"], "5500", due(-60))
    other = Company.objects.create(name="Autre SAS")
    invoice(customer(other, "AUTRE"), "99999", due(-10))
    open_totals.rebuild(company.pk)
    open_totals.rebuild(other.pk)
    return {"company": company, **c}


def summed_by_invoices(company, day, limit=dashboard.TOP_OVERDUE):
    """What the dashboard showed before the sums were kept: every open invoice added."""
    scope = Scope(company)
    buckets = dashboard.aging_of(scope.filter(queries.open_invoices()), "open_amount", day)
    top = dashboard.overdue_by_customer(scope.filter(queries.overdue_invoices(day)))
    return buckets, list(top.order_by("-overdue", "customer_id")[:limit])


def top_rows(rows):
    return [(r["customer_id"], r["overdue"], r["oldest_due"], r["invoices"]) for r in rows]


def test_the_aging_balance_from_the_sums_is_the_one_computed_by_hand(ledger):
    buckets, credits = dashboard.aging_balance(Scope(ledger["company"]), TODAY)
    assert buckets == {"not_due": 13000, "1_30": 2700, "31_60": 8500, "61_90": 700,
                       "over_90": 5000}
    assert credits == 300


def test_the_top_overdue_customers_from_the_sums_are_the_ones_computed_by_hand(ledger):
    rows = dashboard.top_overdue(Scope(ledger["company"]), TODAY)
    assert [(r["customer__reference"], r["overdue"], r["invoices"]) for r in rows] == [
        ("C2", 5500, 2), ("C7", 5500, 1), ("C1", 5000, 1), ("C3", 700, 1), ("C5", 200, 1)]
    assert rows[2]["oldest_due"] == due(-100)


@pytest.mark.parametrize("page", [1, 2, 50])
@pytest.mark.parametrize("days", [-200, -46, -10, 0, 1, 10, 21, 400])
def test_the_sums_show_what_adding_every_open_invoice_shows_on_any_day(
        ledger, monkeypatch, page, days):
    monkeypatch.setattr(dashboard, "TOP_PAGE", page)
    day, scope = due(days), Scope(ledger["company"])
    buckets, top = summed_by_invoices(ledger["company"], day)
    assert dashboard.aging_balance(scope, day) == buckets
    assert top_rows(dashboard.top_overdue(scope, day)) == top_rows(top)
    for limit in (1, 2, 3):
        shown = top_rows(dashboard.top_overdue(scope, day, limit=limit))
        assert shown == top_rows(summed_by_invoices(ledger["company"], day, limit)[1])


def test_the_top_stops_reading_once_no_unread_customer_can_reach_it():
    pages = iter([[("A", 900, 900), ("B", 800, 100)], [("C", 500, 500), ("E", 450, 50)],
                  [("D", 400, 400)]])
    read = []

    def overdue_of(page):
        read.append(page)
        return [(bound, {"customer_id": name, "overdue": owed}) for name, bound, owed in page]

    best = metrics.top_by_bound(pages, overdue_of, 2)
    assert [row["customer_id"] for row in best] == ["A", "C"]
    assert len(read) == 2       # after E (at most 450), nobody can beat C's 500


def test_a_tie_with_the_last_bound_reads_on():
    pages = iter([[(2, 500, 500)], [(1, 500, 500)], []])
    best = metrics.top_by_bound(
        pages, lambda page: [(b, {"customer_id": c, "overdue": o}) for c, b, o in page], 1)
    assert best == [{"customer_id": 1, "overdue": 500}]


# -- the sums follow the ledger ------------------------------------------------------

def kept(company):
    return (sorted(OpenByDueDate.objects.filter(company=company)
                   .values_list("due_date", "kind", "amount")),
            sorted(OpenByCustomer.objects.filter(company=company).values_list(
                "customer_id", "invoiced", "credits", "invoices", "first_due", "last_due")))


def assert_in_step(company):
    """The sums as kept equal the sums added up again from the invoices."""
    found = kept(company)
    open_totals.rebuild(company.pk)
    assert found == kept(company)
    return found


def run_import(directory):
    out = StringIO()
    call_command("import", "ledger", str(directory), "--json", stdout=out)
    return json.loads(out.getvalue())


def test_an_import_and_a_changed_reimport_keep_the_sums_in_step(tmp_path):
    run_import(CORPUS / "valid")
    company = Company.objects.get()
    by_date, by_customer = assert_in_step(company)
    assert sum(amount for _due, _kind, amount in by_date) == D("3420.00")  # 300 + 3,000 + 120
    folder = tmp_path / "changed"
    shutil.copytree(CORPUS / "valid", folder)
    payments = (folder / "payments.csv").read_text().replace("F2026-0002,2026-11-02,300.00",
                                                             "F2026-0002,2026-11-02,600.00")
    (folder / "payments.csv").write_text(payments)
    with open(folder / "invoices.csv", "a") as invoices:
        invoices.write("F2026-0005,C003,2026-11-05,2026-12-05,EUR,50.00,10.00,60.00,0\n")
    counts = run_import(folder)
    assert counts["payments"]["updated"] == 1 and counts["invoices"]["created"] == 1
    c001 = Customer.objects.get(reference="C001")
    assert OpenByCustomer.objects.filter(customer=c001).exists() is False   # all paid now
    c003 = OpenByCustomer.objects.get(customer__reference="C003")
    assert (c003.invoiced, c003.invoices) == (D("180.00"), 2)
    assert_in_step(company)


def test_an_unchanged_reimport_leaves_the_sums_as_they_were():
    run_import(CORPUS / "valid")
    before = kept(Company.objects.get())
    assert run_import(CORPUS / "valid")["invoices"]["created"] == 0
    assert kept(Company.objects.get()) == before


def test_a_refused_import_leaves_the_sums_as_they_were():
    run_import(CORPUS / "valid")
    company = Company.objects.get()
    before = kept(company)
    with pytest.raises(CommandError):
        run_import(CORPUS / "negative_amount")
    assert kept(company) == before


def test_a_payment_matched_to_an_invoice_lowers_the_sums_at_once(ledger):
    """Matching (by hand or from a bank statement) allocates, then refreshes balances."""
    c2 = ledger["C2"]
    target = c2.invoices.get(amount_total=3000)
    payment = Payment.objects.create(company=c2.company, customer=c2, reference="VIR-C2",
                                     date=TODAY, amount=D(1000))
    Allocation.objects.create(invoice=target, payment=payment, amount=D(1000), date=TODAY)
    balances.refresh_invoices([target.pk])
    assert OpenByCustomer.objects.get(customer=c2).invoiced == D("4500.00")
    assert OpenByDueDate.objects.get(company=c2.company, due_date=due(-45)).amount == 2000
    assert_in_step(c2.company)


def test_an_invoice_paid_in_full_leaves_its_due_date_and_customer(ledger):
    c7 = ledger["C7"]
    target = c7.invoices.get()
    payment = Payment.objects.create(company=c7.company, customer=c7, reference="VIR-C7",
                                     date=TODAY, amount=D(5500))
    Allocation.objects.create(invoice=target, payment=payment, amount=D(5500), date=TODAY)
    balances.refresh_invoices([target.pk])
    assert not OpenByCustomer.objects.filter(customer=c7).exists()
    assert not OpenByDueDate.objects.filter(company=c7.company, due_date=due(-60)).exists()
    assert_in_step(c7.company)


@pytest.fixture
def story(settings, tmp_path):
    settings.PORTAL_UPLOAD_ROOT = tmp_path / "uploads" / "portal"
    settings.PUBLIC_URL = "http://127.0.0.1:8000"
    found = portal_world.build()
    open_totals.rebuild(found["company"].pk)
    return found


def test_a_card_payment_through_the_stripe_webhook_lowers_the_sums(client, story, stripe):  # noqa: F811
    late = story["late"]
    before = OpenByCustomer.objects.get(customer=late).invoiced
    payload = completed(story)
    response = deliver(client, payload, stripe_signature(payload, SECRET, int(time.time())))
    assert response.status_code == 200
    assert OpenByCustomer.objects.get(customer=late).invoiced == before - D("1500.00")
    assert_in_step(story["company"])


def test_the_daily_refresh_sums_again_what_was_edited_by_hand(ledger):
    from relance.insights import alerts

    ledger["C4"].invoices.update(open_amount=D(100))      # an edit in the admin
    alerts.refresh(ledger["company"], TODAY)
    assert OpenByCustomer.objects.get(customer=ledger["C4"]).invoiced == 100


def test_the_daily_refresh_catches_a_due_date_moved_by_hand(ledger):
    from relance.insights import alerts

    ledger["C4"].invoices.update(due_date=due(-3))
    alerts.refresh(ledger["company"], TODAY)
    row = OpenByCustomer.objects.get(customer=ledger["C4"])
    assert (row.first_due, row.last_due) == (due(-3), due(-3))
    assert dashboard.top_overdue(Scope(ledger["company"]), TODAY)[0]["customer__reference"] == "C4"


def test_the_daily_refresh_leaves_sums_in_step_as_they_are(ledger):
    assert open_totals.rebuild_if_out_of_step(ledger["company"].pk) is False
