"""The database-backed rate limiter: one count per key and fixed window, shared by all
processes because it lives in the database."""
import datetime as dt

import pytest

from relance.web import throttle
from relance.web.models import RateCounter

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 3, 2, 12, 0, 5, tzinfo=dt.timezone.utc)


def test_hits_within_the_limit_are_allowed_and_the_next_one_is_refused():
    verdicts = [throttle.allow("portal:ip:10.0.0.1", 3, 600, NOON) for _ in range(4)]
    assert verdicts == [True, True, True, False]
    assert throttle.hits("portal:ip:10.0.0.1", 600, NOON) == 4


def test_each_key_has_its_own_count():
    for _ in range(3):
        throttle.allow("login:alice", 3, 600, NOON)
    assert throttle.allow("login:alice", 3, 600, NOON) is False
    assert throttle.allow("login:bob", 3, 600, NOON) is True


def test_a_window_boundary_does_not_forgive_the_hits_just_before_it():
    for _ in range(3):
        throttle.allow("k", 2, 600, NOON)
    assert throttle.allow("k", 2, 600, NOON + dt.timedelta(minutes=5)) is False
    assert throttle.allow("k", 2, 600, NOON + dt.timedelta(minutes=10)) is False
    assert throttle.allow("k", 2, 600, NOON + dt.timedelta(minutes=20)) is True


def test_windows_are_aligned_so_every_process_counts_in_the_same_row():
    start = throttle.window_start(NOON, 600)
    assert start == dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.timezone.utc)
    throttle.allow("k", 5, 600, NOON)
    throttle.allow("k", 5, 600, NOON + dt.timedelta(minutes=9))
    assert RateCounter.objects.get(key="k").hits == 2


def test_very_long_keys_are_shortened_without_colliding():
    one, two = "x" * 300 + "1", "x" * 300 + "2"
    assert throttle.allow(one, 1, 60, NOON) is True
    assert throttle.allow(two, 1, 60, NOON) is True
    assert throttle.allow(one, 1, 60, NOON) is False


def test_purge_forgets_old_windows():
    throttle.allow("k", 5, 60, NOON - dt.timedelta(hours=2))
    throttle.allow("k", 5, 60, NOON)
    assert throttle.purge(NOON - dt.timedelta(hours=1)) == 1
    assert RateCounter.objects.count() == 1


def test_a_limit_must_be_positive():
    with pytest.raises(ValueError):
        throttle.allow("k", 0, 60, NOON)


def test_counting_in_a_new_window_forgets_windows_older_than_a_week():
    throttle.allow("old", 5, 60, NOON - dt.timedelta(days=8))
    throttle.allow("recent", 5, 60, NOON - dt.timedelta(days=6))
    throttle.allow("k", 5, 60, NOON)
    assert set(RateCounter.objects.values_list("key", flat=True)) == {"recent", "k"}


def test_recent_hits_take_the_previous_window_in_proportion_to_what_is_still_in_reach():
    just_before = dt.datetime(2026, 3, 2, 12, 9, 59, tzinfo=dt.timezone.utc)
    for _ in range(6):
        throttle.allow("k", 10, 600, just_before)
    throttle.allow("k", 10, 600, just_before + dt.timedelta(seconds=2))

    def recent(after):
        return throttle.recent_hits("k", 600, just_before + after)

    assert throttle.hits("k", 600, just_before + dt.timedelta(seconds=2)) == 1
    assert recent(dt.timedelta(seconds=2)) == 7            # 1 + all 6, rounded up
    assert recent(dt.timedelta(minutes=5, seconds=1)) == 4  # 1 + half of 6
    assert recent(dt.timedelta(minutes=10)) == 1 + 1        # 1 + 6 / 600, rounded up
    assert recent(dt.timedelta(minutes=10, seconds=1)) == 1  # 12:10 is now the previous one
    assert recent(dt.timedelta(minutes=20, seconds=1)) == 0


def test_the_estimate_rounds_up_without_floating_point():
    half = dt.timedelta(seconds=300)
    assert throttle.estimate(0, 3, half, 600) == 2
    assert throttle.estimate(2, 4, dt.timedelta(0), 600) == 6
    assert throttle.estimate(2, 4, dt.timedelta(seconds=600), 600) == 2
