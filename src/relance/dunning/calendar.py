"""French business days: a step that falls on a weekend or a public holiday moves to
the next business day."""
import datetime as dt

# France's calendar imported with the module, not on the first run of a process: the
# package imports its every country then (a tenth of a second)
from holidays.countries.france import France

ONE_DAY = dt.timedelta(days=1)


class BusinessCalendar:
    """Business days of metropolitan France; `on_or_after` is memoised because the
    daily run asks it the same few hundred dates for every invoice."""

    def __init__(self, closed_days=(), public_holidays=None):
        self.closed = frozenset(closed_days)
        # a `holidays` calendar, which works out a year's holidays when first asked
        self.public_holidays = public_holidays if public_holidays is not None else {}
        self._moved = {}

    @classmethod
    def france(cls, years=()):
        return cls(public_holidays=France(years=list(years)))

    @classmethod
    def around(cls, as_of):
        """The calendar of a job on `as_of`. Each year's holidays are worked out when
        a date in it is first asked: a daily run over recent invoices asks two or
        three years, and each costs the `holidays` package a few ms."""
        return cls.france()

    def is_business_day(self, day):
        return (day.weekday() < 5 and day not in self.closed
                and day not in self.public_holidays)

    def business_days_before(self, day, count):
        """The day `count` business days before `day` (`day` itself when 0)."""
        while count > 0:
            day -= ONE_DAY
            if self.is_business_day(day):
                count -= 1
        return day

    def on_or_after(self, day):
        moved = self._moved.get(day)
        if moved is None:
            moved = day
            while not self.is_business_day(moved):
                moved += ONE_DAY
            self._moved[day] = moved
        return moved
