"""Invoice pages: the searchable list over the whole ledger and one invoice's file."""
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relance.cases.models import Dispute, DisputeStatus
from relance.dunning import actions as dunning_actions
from relance.dunning import loading, stops
from relance.ledger import aging
from relance.ledger.models import Customer, Invoice, InvoiceKind, InvoiceStatus
from relance.legal.checks import invoice_term_problem
from relance.recovery import limitation
from relance.team import access
from relance.web import exports
from relance.web.keyset import keyset_page
from relance.workspace.forms import InvoiceFilterForm
from relance.workspace.forms_cases import DisputeForm, HoldForm, ResolveDisputeForm
from relance.workspace.views.common import mark_invoices
from relance.workspace.views.customers import with_detail_links

PAGE_SIZE = 50
INVOICE_COLUMNS = [
    exports.Column(_("Number"), "number"),
    exports.Column(_("Customer reference"), lambda i: i.customer.reference),
    exports.Column(_("Customer"), lambda i: i.customer.name),
    exports.Column(_("Kind"), lambda i: i.get_kind_display()),
    exports.Column(_("Issue date"), "issue_date", exports.DATE),
    exports.Column(_("Due date"), "due_date", exports.DATE),
    exports.Column(_("Amount"), "amount_total", exports.NUMBER),
    exports.Column(_("Open amount"), "open_amount", exports.NUMBER),
    exports.Column(_("Currency"), "currency"),
    exports.Column(_("Status"), lambda i: i.get_status_display()),
]
# A customer search matching more customers than this is too vague to be useful.
MAX_MATCHED_CUSTOMERS = 1000


def invoice_list(request):
    today = timezone.localdate()
    form = InvoiceFilterForm(request.GET)
    invoices = access.scoped(_filtered_invoices(form.filters(), today), request.user)
    invoices = invoices.select_related("customer")
    if exports.wanted(request):
        return exports.response(request, invoices.order_by("-pk"),
                                INVOICE_COLUMNS, "invoices")
    page = keyset_page(invoices, request.GET, PAGE_SIZE)
    mark_invoices(page.rows, today)
    return render(request, "web/invoices.html",
                  {"section": "invoices", "form": form, "page": page, "today": today})


def _filtered_invoices(filters, today):
    invoices = Invoice.objects.all()
    if filters.get("status"):
        invoices = invoices.filter(status=filters["status"])
    if filters.get("overdue"):
        invoices = invoices.filter(status=InvoiceStatus.OPEN, kind=InvoiceKind.INVOICE,
                                   due_date__lt=today)
    if filters.get("bucket"):
        invoices = _in_bucket(invoices, filters["bucket"], today)
    if filters.get("disputed"):
        invoices = invoices.filter(disputes__status=DisputeStatus.OPEN)
    if filters.get("owner"):
        invoices = invoices.filter(customer__owner=filters["owner"])
    if filters.get("amount_min") is not None:
        invoices = invoices.filter(amount_total__gte=filters["amount_min"])
    if filters.get("amount_max") is not None:
        invoices = invoices.filter(amount_total__lte=filters["amount_max"])
    if q := filters.get("q", "").strip():
        invoices = invoices.filter(Q(number=q) | Q(customer_id__in=matching_customers(q)))
    return invoices


def _in_bucket(invoices, bucket, today):
    """Aging applies to what is still open on invoices; filter on the indexed due date."""
    earliest, latest = aging.due_date_range(bucket, today)
    invoices = invoices.filter(status=InvoiceStatus.OPEN, kind=InvoiceKind.INVOICE)
    if earliest is not None:
        invoices = invoices.filter(due_date__gte=earliest)
    if latest is not None:
        invoices = invoices.filter(due_date__lte=latest)
    return invoices


def matching_customers(q):
    """Ids of the customers a list's search `q` names (reference or part of the name),
    resolved first so that the list's scan can use its customer index."""
    matches = Customer.objects.filter(Q(reference__iexact=q) | Q(name__icontains=q))
    return list(matches.values_list("pk", flat=True)[:MAX_MATCHED_CUSTOMERS])


def invoice_detail(request, pk):
    invoice = get_object_or_404(access.scoped(
        Invoice.objects.select_related("customer", "company"), request.user), pk=pk)
    return render_invoice(request, invoice)


def render_invoice(request, invoice, **submitted):
    """The invoice's file; `submitted` holds a posted form that has errors."""
    today = timezone.localdate()
    mark_invoices([invoice], today)
    disputes = list(Dispute.objects.filter(invoice=invoice).select_related("owner")
                    .order_by("-opened_on", "-id"))
    context = {
        "section": "invoices",
        "invoice": invoice, "today": today,
        "allocations": invoice.allocations.select_related("payment", "credit_note")
        .order_by("date", "id"),
        "applied_to": invoice.credit_allocations.select_related("invoice")
        .order_by("date", "id"),
        "disputes": disputes,
        "open_dispute": next((d for d in disputes if d.status == DisputeStatus.OPEN), None),
        "on_hold": invoice.is_on_hold(today),
        **_reminders(invoice, today),
        "events": dunning_actions.invoice_timeline(invoice),
        "actions": with_detail_links(dunning_actions.for_invoice(invoice)),
        "may_act": access.can_act_on(request.user, invoice.customer),
        "may_dispute": access.can_handle_disputes(request.user, invoice.customer),
        "dispute_form": DisputeForm(), "resolve_form": ResolveDisputeForm(),
        "hold_form": HoldForm(today=today),
        **_legal_warnings(invoice, today),
    }
    context.update(submitted)
    return render(request, "web/invoice.html", context)


def _reminders(invoice, today):
    """Whether reminders go on for an open invoice, and why not, by the rule the run
    and the worker apply (`dunning.stops`): one answer on the page."""
    if invoice.status != InvoiceStatus.OPEN or invoice.is_credit_note:
        return {}
    reason = loading.stop_reasons(invoice.company, invoice.customer_id, [invoice.pk],
                                  today)[invoice.pk]
    return {"reminders_checked": True,
            "reminders_stopped": stops.LABELS[reason] if reason else None}


def _legal_warnings(invoice, today):
    """Terms beyond the legal maximum, and a limitation date near or passed: warnings
    only, the invoice stays what it is."""
    if invoice.is_credit_note:
        return {}
    warnings = {"term_problem": invoice_term_problem(
        invoice.issue_date, invoice.due_date, road_transport=invoice.customer.road_transport)}
    if invoice.status == InvoiceStatus.OPEN:
        found = limitation.of_invoice(invoice)
        if found.days_left(today) <= limitation.WITHIN_DAYS:
            warnings["limitation"] = found
    return warnings
