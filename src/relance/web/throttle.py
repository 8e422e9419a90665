"""Rate limiting shared by every process, counted in the database.

`allow(key, limit, window_seconds, now)` counts one hit for `key` in the fixed window
holding `now` and says whether the hit is within `limit`. Fixed windows are aligned on
the epoch, so two processes asking at the same moment count in the same row. The
increment is a single conditional UPDATE (hits = hits + 1), which SQLite and PostgreSQL
both apply atomically; the row is created on first use, a lost creation race being
retried as an update. Creating a row also forgets the windows that started more than
`FORGET_AFTER` ago (windows are never that long), so the table stays small without a
cleaning job.
"""
import datetime as dt
import hashlib

from django.db import IntegrityError, transaction
from django.db.models import F

from relance.web.models import RateCounter

MAX_KEY_LENGTH = 200
FORGET_AFTER = dt.timedelta(days=7)


def window_start(now, window_seconds):
    """The start of the fixed window of `window_seconds` that holds `now`."""
    epoch = int(now.timestamp())
    start = epoch - epoch % window_seconds
    return dt.datetime.fromtimestamp(start, tz=dt.timezone.utc)


def allow(key: str, limit: int, window_seconds: int, now) -> bool:
    """Count a hit for `key` and return False once more than `limit` hits fell in the
    current window of `window_seconds` seconds."""
    if limit < 1 or window_seconds < 1:
        raise ValueError("limit and window_seconds must be positive")
    key = _short(key)
    start = window_start(now, window_seconds)
    return _hit(key, start) <= limit


def hits(key: str, window_seconds: int, now) -> int:
    """How many hits `key` has in the window holding `now` (without counting one)."""
    row = RateCounter.objects.filter(key=_short(key),
                                     window_start=window_start(now, window_seconds)).first()
    return row.hits if row else 0


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
                return 1
            except IntegrityError:   # another process created it first: count on it
                counters.update(hits=F("hits") + 1)
        return counters.values_list("hits", flat=True).get()


def _short(key):
    # Keys hold IPs and link ids; a long one is hashed so it fits the column.
    if len(key) <= MAX_KEY_LENGTH:
        return key
    return key[:100] + ":" + hashlib.sha256(key.encode()).hexdigest()
