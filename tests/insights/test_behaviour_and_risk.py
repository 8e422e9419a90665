"""Payment behaviour and the risk score on hand-made histories.

Three customers: Boulangerie Roux pays on the nail; Garnier pays 20 days late and has
lately drifted to 40; Fontaine GmbH, abroad, is over its credit limit with a dispute."""
import datetime as dt
from decimal import Decimal as D

from django.utils import translation

from relance.insights import behaviour, priority, risk

TODAY = dt.date(2026, 11, 24)


def paid(due_days_ago, late):
    due = TODAY - dt.timedelta(days=due_days_ago)
    return due, due + dt.timedelta(days=late)


ROUX = [paid(200, 0), paid(150, -3), paid(100, 0), paid(50, 0), paid(20, 0)]
# Usual (paid 91 to 455 days ago): 20, 20, 20 days late; recent (last 90 days): 40, 40.
GARNIER = [paid(300, 20), paid(250, 20), paid(200, 20), paid(80, 40), paid(60, 40)]


def test_a_customer_paying_on_time():
    seen = behaviour.payment_behaviour(ROUX, TODAY)
    assert (seen.invoices, seen.average_days_late, seen.on_time_share) == (5, 0, 100)
    assert seen.trend == behaviour.STEADY


def test_average_days_late_share_on_time_and_drift():
    seen = behaviour.payment_behaviour(GARNIER, TODAY)
    # (20 + 20 + 20 + 40 + 40) / 5 = 28 days; none on time.
    assert (seen.average_days_late, seen.on_time_share) == (D(28), D(0))
    assert (seen.recent_days_late, seen.usual_days_late, seen.drift) == (40, 20, 20)
    assert seen.paying_later


def test_one_late_payment_is_not_yet_a_drift():
    seen = behaviour.payment_behaviour(GARNIER[:4], TODAY)
    assert seen.recent_days_late == 40 and seen.trend == behaviour.STEADY


def test_no_history_is_unknown_and_scored_as_such():
    seen = behaviour.payment_behaviour([], TODAY)
    assert seen.trend == behaviour.UNKNOWN and seen.average_days_late is None
    found = risk.score(seen, risk.Exposure(balance=D(0), overdue=D(0)))
    assert found.score == 10 and len(found.reasons) == 1


def test_a_reliable_french_customer_scores_low_with_no_reason():
    found = risk.score(behaviour.payment_behaviour(ROUX, TODAY),
                       risk.Exposure(balance=D(1000), overdue=D(0)))
    assert (found.score, found.level, found.reasons) == (0, risk.LOW, [])


def test_the_score_is_the_sum_of_its_reasons():
    seen = behaviour.payment_behaviour(GARNIER, TODAY)
    exposure = risk.Exposure(balance=D(12000), overdue=D(6000), credit_limit=D(10000),
                             open_disputes=1, country="DE")
    with translation.override("en"):
        found = risk.score(seen, exposure)
    # history: 28 (days) + 10 (none on time) + 10 (drift) = 48, capped at 40;
    # exposure: 25 x 6,000 / 10,000 = 15, + 10 over the limit = 25;
    # disputes: 5; country: 10. Total 80.
    assert [r.points for r in found.reasons] == [28, 10, 2, 15, 10, 5, 10]
    assert found.score == 80 == sum(r.points for r in found.reasons)
    assert found.level == risk.HIGH
    texts = " ".join(r.text for r in found.reasons)
    assert "28 days late on average" in texts
    assert "over the credit limit" in texts and "(DE)" in texts


def test_without_a_credit_limit_the_overdue_share_of_the_balance_counts():
    found = risk.score(behaviour.payment_behaviour(ROUX, TODAY),
                       risk.Exposure(balance=D(1000), overdue=D(500)))
    assert found.score == 7       # int(0.5 x 15)


def test_priority_multiplies_amount_lateness_and_risk():
    # 10,000 EUR, 30 days late (factor 2), risk 50 (factor 1.5): 30,000.
    assert priority.priority(D(10000), 30, 50) == D("30000.00")
    assert priority.priority(D(10000), 0, 0) == D("10000.00")
    # A year and more late weighs 13 times; negative amounts weigh nothing.
    assert priority.lateness_factor(400) == priority.lateness_factor(365) == 13
    assert priority.priority(D(-5), 10, 10) == 0


def test_a_month_late_weighs_as_much_as_twice_the_money_due_today():
    assert priority.priority(D(10000), 30, 0) == priority.priority(D(20000), 0, 0)
