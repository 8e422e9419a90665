"""Late penalties and the fixed indemnity, worked by hand to the cent.

The world: Ateliers Test SAS invoices amounts including VAT; its customers pay on
various days. Rates are DOMAIN.md's, passed in as the mapping the database would give.
Every amount below is base × rate × days / 36500, rounded half-up per period, where
days run from the day after the due date to the payment day, both included.
"""
import datetime as dt
from decimal import Decimal

import pytest

from relance.legal.halfyears import HalfYear
from relance.legal.penalties import (
    STATUTORY,
    RateMissing,
    contractual,
    contractual_rate_problem,
    indemnity,
    penalty,
    statutory_rate,
)

D = dt.date
ECB = {(2023, 1): "2.50", (2023, 2): "4.00", (2024, 1): "4.50", (2024, 2): "4.25",
       (2025, 1): "3.15", (2025, 2): "2.15", (2026, 1): "2.15"}
LEGAL = {(2024, 1): "5.07", (2024, 2): "4.92", (2025, 1): "3.71", (2025, 2): "2.76",
         (2026, 1): "2.62"}
RATES = {**{("ecb", *k): Decimal(v) for k, v in ECB.items()},
         **{("legal", *k): Decimal(v) for k, v in LEGAL.items()}}


def lines(result):
    return [(p.start, p.end, p.days, p.base, p.rate, p.amount) for p in result.periods]


# Boundaries ------------------------------------------------------------------------------

def test_lateness_across_the_first_of_july_is_priced_at_each_half_years_rate():
    result = penalty("1000.00", D(2025, 6, 15), D(2025, 7, 15), RATES, policy=STATUTORY)

    # 16-30 June: 15 days at 3.15 + 10:  1000 × 13.15 × 15 / 36500 = 5.404 -> 5.40
    # 1-15 July:  15 days at 2.15 + 10:  1000 × 12.15 × 15 / 36500 = 4.993 -> 4.99
    assert lines(result) == [
        (D(2025, 6, 16), D(2025, 6, 30), 15, Decimal("1000"), Decimal("13.15"),
         Decimal("5.40")),
        (D(2025, 7, 1), D(2025, 7, 15), 15, Decimal("1000"), Decimal("12.15"),
         Decimal("4.99"))]
    assert result.amount == Decimal("10.39") and result.days == 30 and result.late
    assert result.warnings == ()


def test_lateness_across_new_year_takes_the_new_years_ecb_rate():
    result = penalty(Decimal("1000.00"), D(2024, 12, 15), D(2025, 1, 14), RATES)

    # 16-31 December 2024: 16 days at 4.25 + 10: 1000 × 14.25 × 16 / 36500 = 6.247 -> 6.25
    # 1-14 January 2025:   14 days at 3.15 + 10: 1000 × 13.15 × 14 / 36500 = 5.044 -> 5.04
    assert [p.amount for p in result.periods] == [Decimal("6.25"), Decimal("5.04")]
    assert [p.rate for p in result.periods] == [Decimal("14.25"), Decimal("13.15")]
    assert result.amount == Decimal("11.29")


def test_a_leap_year_counts_its_29_february_and_still_divides_by_365():
    result = penalty("10000.00", D(2024, 2, 15), D(2024, 3, 15), RATES)

    # 16-29 February (14 days) + 1-15 March (15 days) = 29 days at 4.50 + 10:
    # 10000 × 14.50 × 29 / 36500 = 115.205 -> 115.21 (with 366: 114.89)
    assert result.days == 29
    assert result.amount == Decimal("115.21")


def test_a_whole_leap_year_late_is_366_days_over_365():
    result = penalty("1000.00", D(2023, 12, 31), D(2024, 12, 31), RATES)

    # January-June 2024:  182 days at 14.50: 1000 × 14.50 × 182 / 36500 = 72.301 -> 72.30
    # July-December 2024: 184 days at 14.25: 1000 × 14.25 × 184 / 36500 = 71.836 -> 71.84
    assert [(p.days, p.amount) for p in result.periods] == [
        (182, Decimal("72.30")), (184, Decimal("71.84"))]
    assert result.amount == Decimal("144.14")


# Partial payments ------------------------------------------------------------------------

def test_a_partial_payment_lowers_the_base_from_the_day_after_it():
    result = penalty("5000.00", D(2025, 3, 31), D(2025, 5, 31), RATES,
                     partials=[(D(2025, 4, 30), "2000.00")])

    # 1-30 April, 30 days on 5000 (30 April, the payment day, still on 5000):
    #   5000 × 13.15 × 30 / 36500 = 54.041 -> 54.04
    # 1-31 May, 31 days on 3000: 3000 × 13.15 × 31 / 36500 = 33.505 -> 33.51
    assert [(p.start, p.end, p.base, p.amount) for p in result.periods] == [
        (D(2025, 4, 1), D(2025, 4, 30), Decimal("5000.00"), Decimal("54.04")),
        (D(2025, 5, 1), D(2025, 5, 31), Decimal("3000.00"), Decimal("33.51"))]
    assert result.amount == Decimal("87.55")
    assert indemnity(result.late) == Decimal("40.00")


def test_a_partial_payment_and_a_half_year_cut_the_same_lateness():
    result = penalty("5000.00", D(2025, 6, 20), D(2025, 8, 9), RATES,
                     partials=[(D(2025, 7, 10), "3000.00")])

    # 21-30 June on 5000 at 13.15, 10 days: 18.014 -> 18.01
    # 1-10 July on 5000 at 12.15, 10 days:  16.644 -> 16.64
    # 11 July-9 August on 2000 at 12.15, 30 days: 2000 × 12.15 × 30 / 36500 = 19.973 -> 19.97
    assert [p.amount for p in result.periods] == [Decimal("18.01"), Decimal("16.64"),
                                                  Decimal("19.97")]
    assert result.amount == Decimal("54.62")


def test_a_partial_payment_by_the_due_date_lowers_the_base_from_the_first_late_day():
    result = penalty("1000.00", D(2025, 3, 31), D(2025, 4, 30), RATES,
                     partials=[(D(2025, 3, 31), "400.00")])

    # 600 × 13.15 × 30 / 36500 = 6.485 -> 6.48
    assert [(p.base, p.days, p.amount) for p in result.periods] == [
        (Decimal("600.00"), 30, Decimal("6.48"))]


def test_an_invoice_fully_paid_in_parts_by_the_due_date_owes_nothing():
    result = penalty("1000.00", D(2025, 3, 31), D(2025, 4, 30), RATES,
                     partials=[(D(2025, 3, 1), "600.00"), (D(2025, 3, 31), "400.00")])

    assert result.periods == () and result.amount == Decimal("0.00")
    assert indemnity(result.late) == Decimal("0.00")


def test_partial_payments_after_the_date_counted_to_have_not_happened_yet():
    with_later = penalty("1000.00", D(2025, 3, 31), D(2025, 4, 30), RATES,
                         partials=[(D(2025, 5, 15), "500.00")])
    assert with_later == penalty("1000.00", D(2025, 3, 31), D(2025, 4, 30), RATES)


@pytest.mark.parametrize("amount, partials", [
    ("0", []), ("-10", []), ("100", [(D(2025, 4, 1), "0")]),
    ("100", [(D(2025, 4, 1), "60"), (D(2025, 4, 2), "50")]),
])
def test_amounts_that_cannot_be_are_refused(amount, partials):
    with pytest.raises(ValueError):
        penalty(amount, D(2025, 3, 31), D(2025, 4, 30), RATES, partials=partials)


# Paid in time ------------------------------------------------------------------------------

@pytest.mark.parametrize("paid", [D(2025, 3, 31), D(2025, 3, 1)])
def test_payment_on_or_before_the_due_date_owes_neither_penalty_nor_indemnity(paid):
    result = penalty("1000.00", D(2025, 3, 31), paid, RATES)

    assert (result.amount, result.days, result.late) == (Decimal("0.00"), 0, False)
    assert indemnity(result.late) == Decimal("0.00")


def test_one_day_late_is_one_day_of_interest_and_the_whole_indemnity():
    result = penalty("100.00", D(2025, 3, 31), D(2025, 4, 1), RATES)

    # 100 × 13.15 × 1 / 36500 = 0.036 -> 0.04
    assert (result.days, result.amount) == (1, Decimal("0.04"))
    assert indemnity(result.late) == Decimal("40.00")


# The indemnity -----------------------------------------------------------------------------

def test_consumers_and_customers_in_insolvency_proceedings_owe_no_indemnity():
    late = penalty("1000.00", D(2025, 3, 31), D(2025, 4, 30), RATES).late

    assert indemnity(late) == Decimal("40.00")
    assert indemnity(late, consumer=True) == Decimal("0.00")
    assert indemnity(late, insolvent=True) == Decimal("0.00")


# Contractual rates -------------------------------------------------------------------------

def test_a_contractual_rate_at_three_times_the_legal_rate_is_accepted_and_applied():
    # 2025-H1: 3 × 3.71 = 11.13
    assert contractual_rate_problem("11.13", HalfYear(2025, 1), RATES) is None
    result = penalty("1000.00", D(2025, 1, 31), D(2025, 3, 2), RATES,
                     policy=contractual("11.13"))

    # 1 February-2 March 2025, 30 days: 1000 × 11.13 × 30 / 36500 = 9.148 -> 9.15
    assert (result.days, result.amount) == (30, Decimal("9.15"))
    assert result.warnings == () and result.policy.kind == "contractual"


def test_a_contractual_rate_below_the_floor_is_refused_with_the_reason():
    problem = contractual_rate_problem("11.12", HalfYear(2025, 1), RATES)

    assert "2025-H1" in problem and "3.71" in problem and "11.13" in problem
    assert contractual_rate_problem("0", HalfYear(2025, 1), RATES)


def test_a_contractual_rate_that_fell_below_a_later_floor_is_applied_with_a_warning():
    # 12 % is above 2025-H1's floor (11.13) but below 2024-H2's (3 × 4.92 = 14.76)
    result = penalty("1000.00", D(2024, 12, 21), D(2025, 1, 10), RATES,
                     policy=contractual("12"))

    assert {p.rate for p in result.periods} == {Decimal("12")}
    assert len(result.warnings) == 1 and "2024-H2" in result.warnings[0]


# Missing rates -----------------------------------------------------------------------------

def test_a_missing_ecb_rate_takes_the_last_known_one_and_says_so():
    result = penalty("1000.00", D(2026, 6, 20), D(2026, 7, 20), RATES)

    # 2026-H2 is not known: 2026-H1's 2.15 is used, so 12.15 for the whole period.
    # 21-30 June: 1000 × 12.15 × 10 / 36500 = 3.329 -> 3.33
    # 1-20 July:  1000 × 12.15 × 20 / 36500 = 6.658 -> 6.66
    assert result.amount == Decimal("9.99")
    assert result.warnings == (("no ECB rate for 2026-H2: the rate of 2026-H1 (2.15 %) "
                                "was used"),)


def test_a_half_year_before_every_known_rate_takes_the_earliest_one():
    result = penalty("1000.00", D(2022, 12, 1), D(2022, 12, 11), RATES)

    assert {p.rate for p in result.periods} == {Decimal("12.50")}
    assert "2022-H2" in result.warnings[0] and "2023-H1" in result.warnings[0]


def test_without_any_ecb_rate_the_statutory_penalty_cannot_be_computed():
    legal_only = {k: v for k, v in RATES.items() if k[0] == "legal"}
    with pytest.raises(RateMissing):
        penalty("1000.00", D(2025, 3, 31), D(2025, 4, 30), legal_only)


def test_the_statutory_rate_of_a_half_year_is_its_ecb_rate_plus_ten_points():
    assert statutory_rate(HalfYear(2024, 1), RATES) == Decimal("14.50")
    assert statutory_rate(HalfYear(2025, 2), RATES) == Decimal("12.15")
