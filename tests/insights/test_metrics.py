"""The metrics against examples computed by hand, written out beside each test.

The world: a quarter of a small wholesaler's ledger.

| month    | days | sales (incl. tax) | receivables at month end | of which not due |
|----------|-----:|------------------:|-------------------------:|-----------------:|
| Jan 2026 |   31 |            90,000 |                  120,000 |           70,000 |
| Feb 2026 |   28 |            80,000 |                  120,000 |           65,000 |
| Mar 2026 |   31 |           100,000 |                  150,000 |           60,000 |
"""
import datetime as dt
from decimal import Decimal as D

from relance.insights import metrics
from relance.insights.metrics import Month

JAN = Month(dt.date(2026, 1, 31), 31, D(90000), D(120000), D(70000))
FEB = Month(dt.date(2026, 2, 28), 28, D(80000), D(120000), D(65000))
MAR = Month(dt.date(2026, 3, 31), 31, D(100000), D(150000), D(60000))
NEWEST_FIRST = [MAR, FEB, JAN]


def test_countback_walks_back_through_months_until_receivables_are_exhausted():
    # 150,000 covers March's 100,000 (31 days), leaves 50,000 = 50/80 of February's
    # 28 days = 17.5 days: 48.5 days.
    assert metrics.dso_countback(D(150000), NEWEST_FIRST) == D("48.5")


def test_countback_accepts_plain_sales_and_days_pairs():
    assert metrics.dso_countback(150000, [(100000, 31), (80000, 28)]) == D("48.5")


def test_countback_stops_at_the_months_given():
    # 300,000 exhausts all three months (90 days) with 30,000 left unexplained.
    assert metrics.dso_countback(D(300000), NEWEST_FIRST) == 90


def test_countback_counts_a_month_without_sales_while_receivables_are_left():
    assert metrics.dso_countback(D(50000), [(0, 31), (100000, 30)]) == D(31 + 15)
    assert metrics.dso_countback(D(0), NEWEST_FIRST) == 0


def test_simple_dso_is_receivables_over_sales_times_days():
    # 150,000 / 270,000 x 90 days = 50 days.
    assert metrics.simple_dso(150000, 270000, 90) == 50
    assert metrics.simple_dso(150000, 0, 90) is None


def test_best_possible_dso_and_add():
    # Not due 60,000 = 0.6 of March's 100,000 -> 18.6 days; ADD = 48.5 - 18.6 = 29.9.
    assert metrics.best_possible_dso(D(60000), NEWEST_FIRST) == D("18.6")
    assert metrics.average_days_delinquent(D(150000), D(60000), NEWEST_FIRST) == D("29.9")


def test_cei_for_a_month():
    # March: (120,000 + 100,000 - 150,000) / (120,000 + 100,000 - 60,000)
    #      = 70,000 / 160,000 = 43.75 % -> 43.8 % to 0.1 %.
    assert metrics.rounded(metrics.cei(120000, 100000, 150000, 60000)) == D("43.8")
    assert metrics.rounded(metrics.cei_over(FEB.receivables, [MAR])) == D("43.8")


def test_cei_for_a_quarter():
    # Opening 31 Dec 110,000; sales 270,000; closing 150,000 of which 60,000 not due:
    # (110 + 270 - 150) / (110 + 270 - 60) = 230 / 320 = 71.875 % -> 71.9 %.
    assert metrics.rounded(metrics.cei_over(D(110000), [JAN, FEB, MAR])) == D("71.9")


def test_cei_without_anything_collectible_is_unknown():
    assert metrics.cei(0, 0, 0, 0) is None
    assert metrics.cei_over(D(1), []) is None


def test_dso_trend_counts_back_each_month_end_over_the_history():
    # Jan: 120,000 > 90,000 (31 d), 30,000 left, no earlier month: 31 days.
    # Feb: 120,000 = 80,000 (28 d) + 40,000 = 40/90 of 31 d = 13.777... -> 41.8 days.
    trend = metrics.dso_trend([JAN, FEB, MAR], [JAN, FEB, MAR])
    assert [end for end, _dso in trend] == [JAN.end, FEB.end, MAR.end]
    assert [metrics.rounded(dso) for _end, dso in trend] == [D("31.0"), D("41.8"),
                                                              D("48.5")]


def test_cash_collected_compares_this_month_with_last_month_to_the_same_day():
    today = dt.date(2026, 3, 15)
    payments = [(dt.date(2026, 3, 1), 1000), (dt.date(2026, 3, 15), 500),
                (dt.date(2026, 3, 16), 999),             # tomorrow: not yet
                (dt.date(2026, 2, 10), 300), (dt.date(2026, 2, 15), 200),
                (dt.date(2026, 2, 16), 400), (dt.date(2026, 1, 31), 50)]
    cash = metrics.cash_collected(payments, today)
    assert (cash.this_month, cash.last_month, cash.last_month_to_date) == (1500, 900, 500)
    assert cash.change == 200       # (1,500 - 500) / 500


def test_cash_collected_on_the_31st_compares_with_the_whole_of_a_shorter_month():
    cash = metrics.cash_collected([(dt.date(2026, 2, 28), 100)], dt.date(2026, 3, 31))
    assert cash.last_month_to_date == 100
    assert metrics.cash_collected([], dt.date(2026, 3, 31)).change is None


def test_month_ends_are_the_closed_months_oldest_first():
    assert metrics.month_ends(dt.date(2026, 3, 10), 3) == [
        dt.date(2025, 12, 31), dt.date(2026, 1, 31), dt.date(2026, 2, 28)]


def test_disputes_by_age_count_and_sum_each_band():
    today = dt.date(2026, 3, 31)
    ages = (("0_7", 0, 7), ("8_30", 8, 30), ("over_30", 31, None))
    items = [(dt.date(2026, 3, 31), 100), (dt.date(2026, 3, 24), 50),   # 0 and 7 days
             (dt.date(2026, 3, 23), 10), (dt.date(2026, 1, 1), 1000)]   # 8 and 89 days
    assert metrics.by_age(items, today, ages) == [("0_7", 2, 150), ("8_30", 1, 10),
                                                  ("over_30", 1, 1000)]
