"""Rate limiting shared by every process, counted in the database.

Hits are counted per key in fixed windows aligned on the epoch, so two processes
asking at the same moment count in the same row. A decision does not rest on the
current window alone, which would forgive everything at each boundary: it rests on
`recent_hits`, the hits of the last `window_seconds` as estimated from the current
window plus the part of the previous window still within reach (its hits in
proportion, rounded up). `allow(key, limit, window_seconds, now)` counts one hit for
`key` and says whether that estimate is still within `limit`.

The increment is a single conditional UPDATE (hits = hits + 1), which SQLite and
PostgreSQL both apply atomically; the row is created on first use, a lost creation
race being retried as an update. Creating a row also forgets the windows that started
more than `FORGET_AFTER` ago (windows are never that long), so the table stays small
without a cleaning job.
"""
import datetime as dt
import hashlib

from django.db import IntegrityError, transaction
from django.db.models import F

from relance.web.models import RateCounter

MAX_KEY_LENGTH = 200
FORGET_AFTER = dt.timedelta(days=7)
_MICROSECONDS = 1_000_000


def window_start(now, window_seconds):
    """The start of the fixed window of `window_seconds` that holds `now`."""
    epoch = int(now.timestamp())
    start = epoch - epoch % window_seconds
    return dt.datetime.fromtimestamp(start, tz=dt.timezone.utc)


def allow(key: str, limit: int, window_seconds: int, now) -> bool:
    """Count a hit for `key` and return False once the hits of the last
    `window_seconds` (this one included) are more than `limit`."""
    if limit < 1 or window_seconds < 1:
        raise ValueError("limit and window_seconds must be positive")
    _hit(_short(key), window_start(now, window_seconds))
    return recent_hits(key, window_seconds, now) <= limit


def hits(key: str, window_seconds: int, now) -> int:
    """How many hits `key` has in the fixed window holding `now` (without counting one)."""
    start = window_start(now, window_seconds)
    row = RateCounter.objects.filter(key=_short(key), window_start=start)
    return row.values_list("hits", flat=True).first() or 0


def recent_hits(key: str, window_seconds: int, now) -> int:
    """The hits of `key` in the `window_seconds` up to `now`, as `estimate` makes them
    from the current fixed window and the one before (without counting one)."""
    start = window_start(now, window_seconds)
    previous = start - dt.timedelta(seconds=window_seconds)
    counts = dict(RateCounter.objects.filter(key=_short(key), window_start__in=[start, previous])
                  .values_list("window_start", "hits"))   # both windows in one query
    return estimate(counts.get(start, 0), counts.get(previous, 0), now - start, window_seconds)


def estimate(current: int, previous: int, elapsed: dt.timedelta, window_seconds: int) -> int:
    """Hits in the last `window_seconds`: all of the current window's, and the previous
    window's in proportion to the part of it not yet `elapsed` out of reach, rounded up
    (whole microseconds, so there is no float to round the wrong way)."""
    window = window_seconds * _MICROSECONDS
    remaining = window - elapsed // dt.timedelta(microseconds=1)
    return current + -(-previous * remaining // window)


def purge(before):
    """Forget the windows that started before `before`; returns how many rows went."""
    return RateCounter.objects.filter(window_start__lt=before).delete()[0]


def _hit(key, start):
    counters = RateCounter.objects.filter(key=key, window_start=start)
    with transaction.atomic():
        if not counters.update(hits=F("hits") + 1):
            try:
                with transaction.atomic():
                    RateCounter.objects.create(key=key, window_start=start, hits=1)
                purge(start - FORGET_AFTER)
            except IntegrityError:   # another process created it first: count on it
                counters.update(hits=F("hits") + 1)


def _short(key):
    # Keys hold IPs and link ids; a long one is hashed so it fits the column.
    if len(key) <= MAX_KEY_LENGTH:
        return key
    return key[:100] + ":" + hashlib.sha256(key.encode()).hexdigest()
