"""Properties of the penalty that no worked example can cover: on any amount, dates and
partial payments, the lines add up, and paying later never costs less."""
import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from relance.legal.penalties import contractual, penalty
from tests.legal.test_penalties import RATES

amounts = st.decimals(min_value="0.01", max_value="10000000", places=2)
dates = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2027, 12, 31))
delays = st.integers(min_value=-30, max_value=3000)
policies = st.sampled_from([None, Decimal("15"), Decimal("11.13")])


def compute(amount, due, delay, rate, partials=()):
    policy = {} if rate is None else {"policy": contractual(rate)}
    return penalty(amount, due, due + dt.timedelta(days=delay), RATES, partials=partials,
                   **policy)


@given(amounts, dates, delays, policies)
def test_the_penalty_is_the_sum_of_its_periods_over_every_late_day(amount, due, delay, rate):
    result = compute(amount, due, delay, rate)

    assert result.amount == sum(p.amount for p in result.periods)
    assert result.amount == result.amount.quantize(Decimal("0.01"))
    assert result.days == max(delay, 0)
    assert all(p.start.year == p.end.year and (p.start.month <= 6) == (p.end.month <= 6)
               for p in result.periods)


@given(amounts, dates, delays, st.integers(min_value=1, max_value=400), policies)
def test_paying_later_never_lowers_the_penalty(amount, due, delay, more, rate):
    assert compute(amount, due, delay + more, rate).amount >= \
        compute(amount, due, delay, rate).amount


@given(amounts, dates, st.integers(min_value=1, max_value=1000),
       st.integers(min_value=0, max_value=1000), st.integers(min_value=1, max_value=99))
def test_a_partial_payment_costs_as_much_as_two_invoices_paid_on_those_days(
        amount, due, first, second, share):
    """Part paid on day `first` and the rest `second` days later owes what the two
    parts would owe as separate invoices, give or take a cent per period."""
    part = (amount * share / 100).quantize(Decimal("0.01"))
    if not 0 < part < amount:
        return
    paid_early = due + dt.timedelta(days=first)
    result = compute(amount, due, first + second, None, [(paid_early, part)])
    separate = (compute(part, due, first, None).amount
                + compute(amount - part, due, first + second, None).amount)

    assert abs(result.amount - separate) <= Decimal("0.01") * (len(result.periods) + 4)
