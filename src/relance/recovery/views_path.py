"""The legal path of a customer, its dossier, and the hand-over to a collection agency.

Who may do what (`legal_customer_for`, `managed_customer_for`): administrators and
credit managers see and act on every customer; the collector who owns the customer
may see the legal path and download the dossier, not hand over; another collector
gets a 404 (the customer's existence does not leak), a sales rep a 403.
"""
import tempfile

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from relance.cases import handovers
from relance.cases.models import Handover
from relance.cases.services import CaseRefused
from relance.ledger.models import Customer
from relance.legal.statement import restricted
from relance.recovery.claim_file import legal_path
from relance.recovery.dossier import dossier_filename, write_dossier
from relance.recovery.forms import DossierForm, EndHandoverForm, HandoverForm, ReportForm
from relance.recovery.views_handover import handover_context, may_view_legal
from relance.team.models import Role


def legal_customer_for(user, pk):
    customer = get_object_or_404(Customer.objects.select_related("company", "owner"), pk=pk)
    if may_view_legal(user, customer):
        return customer
    if user.role == Role.SALES:
        raise PermissionDenied
    raise Http404


def managed_customer_for(user, pk):
    customer = legal_customer_for(user, pk)
    if not user.is_manager:
        raise PermissionDenied
    return customer


@require_GET
def path_page(request, pk):
    customer = legal_customer_for(request.user, pk)
    return render_path(request, customer)


def render_path(request, customer, **submitted):
    """The legal path page; `submitted` holds a posted form with errors, shown in
    place of its empty one."""
    today = timezone.localdate()
    form = DossierForm(request.GET, today=today)
    context = {"section": "customers", "customer": customer, "form": form, "today": today,
               **handover_context(request.user, customer, today, submitted)}
    if not form.is_valid():
        return render(request, "legal/path.html", context, status=400)
    found = legal_path(customer, form.cleaned_data["as_of"])
    claim = restricted(found.statement, found.recommendation.claimed_numbers)
    context.update(recommendation=found.recommendation, totals=list(claim.totals.values()),
                   as_of=found.as_of.isoformat())
    return render(request, "legal/path.html", context)


@require_GET
def dossier_zip(request, pk):
    """The dossier as a ZIP, written to a temporary file and streamed from it."""
    customer = legal_customer_for(request.user, pk)
    form = DossierForm(request.GET, today=timezone.localdate())
    if not form.is_valid():
        return render_path(request, customer)
    as_of, purpose = form.cleaned_data["as_of"], form.cleaned_data["purpose"]
    handle = tempfile.TemporaryFile()
    write_dossier(customer, as_of, handle, purpose=purpose, language=get_language() or "fr")
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, content_type="application/zip",
                        filename=dossier_filename(customer, as_of, purpose))


def _back(customer):
    return reverse("web:customer", args=[customer.pk]) + "?tab=legal#tabs"


def _submit(request, customer, form, act, done, form_name, handover=None):
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except CaseRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, done)
            return redirect(_back(customer))
    return render_path(request, customer, **{form_name: form,
                                             "failed_handover": handover and handover.pk})


@require_POST
def hand_over(request, pk):
    customer = managed_customer_for(request.user, pk)
    today = timezone.localdate()
    form = HandoverForm(customer, request.POST, today=today)
    return _submit(request, customer, form, lambda data: handovers.hand_over(
        customer, data["invoices"], data["agency_name"], data["handed_on"], today,
        agency_reference=data["agency_reference"], note=data["note"], user=request.user),
        _("The invoices were handed over to the agency: reminders on them stop."),
        "handover_form")


def _handover(customer, handover_pk):
    return get_object_or_404(Handover.objects.select_related("customer__company"),
                             pk=handover_pk, customer=customer)


@require_POST
def record_report(request, pk, handover_pk):
    customer = managed_customer_for(request.user, pk)
    handover = _handover(customer, handover_pk)
    today = timezone.localdate()
    form = ReportForm(request.POST, today=today, prefix=f"r{handover.pk}")
    return _submit(request, customer, form, lambda data: handovers.record_report(
        handover, data["reported_on"], data["kind"], today, amount=data["amount"],
        note=data["note"], user=request.user),
        _("The agency's report was recorded."), "report_form", handover)


@require_POST
def end_handover(request, pk, handover_pk):
    customer = managed_customer_for(request.user, pk)
    handover = _handover(customer, handover_pk)
    today = timezone.localdate()
    form = EndHandoverForm(request.POST, today=today, prefix=f"e{handover.pk}")
    return _submit(request, customer, form, lambda data: handovers.end_handover(
        handover, data["status"], data["ended_on"], today, note=data["note"],
        user=request.user), _("The hand-over was ended."), "end_form", handover)
