"""`{% customer_legal %}`: the customer page's "Legal" section, which reads its own
data so that the customer page only includes it (legal/_customer_legal.html)."""
from django import template
from django.utils import timezone

from relance.recovery.views_handover import handover_context

register = template.Library()


@register.inclusion_tag("legal/_handover_section.html", takes_context=True)
def customer_legal(context):
    customer, user = context["customer"], context["user"]
    today = timezone.localdate()
    return {"customer": customer, "user": user, "today": today, "on_customer_page": True,
            "csrf_token": context.get("csrf_token"), "request": context.get("request"),
            **handover_context(user, customer, today)}
