"""The collection metrics finance teams speak in: DSO, best possible DSO, ADD, CEI, cash
collected. Pure functions over plain numbers and dates; nothing here reads the database
or the clock (docs/insights.md defines every input).

A `Month` is one calendar month of the ledger, or the part of it up to the as-of day:
`days` is how many days it covers, `sales` what was invoiced in them (incl. tax, credit
notes deducted), `receivables` and `current` the open amounts (incl. tax) at its last day,
all of them and the part not due yet.
"""
import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0")
ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class Month:
    end: dt.date          # the month's last day, or the as-of day for the running month
    days: int
    sales: Decimal
    receivables: Decimal = ZERO
    current: Decimal = ZERO


def month_start(day):
    return day.replace(day=1)


def month_end(day):
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def previous_month_end(day):
    return month_start(day) - dt.timedelta(days=1)


def month_ends(today, count):
    """The last `count` closed months' last days, oldest first."""
    ends, end = [], previous_month_end(today)
    for _ in range(count):
        ends.append(end)
        end = previous_month_end(end)
    return ends[::-1]


def dso_countback(receivables, months):
    """Days sales outstanding by the countback method.

    `months` newest first, as (sales, days) pairs or `Month`s:
    1. take the newest month; if the receivables left cover its sales, count all its
       days and deduct its sales;
    2. otherwise count the share of its days the receivables left cover, and stop;
    3. a month without sales adds its days only while receivables are left.
    Receivables older than every month given count nothing more: pass enough months.
    """
    left, days = Decimal(receivables), ZERO
    for sales, month_days in (_pair(m) for m in months):
        if left <= 0:
            break
        if sales <= 0 or left >= sales:
            days += month_days
            left -= max(sales, ZERO)
        else:
            days += left / sales * month_days
            left = ZERO
    return days


def _pair(month):
    if isinstance(month, Month):
        return Decimal(month.sales), month.days
    sales, days = month
    return Decimal(sales), days


def simple_dso(receivables, sales, days):
    """The ratio method: receivables / sales of the period x its days; None without sales."""
    sales = Decimal(sales)
    if sales <= 0:
        return None
    return Decimal(receivables) / sales * days


def best_possible_dso(current_receivables, months):
    """DSO of the receivables not due yet: what DSO would be if nobody paid late."""
    return dso_countback(current_receivables, months)


def average_days_delinquent(receivables, current_receivables, months):
    """ADD = DSO - best possible DSO, over the same months."""
    return dso_countback(receivables, months) - best_possible_dso(current_receivables, months)


def cei(opening, sales, closing_total, closing_current):
    """Collection effectiveness index, in percent; None when nothing was collectible.

    (opening receivables + sales - closing total receivables)
    / (opening receivables + sales - closing current receivables) x 100
    """
    collectible = Decimal(opening) + Decimal(sales) - Decimal(closing_current)
    if collectible <= 0:
        return None
    collected = Decimal(opening) + Decimal(sales) - Decimal(closing_total)
    return collected / collectible * 100


def cei_over(opening, months):
    """CEI over consecutive closed `months` (oldest first) after `opening` receivables."""
    if not months:
        return None
    return cei(opening, sum((m.sales for m in months), ZERO), months[-1].receivables,
               months[-1].current)


def dso_trend(months, history):
    """[(month end, countback DSO)] for each of `months` (oldest first), each counted
    back over `history` (every month known, oldest first, `months` included)."""
    trend = []
    for month in months:
        earlier = [m for m in history if m.end <= month.end][::-1]
        trend.append((month.end, dso_countback(month.receivables, earlier)))
    return trend


@dataclass(frozen=True)
class CashCollected:
    this_month: Decimal
    last_month: Decimal
    last_month_to_date: Decimal   # last month up to the same day, to compare like with like

    @property
    def change(self):
        """This month against last month to the same day, in percent; None from zero."""
        if self.last_month_to_date <= 0:
            return None
        return (self.this_month - self.last_month_to_date) / self.last_month_to_date * 100


def cash_collected(payments, today):
    """Money received this month to `today` against last month; `payments` are
    (date, amount) pairs, any dates."""
    this_start = month_start(today)
    last_end = this_start - dt.timedelta(days=1)
    last_start = month_start(last_end)
    same_day = last_start.replace(day=min(today.day, last_end.day))
    this, last, last_to_date = ZERO, ZERO, ZERO
    for day, amount in payments:
        if this_start <= day <= today:
            this += Decimal(amount)
        elif last_start <= day <= last_end:
            last += Decimal(amount)
            if day <= same_day:
                last_to_date += Decimal(amount)
    return CashCollected(this, last, last_to_date)


def by_age(items, today, ages):
    """[(key, count, amount)] of (since date, amount) pairs by age in days on `today`;
    `ages` are (key, first day, last day or None) in order."""
    found = {key: [0, ZERO] for key, _first, _last in ages}
    for since, amount in items:
        days = (today - since).days
        for key, first, last in ages:
            if days >= first and (last is None or days <= last):
                found[key][0] += 1
                found[key][1] += Decimal(amount)
                break
    return [(key, *found[key]) for key, _first, _last in ages]


def share(part, whole):
    """`part` as a percentage of `whole`; None when the whole is zero."""
    whole = Decimal(whole)
    return None if whole == 0 else Decimal(part) / whole * 100


def rounded(value, places=ONE_DECIMAL):
    return None if value is None else Decimal(value).quantize(places)


def top_by_bound(pages, overdue_of, limit):
    """The `limit` customers owing the most overdue money (ties: lowest id first), read
    from `pages` of candidates sorted by a bound no candidate's overdue amount exceeds
    (its open amount), highest first.

    1. `overdue_of(page)` gives each candidate's (bound, row with "overdue" and
       "customer_id");
    2. keep the best `limit` rows seen so far;
    3. stop when the pages run out, or when the last of them owes strictly more than
       the last bound read: no candidate still unread can reach it, even on a tie.
    """
    best = []
    for page in pages:
        if not page:
            break
        for bound, row in overdue_of(page):
            best.append(row)
        best.sort(key=lambda row: (-row["overdue"], row["customer_id"]))
        del best[limit:]
        if len(best) == limit and best[-1]["overdue"] > bound:
            break
    return best
