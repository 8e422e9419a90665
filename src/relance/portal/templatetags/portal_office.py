"""The portal panel of the customer's page, drawn from the customer alone so that the
page's view does not change: `{% customer_portal customer %}`."""
from django import template
from django.utils import timezone

from relance.cases.models import PaymentPlan, PlanStatus
from relance.portal import links
from relance.portal.models import PortalUpload
from relance.portal.views_office import may_manage_portal

register = template.Library()


@register.inclusion_tag("portal/_customer_portal_panel.html", takes_context=True)
def customer_portal(context, customer):
    user = context["request"].user
    now = timezone.now()
    return {
        "customer": customer, "csrf_token": context.get("csrf_token"),
        "may_manage": may_manage_portal(user, customer),
        "links": list(links.active(customer, now)[:5]),
        "proposed_plans": list(PaymentPlan.objects.filter(
            customer=customer, status=PlanStatus.PROPOSED).prefetch_related("invoices")),
        "uploads": list(PortalUpload.objects.filter(customer=customer)
                        .order_by("-created_at")[:20]),
    }
