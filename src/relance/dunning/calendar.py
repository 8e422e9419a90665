"""French business days: a step that falls on a weekend or a public holiday moves to
the next business day."""
import datetime as dt

import holidays

ONE_DAY = dt.timedelta(days=1)


class BusinessCalendar:
    """Business days of metropolitan France; `on_or_after` is memoised because the
    daily run asks it the same few hundred dates for every invoice."""

    def __init__(self, closed_days=()):
        self.closed = frozenset(closed_days)
        self._moved = {}

    @classmethod
    def france(cls, years):
        return cls(holidays.France(years=list(years)).keys())

    @classmethod
    def around(cls, as_of, years_back=6, years_ahead=2):
        return cls.france(range(as_of.year - years_back, as_of.year + years_ahead + 1))

    def is_business_day(self, day):
        return day.weekday() < 5 and day not in self.closed

    def on_or_after(self, day):
        moved = self._moved.get(day)
        if moved is None:
            moved = day
            while not self.is_business_day(moved):
                moved += ONE_DAY
            self._moved[day] = moved
        return moved
