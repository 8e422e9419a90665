"""The law's checks, pure: invoices due after the legal maximum of payment terms and the
mentions terms of sale must carry.

The world: an invoice issued on 15 January 2025, whose legal maximum is 31 March (45
days end of month, read the second way, beats 60 days); a haulier's invoice, 30 days
at most; terms of sale written in French and in English.
"""
import datetime as dt

import pytest

from relance.legal.checks import (
    customer_terms_problem,
    invoice_term_problem,
    missing_mentions,
)
from relance.legal.terms import due_date

D = dt.date
ISSUED = D(2025, 1, 15)


# An invoice's own due date ------------------------------------------------------------

@pytest.mark.parametrize("terms", ["net:30", "net:60", "eom45:A", "eom45:B", "eom:30",
                                   "eom:45"])
def test_terms_at_the_limit_or_within_raise_no_flag(terms):
    assert invoice_term_problem(ISSUED, due_date(ISSUED, terms), road_transport=False) is None


@pytest.mark.parametrize("terms, due", [("net:76", D(2025, 4, 1)), ("net:77", D(2025, 4, 2)),
                                        ("eom:77", D(2025, 4, 30))])
def test_terms_beyond_the_limit_are_flagged_with_the_rule(terms, due):
    # An invoice does not say which terms gave its due date: net:61 (17 March) stays
    # within what end-of-month terms would allow and is not flagged on the invoice.
    assert due_date(ISSUED, terms) == due
    problem = invoice_term_problem(ISSUED, due, road_transport=False)
    assert problem == (f"due on {due.isoformat()}, after 2025-03-31: the legal maximum is "
                       "60 days from the invoice date or 45 days end of month")


def test_the_limit_is_the_latest_of_sixty_days_and_both_end_of_month_readings():
    # 15 January: 60 days -> 16 March, eom45:A -> 17 March, eom45:B -> 31 March.
    assert invoice_term_problem(ISSUED, D(2025, 3, 31), road_transport=False) is None
    assert invoice_term_problem(ISSUED, D(2025, 4, 1), road_transport=False)
    # 31 January: 60 days -> 1 April beats both readings (17 and 31 March).
    assert invoice_term_problem(D(2025, 1, 31), D(2025, 4, 1), road_transport=False) is None
    assert invoice_term_problem(D(2025, 1, 31), D(2025, 4, 2), road_transport=False)


def test_a_leap_february_moves_the_limit():
    # 15 January 2024: eom45:A -> 16 March, eom45:B -> 29 February, 60 days -> 15 March.
    assert invoice_term_problem(D(2024, 1, 15), D(2024, 3, 16), road_transport=False) is None
    assert invoice_term_problem(D(2024, 1, 15), D(2024, 3, 17), road_transport=False)


def test_road_transport_allows_thirty_days_whatever_the_terms():
    assert invoice_term_problem(ISSUED, D(2025, 2, 14), road_transport=True) is None
    assert invoice_term_problem(ISSUED, D(2025, 2, 15), road_transport=True) == (
        "due on 2025-02-15, after 2025-02-14: the legal maximum is 30 days from the "
        "invoice date in road transport")
    assert invoice_term_problem(ISSUED, due_date(ISSUED, "eom45:A"), road_transport=True)


# A customer's terms ------------------------------------------------------------------

def test_customer_terms_within_the_law_on_every_day_are_accepted():
    for terms in ("", "net:60", "eom45:A", "eom45:B", "eom:30", "eom:45"):
        assert customer_terms_problem(terms) is None, terms
    assert customer_terms_problem("net:30", road_transport=True) is None


def test_customer_terms_unlawful_on_some_day_are_refused_with_the_reason():
    assert "not payment terms" in customer_terms_problem("net 30")
    assert "after" in customer_terms_problem("net:61")
    # eom:60 is lawful on 15 January, not on 1 January 2024 (31 March, after 16 March).
    assert customer_terms_problem("eom:60") == (
        "on an invoice issued on 2024-01-01, terms eom:60 put the due date on 2024-03-31, "
        "after 2024-03-16: the legal maximum is 60 days from the invoice date or 45 days "
        "end of month")
    assert "road transport" in customer_terms_problem("net:31", road_transport=True)
    assert "road transport" in customer_terms_problem("eom:30", road_transport=True)


# Terms of sale -----------------------------------------------------------------------

FRENCH = ("Paiement à 30 jours. Pénalités de retard : taux BCE majoré de 10 points. "
          "Indemnité forfaitaire pour frais de recouvrement : 40 €. "
          "Pas d'escompte pour paiement anticipé.")
ENGLISH = ("Payment within 30 days. Late payment penalties at the ECB rate plus 10 "
           "points. A fixed indemnity of EUR 40 for recovery costs is due. No discount "
           "for early payment.")


def keys(text):
    return [mention.key for mention in missing_mentions(text)]


def test_complete_terms_of_sale_miss_nothing_in_french_or_english():
    assert keys(FRENCH) == []
    assert keys(ENGLISH) == []
    assert keys(FRENCH.upper()) == []
    assert keys(FRENCH.replace("é", "e")) == []


def test_empty_terms_of_sale_miss_every_mention():
    assert keys("") == ["penalty_rate", "indemnity", "discount"]
    assert keys(None) == ["penalty_rate", "indemnity", "discount"]


def test_each_missing_mention_is_named():
    assert keys(FRENCH.replace("Pénalités", "Intérêts")) == ["penalty_rate"]
    assert keys(ENGLISH.replace("discount", "rebate")) == ["discount"]
    assert str(missing_mentions("")[1].label) == (
        "the fixed indemnity of 40 EUR for recovery costs")


def test_the_indemnity_needs_both_its_words_and_forty():
    assert keys(FRENCH.replace("40 €", "quarante euros")) == ["indemnity"]
    assert keys(FRENCH.replace("40 €", "400 €")) == ["indemnity"]
    assert keys(ENGLISH.replace("fixed indemnity", "sum").replace("recovery", "collection")
                ) == ["indemnity"]
    assert keys("Pénalités de retard. Escompte : néant. Recovery costs: 40 EUR.") == []
