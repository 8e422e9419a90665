"""A transparent customer risk score: 0 (no concern) to 100, with the reasons that make it.

Pure: `score(behaviour, exposure)` adds points from four sources, each capped, and says
in a sentence why it added them. Nothing is hidden: the points shown add up to the score.

| source            | points                                                  | cap |
|-------------------|---------------------------------------------------------|----:|
| payment history   | 1 per average day late; up to 10 for invoices not paid  |  40 |
|                   | on time; 10 when paying later than usual; 10 unknown    |     |
| exposure          | 25 x overdue / credit limit; 10 more over the limit;    |  35 |
|                   | without a limit, 15 x the overdue share of the balance  |     |
| disputes          | 5 per open dispute                                      |  15 |
| country           | 10 outside France: collecting abroad is slower          |  10 |
"""
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

HOME_COUNTRY = "FR"
LOW, MEDIUM, HIGH = "low", "medium", "high"
MEDIUM_FROM, HIGH_FROM = 30, 60


@dataclass(frozen=True)
class Exposure:
    balance: Decimal
    overdue: Decimal
    credit_limit: Decimal | None = None
    open_disputes: int = 0
    country: str = HOME_COUNTRY


@dataclass(frozen=True)
class Reason:
    points: int
    text: str


@dataclass(frozen=True)
class Risk:
    score: int
    reasons: list = field(default_factory=list)

    @property
    def level(self):
        if self.score >= HIGH_FROM:
            return HIGH
        return MEDIUM if self.score >= MEDIUM_FROM else LOW

    @property
    def factor(self):
        """1 for no risk up to 2 for the highest: the worklist's multiplier."""
        return 1 + Decimal(self.score) / 100


def score(behaviour, exposure):
    reasons = (_capped(40, _history(behaviour)) + _capped(35, _exposure(exposure))
               + _capped(15, _disputes(exposure)) + _capped(10, _country(exposure)))
    reasons = [r for r in reasons if r.points > 0]
    return Risk(min(100, sum(r.points for r in reasons)), reasons)


def _capped(cap, reasons):
    """Keep the reasons in order until their points reach `cap`; trim the last one."""
    kept, left = [], cap
    for reason in reasons:
        points = min(reason.points, left)
        kept.append(Reason(points, reason.text))
        left -= points
    return kept


def _history(behaviour):
    if not behaviour.invoices:
        return [Reason(10, _("No settled invoice yet: payment habits are unknown."))]
    late = int(behaviour.average_days_late or 0)
    not_on_time = 100 - behaviour.on_time_share   # known when there are invoices
    reasons = [
        Reason(late, ngettext("Pays %(days)d day late on average.",
                              "Pays %(days)d days late on average.", late) % {"days": late}),
        Reason(int(not_on_time / 10), _("%(share)s %% of invoices paid on time.")
               % {"share": behaviour.on_time_share}),
    ]
    if behaviour.paying_later:
        reasons.append(Reason(10, _("Paying later than usual: %(recent)s days late lately "
                                    "against %(usual)s before.")
                              % {"recent": behaviour.recent_days_late,
                                 "usual": behaviour.usual_days_late}))
    return reasons


def _exposure(exposure):
    limit = exposure.credit_limit
    if limit is not None and limit > 0:
        ratio = exposure.overdue / limit
        reasons = [Reason(int(min(ratio, 1) * 25),
                          _("Overdue amount is %(share)s %% of the credit limit.")
                          % {"share": (ratio * 100).quantize(Decimal("1"))})]
        if exposure.balance > limit:
            reasons.append(Reason(10, _("Balance %(balance)s is over the credit limit "
                                        "%(limit)s.") % {"balance": exposure.balance,
                                                         "limit": limit}))
        return reasons
    if exposure.balance <= 0 or exposure.overdue <= 0:
        return []
    share = min(exposure.overdue / exposure.balance, Decimal(1))
    return [Reason(int(share * 15), _("%(share)s %% of the balance is overdue (no credit "
                                      "limit set).") % {"share": (share * 100).quantize(
                                          Decimal("1"))})]


def _disputes(exposure):
    n = exposure.open_disputes
    return [Reason(5 * n, ngettext("%(n)d open dispute.", "%(n)d open disputes.", n)
                   % {"n": n})] if n else []


def _country(exposure):
    if (exposure.country or HOME_COUNTRY).upper() == HOME_COUNTRY:
        return []
    return [Reason(10, _("Based abroad (%(country)s): collecting across borders is slower.")
                   % {"country": exposure.country.upper()})]
