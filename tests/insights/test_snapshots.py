"""Month-end figures derived from a small ledger by dates, checked against the table
computed by hand below (and kept for the next view).

Ateliers Test sells to Roux (Paul's portfolio) and Blanc (Léa's):

| document                     | issued | due    | amount | settled                     |
|------------------------------|--------|--------|-------:|-----------------------------|
| F-B1 Blanc                   | 15 Dec | 14 Jan |  1,000 | 1,000 on 10 Feb             |
| F-B2 Blanc (cancelled)       |  5 Jan |  4 Feb |  1,000 | -                           |
| F-R1 Roux                    | 10 Jan |  9 Feb |  1,200 | 600 on 5 Feb, 600 on 5 Mar  |
| F-R2 Roux                    | 20 Feb | 22 Mar |  2,400 | -                           |
| AV-R1 Roux (credit note)     | 25 Feb | 25 Feb |    240 | -                           |

| month end | sales | receivables            | not due | collected |
|-----------|------:|------------------------|--------:|----------:|
| 31 Dec    | 1,000 | 1,000                  |   1,000 |         0 |
| 31 Jan    | 1,200 | 2,200                  |   1,200 |         0 |
| 28 Feb    | 2,160 | 4,360 - 1,600 = 2,760  |   2,400 |     1,600 |
Paul's portfolio (Roux only): Jan 1,200 / 1,200; Feb 2,160 / 2,760 / 2,400, 600 collected.
"""
import datetime as dt
from decimal import Decimal as D

import pytest

from relance.insights import snapshots
from relance.insights.models import MonthEnd
from relance.insights.scope import Scope
from relance.ledger.models import Allocation, InvoiceKind, InvoiceStatus, Payment
from tests.dunning.world import creditor, customer, invoice, team

pytestmark = pytest.mark.django_db
D_ = dt.date
TODAY = D_(2026, 3, 15)
ENDS = [D_(2025, 12, 31), D_(2026, 1, 31), D_(2026, 2, 28)]


def issued(who, number, amount, on, due, **fields):
    found = invoice(who, amount, due, number=number, **fields)
    found.issue_date = on
    found.save(update_fields=["issue_date"])
    return found


def pay(who, reference, on, *allocations):
    payment = Payment.objects.create(company=who.company, customer=who, reference=reference,
                                     date=on, amount=sum(a for _i, a in allocations))
    for target, amount in allocations:
        Allocation.objects.create(invoice=target, payment=payment, amount=amount, date=on)


@pytest.fixture
def ledger():
    company = creditor()
    people = team("paul", "lea")
    roux = customer(company, "ROUX", owner=people["paul"])
    blanc = customer(company, "BLANC", owner=people["lea"])
    b1 = issued(blanc, "F-B1", "1000", D_(2025, 12, 15), D_(2026, 1, 14),
                status=InvoiceStatus.PAID, open_amount=D(0))
    issued(blanc, "F-B2", "1000", D_(2026, 1, 5), D_(2026, 2, 4),
           status=InvoiceStatus.CANCELLED, open_amount=D(0))
    r1 = issued(roux, "F-R1", "1200", D_(2026, 1, 10), D_(2026, 2, 9),
                status=InvoiceStatus.PAID, open_amount=D(0))
    issued(roux, "F-R2", "2400", D_(2026, 2, 20), D_(2026, 3, 22))
    issued(roux, "AV-R1", "240", D_(2026, 2, 25), D_(2026, 2, 25),
           kind=InvoiceKind.CREDIT_NOTE)
    pay(roux, "P1", D_(2026, 2, 5), (r1, D(600)))
    pay(blanc, "P2", D_(2026, 2, 10), (b1, D(1000)))
    pay(roux, "P3", D_(2026, 3, 5), (r1, D(600)))
    return company, people


def figures(found):
    return {end: (m.sales, m.receivables, m.current, cash)
            for end, (m, cash) in found.items()}


def test_month_end_figures_of_the_company_match_the_hand_computed_table(ledger):
    company, _people = ledger
    assert figures(snapshots.compute(Scope(company), ENDS)) == {
        ENDS[0]: (1000, 1000, 1000, 0),
        ENDS[1]: (1200, 2200, 1200, 0),
        ENDS[2]: (2160, 2760, 2400, 1600),
    }


def test_a_collectors_portfolio_counts_only_their_customers(ledger):
    company, people = ledger
    assert figures(snapshots.compute(Scope(company, owner_id=people["paul"].pk), ENDS)) == {
        ENDS[0]: (0, 0, 0, 0),
        ENDS[1]: (1200, 1200, 1200, 0),
        ENDS[2]: (2160, 2760, 2400, 600),
    }


def test_months_before_the_first_one_count_in_balances_not_in_its_sales(ledger):
    company, _people = ledger
    found = figures(snapshots.compute(Scope(company), ENDS[1:]))
    assert found == {ENDS[1]: (1200, 2200, 1200, 0), ENDS[2]: (2160, 2760, 2400, 1600)}


def test_closed_months_are_computed_once_then_read(ledger, django_assert_num_queries):
    company, _people = ledger
    months, collected = snapshots.closed_months(Scope(company), TODAY, count=3)
    assert [m.end for m in months] == ENDS and collected[ENDS[2]] == 1600
    assert MonthEnd.objects.filter(company=company, scope="").count() == 3
    with django_assert_num_queries(1):
        again, _ = snapshots.closed_months(Scope(company), TODAY, count=3)
    assert again == months
    snapshots.forget(company, since=ENDS[2])
    assert MonthEnd.objects.filter(company=company).count() == 2


def kept_months(company):
    return sorted(MonthEnd.objects.filter(company=company, scope="").values_list("end",
                                                                                 flat=True))


def test_a_correction_saved_one_row_at_a_time_recomputes_the_months_it_touches(
        ledger, django_capture_on_commit_callbacks):
    """The admin, a collector or a service changes rows one by one: the months from the
    earliest date the row had or has now are computed again at the next view."""
    company, _people = ledger
    snapshots.closed_months(Scope(company), TODAY, count=3)
    r2 = company.invoices.get(number="F-R2")
    with django_capture_on_commit_callbacks(execute=True):
        r2.hold_reason = "litige"           # no figure is made of it
        r2.save(update_fields=["hold_reason"])
    assert kept_months(company) == ENDS
    with django_capture_on_commit_callbacks(execute=True):
        r2.issue_date = D_(2026, 1, 20)     # moved from February into January
        r2.save()
    assert kept_months(company) == ENDS[:1]
    assert figures(snapshots.compute(Scope(company), ENDS[1:2])) == {
        ENDS[1]: (3600, 4600, 3600, 0)}

    snapshots.closed_months(Scope(company), TODAY, count=3)
    with django_capture_on_commit_callbacks(execute=True):
        Payment.objects.get(reference="P2").delete()   # and its allocation with it
    assert kept_months(company) == ENDS[:2]
    with django_capture_on_commit_callbacks(execute=True):
        pay(company.customers.get(reference="ROUX"), "P4", D_(2025, 12, 20), (r2, D(100)))
    assert kept_months(company) == []
