"""The calls entry of the main navigation: how many calls are due today for the user."""
from django import template
from django.db.models import Subquery
from django.utils import timezone

from relance.delivery.calls import due_calls
from relance.ledger.models import Company
from relance.team.models import Role

register = template.Library()


@register.simple_tag
def calls_due_count(user):
    """Calls and tasks due by today for `user` (everyone's for a manager); None for a
    sales rep. One query on every page: the company is read inside it (the first one;
    the call pages need a single company anyway), and nothing is ever created."""
    if getattr(user, "role", Role.SALES) == Role.SALES:
        return None
    first_company = Subquery(Company.objects.order_by("pk").values("pk")[:1])
    return due_calls(first_company, user, timezone.localdate()).count()
