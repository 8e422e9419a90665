"""The aging balance, computed by hand on a calendar fixed at 30 June 2025."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from relance.ledger import aging

AS_OF = date(2025, 6, 30)


def due_days_ago(days):
    return AS_OF - timedelta(days=days)


@pytest.mark.parametrize(("days", "bucket"), [
    (-10, aging.NOT_DUE), (0, aging.NOT_DUE), (1, aging.DAYS_1_30), (30, aging.DAYS_1_30),
    (31, aging.DAYS_31_60), (60, aging.DAYS_31_60), (61, aging.DAYS_61_90),
    (90, aging.DAYS_61_90), (91, aging.OVER_90), (400, aging.OVER_90),
])
def test_each_boundary_falls_in_the_right_bucket(days, bucket):
    totals = aging.age([(due_days_ago(days), Decimal("100.00"))], AS_OF)

    assert totals[bucket] == Decimal("100.00")
    assert sum(totals.values()) == Decimal("100.00")


def test_an_invoice_due_today_is_not_due_and_one_day_late_tomorrow():
    due = date(2025, 6, 30)

    assert aging.days_late(due, date(2025, 6, 30)) == 0
    assert aging.days_late(due, date(2025, 7, 1)) == 1
    assert aging.bucket_of(aging.days_late(due, date(2025, 7, 1))) == aging.DAYS_1_30


def test_a_ledger_is_split_into_the_five_buckets():
    ledger = [
        (date(2025, 7, 15), "1000.00"),   # not due
        (date(2025, 6, 30), "250.50"),    # due today: not due
        (date(2025, 6, 29), "300.00"),    # 1 day late
        (date(2025, 5, 31), "199.99"),    # 30 days late
        (date(2025, 5, 30), "400.00"),    # 31 days late
        (date(2025, 5, 1), "600.00"),     # 60 days late
        (date(2025, 4, 30), "700.00"),    # 61 days late
        (date(2025, 4, 1), "800.00"),     # 90 days late
        (date(2025, 3, 31), "900.00"),    # 91 days late
        (date(2024, 1, 1), "50.00"),      # 546 days late
    ]

    totals = aging.age(ledger, AS_OF)

    assert totals == {
        aging.NOT_DUE: Decimal("1250.50"),
        aging.DAYS_1_30: Decimal("499.99"),
        aging.DAYS_31_60: Decimal("1000.00"),
        aging.DAYS_61_90: Decimal("1500.00"),
        aging.OVER_90: Decimal("950.00"),
    }
    assert list(totals) == list(aging.BUCKET_KEYS)


def test_an_empty_ledger_has_every_bucket_at_zero():
    assert aging.age([], AS_OF) == {key: Decimal("0") for key in aging.BUCKET_KEYS}


@pytest.mark.parametrize("bucket", aging.BUCKET_KEYS)
def test_the_due_date_range_of_a_bucket_agrees_with_bucket_of(bucket):
    earliest, latest = aging.due_date_range(bucket, AS_OF)
    for days in range(-5, 200):
        due = due_days_ago(days)
        inside = (earliest is None or due >= earliest) and (latest is None or due <= latest)
        assert inside == (aging.bucket_of(max(days, 0)) == bucket), days


def test_the_due_date_range_of_31_to_60_days_by_hand():
    assert aging.due_date_range(aging.DAYS_31_60, AS_OF) == (date(2025, 5, 1), date(2025, 5, 30))
    assert aging.due_date_range(aging.NOT_DUE, AS_OF) == (date(2025, 6, 30), None)
    assert aging.due_date_range(aging.OVER_90, AS_OF) == (None, date(2025, 3, 31))
