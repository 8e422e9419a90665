"""Template helpers of the dashboard, the worklist and the customer risk header."""
from decimal import Decimal

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.http import urlencode

register = template.Library()


@register.simple_tag
def list_url(name, list_filter, **params):
    """The list `name` narrowed to the scope's `list_filter` and `params`: the list
    behind a figure."""
    query = {**(list_filter or {}), **params}
    return f"{reverse(name)}?{urlencode(query)}" if query else reverse(name)


@register.filter
def percent(value):
    return "—" if value is None else f"{number_format(Decimal(value), 1)} %"


@register.filter
def signed_percent(value):
    if value is None:
        return ""
    sign = "+" if value > 0 else ""
    return f"{sign}{number_format(Decimal(value), 1)} %"


@register.filter
def share_of(part, whole):
    if not whole:
        return "—"
    return f"{number_format(Decimal(part) / Decimal(whole) * 100, 1)} %"


@register.inclusion_tag("insights/_customer_risk.html")
def customer_risk(customer, today=None):
    """`{% customer_risk customer %}`: the risk header, computing the summary itself."""
    from relance.insights.behaviour import summary_for

    return {"risk_summary": summary_for(customer, today or timezone.localdate())}
