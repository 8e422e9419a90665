"""Delivery rules, pure: when to retry, when sending is allowed. Time and data come in
as arguments. What a message may still claim is the run's rule, `dunning.stops`."""
import datetime as dt
from dataclasses import dataclass

MAX_BACKOFF = dt.timedelta(hours=6)


def backoff(attempts, base_seconds):
    """The wait before the next try after `attempts` failed ones: base, 2 x base,
    4 x base... capped at six hours."""
    seconds = base_seconds * 2 ** max(attempts - 1, 0)
    return min(dt.timedelta(seconds=seconds), MAX_BACKOFF)


@dataclass(frozen=True)
class Hours:
    """The business-hours window, local time, on business days."""
    opens: dt.time
    closes: dt.time

    @classmethod
    def parse(cls, text):
        """"08:00-19:00" -> Hours; a ValueError names what is wrong."""
        try:
            opens, closes = (dt.time.fromisoformat(part.strip()) for part in text.split("-"))
        except ValueError:
            raise ValueError(f"{text!r} is not a window like 08:00-19:00") from None
        if opens >= closes:
            raise ValueError(f"{text!r}: the window must open before it closes")
        return cls(opens, closes)

    def allow(self, local, calendar):
        """True when `local` (a naive local datetime) falls on a business day of
        `calendar`, inside the window."""
        return (calendar.is_business_day(local.date())
                and self.opens <= local.time() < self.closes)

    def next_opening(self, local, calendar):
        """The first moment at or after `local` when sending is allowed."""
        day = local.date()
        if local.time() >= self.closes:
            day += dt.timedelta(days=1)
        day = calendar.on_or_after(day)
        start = dt.datetime.combine(day, self.opens)
        return max(start, local) if day == local.date() else start
