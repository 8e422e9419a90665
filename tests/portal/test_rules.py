"""The portal's pure rules: file signatures, the company's limits, splitting a payment,
Stripe's signature scheme. Dates and times are arguments."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from relance.portal import rules

TODAY = dt.date(2026, 3, 2)


@pytest.mark.parametrize("head, expected", [
    (b"%PDF-1.7\n", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n\x00", "image/png"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
    (b"GIF89a", None),
    (b"MZ\x90\x00", None),
    (b"", None),
])
def test_files_are_known_by_their_first_bytes(head, expected):
    found = rules.sniff(head)
    assert (found[0] if found else None) == expected


def test_a_promise_is_accepted_up_to_the_last_allowed_day():
    most = Decimal("100")
    assert rules.promise_problem(TODAY + dt.timedelta(days=30), most, TODAY, 30, most) == ""
    with translation.override("en"):
        assert "at most 30 days" in rules.promise_problem(
            TODAY + dt.timedelta(days=31), most, TODAY, 30, most)
        assert "past" in rules.promise_problem(TODAY - dt.timedelta(days=1), most, TODAY,
                                               30, most)
        assert "exceed" in rules.promise_problem(TODAY, Decimal("100.01"), TODAY, 30, most)


def test_a_plan_has_between_two_and_the_allowed_instalments():
    assert rules.plan_problem(6, TODAY, TODAY, 6, 30) == ""
    assert rules.plan_problem(7, TODAY, TODAY, 6, 30)
    assert rules.plan_problem(1, TODAY, TODAY, 6, 30)
    assert rules.plan_problem(3, TODAY + dt.timedelta(days=31), TODAY, 6, 30)


def test_a_declared_payment_cannot_be_in_the_future():
    assert rules.declaration_problem(TODAY, Decimal("1"), TODAY) == ""
    assert rules.declaration_problem(TODAY + dt.timedelta(days=1), Decimal("1"), TODAY)


def test_a_payment_is_split_oldest_first_and_the_rest_stays_unapplied():
    shares = rules.allocations(Decimal("250"), [(1, Decimal("100")), (2, Decimal("100")),
                                                (3, Decimal("100"))])
    assert shares == [(1, Decimal("100")), (2, Decimal("100")), (3, Decimal("50"))]
    assert rules.allocations(Decimal("500"), [(1, Decimal("100"))]) == [(1, Decimal("100"))]


def test_a_link_goes_in_a_reminder_only_with_enough_life_left():
    now = dt.datetime(2026, 3, 2, 12, tzinfo=dt.timezone.utc)
    assert rules.reusable_for_reminder(now + dt.timedelta(days=30), now, 30)
    assert not rules.reusable_for_reminder(now + dt.timedelta(days=29, hours=23), now, 30)


def test_stripes_signature_holds_within_the_tolerance_only():
    payload, secret, stamp = b'{"id":"evt_1"}', "whsec_x", 1_760_000_000
    header = rules.stripe_signature(payload, secret, stamp)
    assert rules.stripe_signature_valid(header, payload, secret, stamp + 300)
    assert not rules.stripe_signature_valid(header, payload, secret, stamp + 301)
    assert not rules.stripe_signature_valid(header, payload + b" ", secret, stamp)
    assert not rules.stripe_signature_valid(header, payload, "", stamp)


def test_any_of_several_v1_signatures_may_match_during_a_secret_rotation():
    payload, stamp = b"{}", 1_760_000_000
    good = rules.stripe_signature(payload, "whsec_new", stamp).split("v1=")[1]
    header = f"t={stamp},v1={'0' * 64},v1={good}"
    assert rules.stripe_signature_valid(header, payload, "whsec_new", stamp)
