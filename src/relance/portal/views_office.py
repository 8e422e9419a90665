"""The portal seen from the back office, on the customer's page: the link (regenerate,
revoke), the payment plans the debtor asked for (accept, refuse), the files it sent.

Managers and the customer's collector act; a sales rep sees the files of its customers
but may not act; anyone else gets a 404 (`delivery.evidence.customer_for`).
"""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from relance.cases.models import PaymentPlan
from relance.cases.services import CaseRefused
from relance.delivery.evidence import customer_for
from relance.portal import answers, links, uploads
from relance.portal.models import PortalUpload


def may_manage_portal(user, customer):
    """Managers, and the collector who owns the customer."""
    return user.is_manager or customer.owner_id == user.pk


def _managed(request, pk):
    customer = customer_for(request.user, pk)
    if not may_manage_portal(request.user, customer):
        raise PermissionDenied
    return customer


def _back(customer):
    return redirect(reverse("web:customer", args=[customer.pk]) + "?tab=portal#tabs")


@require_POST
def regenerate(request, pk):
    customer = _managed(request, pk)
    _link, token = links.regenerate(customer, timezone.now(), request.user)
    messages.success(request, _("New portal link (the previous ones no longer work): "
                                "%(url)s") % {"url": links.url(token)})
    return _back(customer)


@require_POST
def revoke(request, pk):
    customer = _managed(request, pk)
    count = links.revoke_all(customer, timezone.now(), request.user)
    messages.success(request, _("Portal links revoked: %(count)s.") % {"count": count})
    return _back(customer)


@require_POST
def decide_plan(request, pk, decision):
    if decision not in ("accept", "refuse"):
        raise Http404
    plan = get_object_or_404(PaymentPlan, pk=pk)
    customer = _managed(request, plan.customer_id)
    try:
        answers.decide_plan(plan, decision == "accept", request.user)
    except CaseRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Payment plan accepted.") if decision == "accept"
                         else _("Payment plan refused."))
    return _back(customer)


@require_GET
def upload(request, pk):
    found = get_object_or_404(PortalUpload, pk=pk)
    customer_for(request.user, found.customer_id)      # 404 out of the user's scope
    try:
        path = uploads.path_of(found)
        handle = open(path, "rb")
    except OSError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=found.original_name,
                        content_type=found.content_type)
