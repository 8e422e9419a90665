"""The aging balance (balance âgée): open amounts grouped by days past due.

Pure functions: the as-of date is an argument and nothing here reads the database or
the clock, so a test moves the calendar by passing another date. An invoice due today
is not due yet; it is one day late tomorrow.
"""
from datetime import timedelta
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

NOT_DUE = "not_due"
DAYS_1_30 = "1_30"
DAYS_31_60 = "31_60"
DAYS_61_90 = "61_90"
OVER_90 = "over_90"

# (bucket, first day late, last day late); None means unbounded on that side.
BUCKETS = (
    (NOT_DUE, None, 0),
    (DAYS_1_30, 1, 30),
    (DAYS_31_60, 31, 60),
    (DAYS_61_90, 61, 90),
    (OVER_90, 91, None),
)
BUCKET_KEYS = tuple(key for key, _first, _last in BUCKETS)
LABELS = {
    NOT_DUE: _("Not due"),
    DAYS_1_30: _("1-30 days"),
    DAYS_31_60: _("31-60 days"),
    DAYS_61_90: _("61-90 days"),
    OVER_90: _("Over 90 days"),
}


def days_late(due_date, as_of):
    """Days past due on `as_of`, zero when the invoice is not due yet."""
    return max(0, (as_of - due_date).days)


def bucket_of(days):
    """The bucket key for a number of days past due."""
    for key, first, last in BUCKETS:
        if (first is None or days >= first) and (last is None or days <= last):
            return key
    raise ValueError(days)


def age(items, as_of):
    """Totals per bucket of (due_date, open_amount) pairs, every bucket present.

    Returns a dict keyed in bucket order, plus nothing else: callers sum the values
    for the total so the two can never disagree.
    """
    totals = {key: Decimal("0") for key in BUCKET_KEYS}
    for due_date, open_amount in items:
        totals[bucket_of(days_late(due_date, as_of))] += Decimal(open_amount)
    return totals


def due_date_range(bucket, as_of):
    """The (earliest, latest) due dates that put an invoice in `bucket` on `as_of`.

    Either end may be None (unbounded). Lets a query filter on the indexed due date
    instead of computing days late row by row.
    """
    for key, first, last in BUCKETS:
        if key == bucket:
            earliest = None if last is None else as_of - timedelta(days=last)
            latest = None if first is None else as_of - timedelta(days=first)
            return earliest, latest
    raise ValueError(bucket)
