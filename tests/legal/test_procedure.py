"""The procedure recommended at the end of amicable collection (recovery/path.py), pure.

A claim of one invoice, due on 1 March 2026, is looked at on 1 June 2026. The amount
that decides is open principal + penalties + indemnity, in euros."""
import datetime as dt
from decimal import Decimal

from relance.legal.procedure import (
    DECLARE_CLAIM, DISPUTED, NOT_DUE, NOTHING_TO_CLAIM, ORDER_FOR_PAYMENT, SMALL_CLAIMS,
    TIME_BARRED, ClaimLine, Debtor, recommend,
)

D = dt.date
AS_OF = D(2026, 6, 1)
SEAT = Debtor("Garage Lenoir", ("12 rue des Forges", "69003 Lyon"), "69003", "Lyon")


def line(total, number="F-1", *, penalties="0.00", indemnity="0.00", due=D(2026, 3, 1),
         **fields):
    """A line whose claim in euros is `total`: open = total - penalties - indemnity."""
    open_ = Decimal(total) - Decimal(penalties) - Decimal(indemnity)
    fields.setdefault("noticed", True)
    return ClaimLine(number, due, fields.pop("currency", "EUR"), open_, Decimal(penalties),
                     Decimal(indemnity), **fields)


def test_a_claim_of_4999_99_goes_to_the_small_claims_procedure():
    found = recommend([line("4999.99", penalties="120.00", indemnity="40.00")], SEAT, AS_OF)
    assert found.procedure == SMALL_CLAIMS
    assert found.amount == Decimal("4999.99")
    assert "commissaire de justice" in found.court
    assert any("one month" in reason for reason in found.reasons)


def test_a_claim_of_exactly_5000_is_still_a_small_claim():
    found = recommend([line("5000.00", penalties="10.00", indemnity="40.00")], SEAT, AS_OF)
    assert (found.procedure, found.amount) == (SMALL_CLAIMS, Decimal("5000.00"))


def test_a_claim_of_5000_01_asks_for_an_order_for_payment_at_the_seats_commercial_court():
    found = recommend([line("5000.01", penalties="10.00", indemnity="40.00")], SEAT, AS_OF)
    assert found.procedure == ORDER_FOR_PAYMENT
    assert found.court == "Commercial court of the debtor's seat: 69003 Lyon"
    assert any("Cerfa 12946" in reason for reason in found.reasons)


def test_penalties_and_indemnities_count_in_the_threshold():
    """4,960 of principal is a small claim; with 41 of penalties and 40 it is not."""
    assert recommend([line("4960.00")], SEAT, AS_OF).procedure == SMALL_CLAIMS
    assert recommend([line("5041.00", penalties="41.00", indemnity="40.00")], SEAT,
                     AS_OF).procedure == ORDER_FOR_PAYMENT


def test_a_consumer_debtor_goes_to_the_tribunal_judiciaire():
    consumer = Debtor("Jean Martin", (), "75011", "Paris", consumer=True)
    found = recommend([line("8000.00")], consumer, AS_OF)
    assert found.procedure == ORDER_FOR_PAYMENT
    assert found.court == "Tribunal judiciaire of the debtor's home: 75011 Paris"


def test_a_debtor_in_insolvency_proceedings_has_its_claim_declared_instead():
    insolvent = Debtor("Garage Lenoir", (), "69003", "Lyon", insolvent=True)
    for amount in ("300.00", "80000.00"):
        found = recommend([line(amount)], insolvent, AS_OF)
        assert found.procedure == DECLARE_CLAIM
        assert "mandataire" in found.court
        assert any("L622-21" in reason for reason in found.reasons)


def test_disputed_invoices_are_left_out_of_the_claim_and_listed():
    found = recommend([line("3000.00", "F-1"), line("4000.00", "F-2", disputed=True)],
                      SEAT, AS_OF)
    assert found.claimed_numbers == ["F-1"]
    assert found.amount == Decimal("3000.00")
    assert found.procedure == SMALL_CLAIMS      # 7,000 with the disputed one
    [(excluded, code, text)] = found.excluded
    assert (excluded.number, code) == ("F-2", DISPUTED)
    assert "F-2 is disputed" in text


def test_invoices_not_yet_due_and_time_barred_ones_are_left_out():
    found = recommend([line("100.00", "LATER", due=AS_OF),
                       line("200.00", "OLD", due=D(2020, 1, 1),
                            limitation_date=D(2025, 1, 1)),
                       line("300.00", "F-1")], SEAT, AS_OF)
    assert found.claimed_numbers == ["F-1"]
    assert {(l.number, code) for l, code, _ in found.excluded} == {
        ("LATER", NOT_DUE), ("OLD", TIME_BARRED)}


def test_nothing_left_to_claim_recommends_nothing():
    found = recommend([line("300.00", disputed=True)], SEAT, AS_OF)
    assert found.procedure == NOTHING_TO_CLAIM and found.claimed == ()


def test_an_invoice_without_formal_notice_warns_that_one_should_precede():
    found = recommend([line("300.00", "F-1"), line("300.00", "F-2", noticed=False)],
                      SEAT, AS_OF)
    assert found.procedure == SMALL_CLAIMS
    assert [w for w in found.warnings if "No formal notice was sent for F-2" in w]


def test_a_limitation_date_within_six_months_warns():
    found = recommend([line("300.00", limitation_date=D(2026, 9, 1))], SEAT, AS_OF)
    assert any("time-barred after 2026-09-01" in w for w in found.warnings)


def test_amounts_in_another_currency_are_not_counted_but_said():
    found = recommend([line("9000.00", "US-1", currency="USD", indemnity="40.00"),
                       line("1000.00", "F-1")], SEAT, AS_OF)
    assert found.amount == Decimal("1040.00")     # the USD indemnity is in euros
    assert found.procedure == SMALL_CLAIMS
    assert any("USD" in w for w in found.warnings)


def test_invoices_with_a_collection_agency_are_claimed_with_a_warning():
    found = recommend([line("300.00", "F-1", with_agency=True), line("200.00", "F-2")],
                      SEAT, AS_OF)
    assert found.claimed_numbers == ["F-1", "F-2"]
    assert any("Handed over to a collection agency: F-1;" in w for w in found.warnings)
