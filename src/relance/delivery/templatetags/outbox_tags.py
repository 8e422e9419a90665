"""The outbox entry of the main navigation, and paging links for the outbox's lists."""
from django import template

from relance.delivery.evidence import failed_count, may_see_customer
from relance.ledger.models import Company, Customer
from relance.team.models import Role

register = template.Library()


@register.simple_tag
def failed_messages_count(user):
    """Messages failed for good, for a manager; None for anyone else or without a
    single company. Reads without creating anything."""
    if not getattr(user, "is_manager", False):
        return None
    companies = list(Company.objects.order_by("pk")[:2])
    if len(companies) != 1:
        return None
    return failed_count(user, companies[0])


@register.simple_tag(takes_context=True)
def page_query(context, param, number):
    """The current query string with `param` set to `number`: each list of the outbox
    pages on its own."""
    params = context["request"].GET.copy()
    params[param] = number
    return f"?{params.urlencode()}"


@register.filter
def may_read_history(user, customer):
    """Whether `user` may download `customer`'s history PDF."""
    return may_see_customer(user, customer)


@register.filter
def shows_evidence(user, event):
    """Whether `user` may open the evidence page of the message `event` is about: a
    manager always, a collector for their own customers, a sales rep never. A
    collector's customers are read once per request, not once per event."""
    if not (event.data or {}).get("message") or getattr(user, "role", Role.SALES) == Role.SALES:
        return False
    if user.is_manager:
        return True
    if not hasattr(user, "_owned_customer_ids"):
        user._owned_customer_ids = set(Customer.objects.filter(owner=user)
                                       .values_list("pk", flat=True))
    return event.customer_id in user._owned_customer_ids
