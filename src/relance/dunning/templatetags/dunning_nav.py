"""The dunning entry of the main navigation: how many actions await a manager."""
from django import template

from relance.dunning.models import Action, ActionStatus
from relance.ledger.models import Company

register = template.Library()


@register.simple_tag
def awaiting_approval_count(user):
    """Actions awaiting approval, for administrators and credit managers; else None.

    Reads the only company without creating one (the nav must never write)."""
    if not getattr(user, "is_manager", False):
        return None
    companies = list(Company.objects.order_by("pk").values_list("pk", flat=True)[:2])
    if len(companies) != 1:
        return None
    return Action.objects.filter(company_id=companies[0],
                                 status=ActionStatus.AWAITING_APPROVAL).count()
