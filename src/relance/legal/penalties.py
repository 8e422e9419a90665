"""Late-payment penalties and the fixed recovery indemnity under French law (Code de
commerce L441-10 and D441-5), computed without the clock or the database: amounts,
dates and the rate tables are arguments.

`rates` is a mapping `{(kind, year, half): Decimal percent}` with kind `ecb` (the ECB
main refinancing rate in force on 1 January or 1 July) or `legal` (the legal interest
rate for professional creditors); `rates.load()` reads it from the database.

Conventions (docs/legal.md says why):

- Days late run from the day after the due date to the payment date, both included:
  `paid - due` days. Paid on or before the due date: no penalty, no indemnity.
- Interest is simple: base x rate / 100 x days / 365, with 365 in leap years too.
- The late days are cut into periods at each half-year and at each partial payment;
  each period has one base and one rate. A statutory period's rate is the ECB rate of
  its half-year + 10 points; a contractual one's the fixed contractual rate.
- A partial payment still counts as unpaid on its own day (as the final payment's day
  does): the base falls the day after. One paid on or before the due date lowers the
  base from the first late day.
- Each period is rounded half-up to the cent; the penalty is the sum of the rounded
  periods, so the total always equals the sum of the lines shown.
- A rate missing for a half-year: the latest earlier half-year's rate is used (the
  earliest later one if none is earlier), and `warnings` says so, naming both.
"""
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from relance.legal.halfyears import HalfYear

ECB = "ecb"
LEGAL = "legal"
CENT = Decimal("0.01")
STATUTORY_MARGIN = Decimal("10")      # points above the ECB rate (L441-10)
CONTRACTUAL_FLOOR_FACTOR = Decimal("3")  # x the legal interest rate (L441-10)
INDEMNITY = Decimal("40.00")          # per invoice paid late, no VAT (D441-5)
DAYS_IN_YEAR = Decimal("365")
ONE_DAY = dt.timedelta(days=1)


class RateMissing(Exception):
    """No rate of that kind at all: nothing to fall back on."""


@dataclass(frozen=True)
class Policy:
    """The statutory rate (no `contractual_rate`) or a fixed contractual rate."""
    contractual_rate: Decimal | None = None

    @property
    def kind(self):
        return "statutory" if self.contractual_rate is None else "contractual"


STATUTORY = Policy()


def contractual(rate):
    return Policy(Decimal(rate))


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    base: Decimal
    rate: Decimal
    amount: Decimal

    @property
    def days(self):
        return (self.end - self.start).days + 1

    def as_dict(self):
        return {"start": self.start.isoformat(), "end": self.end.isoformat(),
                "days": self.days, "base": f"{self.base:.2f}", "rate": percent(self.rate),
                "amount": f"{self.amount:.2f}"}


@dataclass(frozen=True)
class Penalty:
    periods: tuple
    warnings: tuple
    policy: Policy

    @property
    def amount(self):
        return sum((p.amount for p in self.periods), Decimal("0.00"))

    @property
    def late(self):
        """Some money was paid (or is still unpaid) after the due date."""
        return bool(self.periods)

    @property
    def days(self):
        return sum(p.days for p in self.periods)


def penalty(amount, due, paid_or_until, rates, *, policy=STATUTORY, partials=()):
    """The penalty on `amount` (incl. VAT) due on `due`, paid on (or counted until)
    `paid_or_until`, with `partials` as `(date, amount)` pairs.

    1. Check the amounts; partials after `paid_or_until` have not happened yet: ignored.
    2. The base on the first late day is the amount less what was paid by the due date.
    3. From the day after the due date, take the longest run of days in one half-year
       that no partial payment interrupts (a payment day closes its run), price it,
       lower the base by that day's payments, and go on until the end or a zero base.
    """
    amount, partials = _checked(amount, partials)
    payments = _payments_by_day(partials, paid_or_until)
    base = amount - sum(a for day, a in payments.items() if day <= due)
    periods, warnings = [], []
    start = due + ONE_DAY
    while start <= paid_or_until and base > 0:
        end = min([HalfYear.of(start).end, paid_or_until]
                  + [day for day in payments if day >= start])
        rate = _period_rate(policy, HalfYear.of(start), rates, warnings)
        periods.append(Period(start, end, base, rate, interest(base, rate, start, end)))
        base -= payments.get(end, 0)
        start = end + ONE_DAY
    return Penalty(tuple(periods), tuple(dict.fromkeys(warnings)), policy)


def interest(base, rate, start, end):
    days = (end - start).days + 1
    return (base * rate / 100 * days / DAYS_IN_YEAR).quantize(CENT, ROUND_HALF_UP)


def indemnity(late, *, consumer=False, insolvent=False):
    """40 once per invoice paid late, partly paid or not; never claimed from a
    consumer, nor while insolvency proceedings block payment."""
    return INDEMNITY if late and not (consumer or insolvent) else Decimal("0.00")


def _checked(amount, partials):
    amount = Decimal(amount)
    partials = [(day, Decimal(paid)) for day, paid in partials]
    if amount <= 0:
        raise ValueError(_("the amount must be positive"))
    if any(paid <= 0 for _day, paid in partials):
        raise ValueError(_("a partial payment must be positive"))
    if sum(paid for _day, paid in partials) > amount:
        raise ValueError(_("the partial payments add up to more than the amount"))
    return amount, partials


def _payments_by_day(partials, until):
    by_day = {}
    for day, paid in partials:
        if day <= until:
            by_day[day] = by_day.get(day, 0) + paid
    return by_day


def _period_rate(policy, half, rates, warnings):
    if policy.contractual_rate is not None:
        problem = contractual_rate_problem(policy.contractual_rate, half, rates, warnings)
        if problem:
            warnings.append(problem)
        return policy.contractual_rate
    ecb = rate_for(rates, ECB, half, warnings)
    if ecb is None:
        raise RateMissing(_("no ECB rate is known: add them with `relance legal rates "
                            "set ecb YYYY-H1 RATE`"))
    return ecb + STATUTORY_MARGIN


def statutory_rate(half, rates, warnings=None):
    """ECB rate of `half` + 10 points; RateMissing without any ECB rate."""
    return _period_rate(STATUTORY, half, rates, [] if warnings is None else warnings)


def rate_for(rates, kind, half, warnings):
    """The `kind` rate of `half`; when it is missing, the latest earlier half-year's
    (else the earliest later one's), with a warning; None when none is known."""
    if (kind, *half) in rates:
        return rates[(kind, *half)]
    known = sorted(HalfYear(year, h) for k, year, h in rates if k == kind)
    if not known:
        return None
    earlier = [h for h in known if h < half]
    used = earlier[-1] if earlier else known[0]
    warnings.append(_("no %(kind)s rate for %(half)s: the rate of %(used)s "
                      "(%(rate)s %%) was used")
                    % {"kind": kind_label(kind), "half": half, "used": used,
                       "rate": percent(rates[(kind, *used)])})
    return rates[(kind, *used)]


def latest_missing(rates, kind, until):
    """The latest half-year, up to the one of `until`, without a `kind` rate: penalties
    over it or any earlier one would use another half-year's rate (`rate_for`)."""
    known = {HalfYear(year, h) for k, year, h in rates if k == kind}
    half = HalfYear.of(until)
    while half in known:
        half = HalfYear.of(half.start - ONE_DAY)
    return half


def needed_rate(policy):
    """The rate table a policy's penalties depend on: the ECB rate for the statutory
    rate, the legal interest rate (its floor, L441-10) for a contractual one."""
    return ECB if policy.contractual_rate is None else LEGAL


def contractual_rate_problem(rate, half, rates, warnings=None):
    """Why `rate` may not be agreed for `half` (L441-10: not below three times the
    legal interest rate), or None when it may."""
    warnings = [] if warnings is None else warnings
    rate = Decimal(rate)
    if rate <= 0:
        return _("a contractual rate must be positive")
    legal = rate_for(rates, LEGAL, half, warnings)
    if legal is None:
        warnings.append(_("no legal interest rate is known: the contractual rate could "
                          "not be checked"))
        return None
    floor = legal * CONTRACTUAL_FLOOR_FACTOR
    if rate < floor:
        return (_("the contractual rate %(rate)s %% is below three times the legal "
                  "interest rate of %(half)s (3 x %(legal)s %% = %(floor)s %%)")
                % {"rate": percent(rate), "half": half, "legal": percent(legal),
                   "floor": percent(floor)})
    return None


def half_years(start, end):
    """The half-years from the one of `start` to the one of `end`, in order."""
    found, half = [], HalfYear.of(start)
    while half.start <= end:
        found.append(half)
        half = HalfYear.of(half.end + ONE_DAY)
    return found


def kind_label(kind):
    return {ECB: _("ECB"), LEGAL: _("legal interest")}[kind]


def percent(rate):
    """A rate as text with at least two decimals: 12.15, 10.00, 11.125."""
    rate = Decimal(rate)
    return f"{rate:.2f}" if rate == rate.quantize(CENT) else f"{rate.normalize():f}"
