"""The five-year limitation of a claim, pure: from the due date, or from the last
interruption when later.

The world: an invoice due on 15 March 2021 that the customer paid in part on 10 June
2022.
"""
import datetime as dt

from relance.legal.limitation import limitation_date, years_after

D = dt.date


# Limitation --------------------------------------------------------------------------

def test_a_claim_is_limited_five_years_after_the_due_date():
    assert limitation_date(D(2021, 3, 15)) == D(2026, 3, 15)
    assert limitation_date(D(2021, 3, 15), None) == D(2026, 3, 15)


def test_a_partial_payment_starts_five_new_years():
    assert limitation_date(D(2021, 3, 15), D(2022, 6, 10)) == D(2027, 6, 10)


def test_an_interruption_before_the_due_date_changes_nothing():
    assert limitation_date(D(2021, 3, 15), D(2021, 3, 1)) == D(2026, 3, 15)


def test_twenty_ninth_february_ends_on_the_last_day_of_february():
    assert limitation_date(D(2024, 2, 29)) == D(2029, 2, 28)
    assert limitation_date(D(2023, 3, 1), D(2024, 2, 29)) == D(2029, 2, 28)
    assert years_after(D(2029, 2, 28), -5) == D(2024, 2, 28)
