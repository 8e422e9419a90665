"""A creditor company's late-penalty policy, as the computation and the forms read it.
The ledger's `Company` takes its policy choices from here."""
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relance.legal.halfyears import HalfYear
from relance.legal.penalties import STATUTORY, contractual, contractual_rate_problem


class PenaltyPolicy(models.TextChoices):
    STATUTORY = "statutory", gettext_lazy("Statutory rate (ECB rate + 10 points)")
    CONTRACTUAL = "contractual", gettext_lazy("Contractual rate")


def policy_of(company):
    """The statutory rate unless the company has a contractual rate."""
    if company.contractual_rate is None:
        return STATUTORY
    return contractual(company.contractual_rate)


def company_rate_problem(company, today, rates):
    """What is wrong with the company's penalty policy and rate on `today`, or None.

    The policy and the rate must agree (a contractual policy needs a rate, the
    statutory one none), and a contractual rate may not be below three times the
    legal interest rate of today's half-year.
    """
    contractual_policy = company.penalty_policy == PenaltyPolicy.CONTRACTUAL
    if contractual_policy and company.contractual_rate is None:
        return _("a contractual policy needs a contractual rate")
    if not contractual_policy and company.contractual_rate is not None:
        return _("the statutory policy takes no contractual rate: clear the rate or "
                 "choose the contractual policy")
    if company.contractual_rate is None:
        return None
    return contractual_rate_problem(company.contractual_rate, HalfYear.of(today), rates)
