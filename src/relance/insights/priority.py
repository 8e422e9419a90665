"""The worklist's order: what is worth doing first.

priority = amount at stake x lateness factor x risk factor

- amount at stake: the money the task is about (a call's overdue total, a promise's
  amount, a disputed invoice's open amount, the excess over a credit limit...);
- lateness factor: 1 + days late / 30, capped at 13 (a year): each month late adds the
  amount once more, so 10,000 EUR a month late weighs as much as 20,000 EUR due today;
- risk factor: 1 + risk score / 100 (1 to 2, see risk.py): a risky customer's task
  comes before a reliable one's for the same money and lateness.
"""
from decimal import Decimal

MAX_LATENESS_FACTOR = Decimal(13)


def lateness_factor(days_late):
    return min(1 + Decimal(max(days_late, 0)) / 30, MAX_LATENESS_FACTOR)


def risk_factor(risk_score):
    return 1 + Decimal(min(max(risk_score, 0), 100)) / 100


def priority(amount, days_late, risk_score):
    """The task's weight, in euros-equivalent, two decimals."""
    weight = Decimal(max(amount, 0)) * lateness_factor(days_late) * risk_factor(risk_score)
    return weight.quantize(Decimal("0.01"))
