"""The statement of claim, worked by hand to the cent.

The world: Ateliers Test SAS claims from its customer on 15 July 2025. Rates are
DOMAIN.md's; 2025-H1 is charged 3.15 + 10 = 13.15 %, 2025-H2 2.15 + 10 = 12.15 %.
Each period is base × rate × days / 36500, rounded half-up.
"""
import datetime as dt
from decimal import Decimal

from relance.legal.penalties import STATUTORY, contractual
from relance.legal.statement import Billed, Received, restricted, statement

D = dt.date
M = Decimal
RATES = {("ecb", 2025, 1): M("3.15"), ("ecb", 2025, 2): M("2.15"),
         ("legal", 2025, 1): M("3.71"), ("legal", 2025, 2): M("2.76")}
AS_OF = D(2025, 7, 15)


def billed(number, amount, due, *, open_amount=None, currency="EUR"):
    amount = M(amount)
    return Billed(number, due - dt.timedelta(days=30), due, amount,
                  amount if open_amount is None else M(open_amount), currency)


def claim(invoices, payments=(), as_of=AS_OF, *, consumer=False, policy=STATUTORY,
          **options):
    return statement(invoices, payments, as_of, RATES, policy=policy, consumer=consumer,
                     insolvent=False, **options)


def test_a_partial_payment_lowers_the_base_the_day_after_it_and_the_indemnity_stays():
    # 16-30 June: 1000 × 13.15 × 15 = 5.40; 1 July (the payment's day): 1000 × 12.15
    # × 1 = 0.33; 2-15 July: 600 × 12.15 × 14 = 2.80.
    result = claim([billed("F-1", "1000.00", D(2025, 6, 15), open_amount="600.00")],
                   [Received("F-1", D(2025, 7, 1), M("400.00"), reference="VIR-1")])
    line, = result.lines
    assert [(p.days, p.base, p.amount) for p in line.penalty.periods] == [
        (15, M("1000.00"), M("5.40")), (1, M("1000.00"), M("0.33")),
        (14, M("600.00"), M("2.80"))]
    assert (line.principal, line.paid, line.open, line.days_late) == (
        M("1000.00"), M("400.00"), M("600.00"), 30)
    assert [(p.date, p.amount) for p in line.payments] == [(D(2025, 7, 1), M("400.00"))]
    assert (line.penalties, line.indemnity, line.claimed) == (
        M("8.53"), M("40.00"), M("648.53"))
    assert result.totals["EUR"].as_dict() == {
        "currency": "EUR", "principal": M("1000.00"), "payments": M("400.00"),
        "open": M("600.00"), "penalties": M("8.53"), "indemnities": M("40.00"),
        "total": M("648.53")}


def test_each_currency_has_its_totals_and_the_indemnity_is_in_euros():
    # The dollar invoice: 2000 × 13.15 × 15 = 10.81 in June, 2000 × 12.15 × 15 = 9.99
    # in July; its 40 indemnity is in euros (D441-5), with the euro totals.
    result = claim([billed("F-1", "1000.00", D(2025, 6, 15), open_amount="600.00"),
                    billed("US-1", "2000.00", D(2025, 6, 15), currency="USD")],
                   [Received("F-1", D(2025, 7, 1), M("400.00"))])
    usd = result.totals["USD"].as_dict()
    assert (usd["open"], usd["penalties"], usd["indemnities"], usd["total"]) == (
        M("2000.00"), M("20.80"), M("0.00"), M("2020.80"))
    eur = result.totals["EUR"].as_dict()
    assert (eur["open"], eur["penalties"], eur["indemnities"], eur["total"]) == (
        M("600.00"), M("8.53"), M("80.00"), M("688.53"))
    assert list(result.totals) == ["EUR", "USD"]


def test_a_consumer_owes_the_penalties_but_no_indemnity():
    result = claim([billed("F-1", "1000.00", D(2025, 6, 15), open_amount="600.00")],
                   [Received("F-1", D(2025, 7, 1), M("400.00"))], consumer=True)
    assert result.lines[0].indemnity == M("0.00")
    assert result.totals["EUR"].total == M("608.53")


def test_an_invoice_not_yet_due_or_due_that_day_is_listed_apart_and_not_claimed():
    result = claim([billed("F-2", "500.00", D(2025, 8, 1)),
                    billed("F-6", "300.00", D(2025, 7, 15)),
                    billed("F-7", "200.00", D(2025, 7, 14))], as_of=D(2025, 7, 15))
    assert [line.number for line in result.lines] == ["F-7"]
    assert [(line.number, line.open, line.penalties, line.indemnity)
            for line in result.not_due] == [("F-6", M("300.00"), M("0.00"), M("0.00")),
                                             ("F-2", M("500.00"), M("0.00"), M("0.00"))]
    assert result.totals["EUR"].open == M("200.00")


def test_a_restricted_statement_keeps_only_the_named_lines_late_or_not():
    found = claim([billed("F-2", "500.00", D(2025, 8, 1)),
                   billed("F-7", "200.00", D(2025, 6, 14)),
                   billed("F-8", "100.00", D(2025, 6, 14))], as_of=D(2025, 7, 15))
    kept = restricted(found, ["F-2", "F-8"])
    assert ([line.number for line in kept.lines], [line.number for line in kept.not_due]) == (
        ["F-8"], ["F-2"])
    # F-8: 15-30 June 100 × 13.15 × 16 = 0.58; 1-15 July 100 × 12.15 × 15 = 0.50.
    assert kept.totals["EUR"].as_dict()["total"] == M("141.08")


def test_every_line_is_rounded_and_the_total_is_the_sum_of_the_rounded_lines():
    # 146 × 13.15 × 25 / 36500 = 1.315 exactly: 1.32 each, 2.64 together (not 2.63).
    due, as_of = D(2025, 2, 1), D(2025, 2, 26)
    result = claim([billed("F-3", "146.00", due), billed("F-4", "146.00", due)],
                   as_of=as_of)
    assert [line.penalties for line in result.lines] == [M("1.32"), M("1.32")]
    totals = result.totals["EUR"]
    assert (totals.penalties, totals.indemnities, totals.total) == (
        M("2.64"), M("80.00"), M("374.64"))
    assert totals.total == sum(line.claimed for line in result.lines)


def test_an_invoice_paid_late_in_full_is_claimed_only_when_asked_for():
    invoices = [billed("F-5", "1000.00", D(2025, 6, 15), open_amount="0.00")]
    payments = [Received("F-5", D(2025, 7, 15), M("1000.00"))]
    assert claim(invoices, payments).lines == ()
    line, = claim(invoices, payments, include_paid_late=True).lines
    assert (line.open, line.days_late, line.penalties, line.claimed) == (
        M("0.00"), 30, M("10.39"), M("50.39"))


def test_an_invoice_paid_in_time_is_never_claimed():
    invoices = [billed("F-6", "1000.00", D(2025, 6, 15), open_amount="0.00")]
    payments = [Received("F-6", D(2025, 6, 15), M("1000.00"))]
    assert claim(invoices, payments, include_paid_late=True).lines == ()


def test_a_credit_note_lowers_the_principal_from_the_first_day():
    # 1200 less a credit note of 200: 1000 for 30 days, as the worked example of
    # docs/legal.md, 5.40 + 4.99.
    result = claim([billed("F-7", "1200.00", D(2025, 6, 15), open_amount="1000.00")],
                   [Received("F-7", D(2025, 7, 1), M("200.00"), credit_note=True)])
    line, = result.lines
    assert (line.amount, line.credited, line.principal, line.paid) == (
        M("1200.00"), M("200.00"), M("1000.00"), M("0.00"))
    assert line.penalties == M("10.39")


def test_a_statement_on_a_past_date_ignores_the_payments_made_since():
    # Paid in full on 10 July; on 30 June it was still open for 15 days: 5.40.
    invoices = [billed("F-8", "1000.00", D(2025, 6, 15), open_amount="0.00")]
    payments = [Received("F-8", D(2025, 7, 10), M("1000.00"))]
    line, = claim(invoices, payments, as_of=D(2025, 6, 30)).lines
    assert (line.open, line.credited, line.penalties) == (M("1000.00"), M("0.00"), M("5.40"))


def test_an_open_amount_without_allocations_lowers_the_principal():
    # Imported with 300 open and no allocation: only 300 is claimed, 15 + 15 days:
    # 300 × 13.15 × 15 = 1.62, 300 × 12.15 × 15 = 1.50.
    line, = claim([billed("F-9", "1000.00", D(2025, 6, 15), open_amount="300.00")]).lines
    assert (line.principal, line.open, line.penalties) == (
        M("300.00"), M("300.00"), M("3.12"))


def test_a_contractual_rate_applies_to_every_period():
    # Still cut at the half-year: 1000 × 15 × 15 / 36500 = 6.16, twice (not 12.33).
    line, = claim([billed("F-10", "1000.00", D(2025, 6, 15))],
                  policy=contractual("15")).lines
    assert line.penalties == M("12.32")
