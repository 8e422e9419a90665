"""Invoice pages: the searchable list over the whole ledger and one invoice's file."""
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from relance.cases.models import Dispute
from relance.dunning import actions as dunning_actions
from relance.ledger import aging
from relance.ledger.models import Customer, Invoice, InvoiceKind, InvoiceStatus
from relance.web.forms import InvoiceFilterForm
from relance.web.keyset import keyset_page
from relance.web.views.common import mark_invoices

PAGE_SIZE = 50
# A customer search matching more customers than this is too vague to be useful.
MAX_MATCHED_CUSTOMERS = 1000


def invoice_list(request):
    today = timezone.localdate()
    form = InvoiceFilterForm(request.GET)
    invoices = _filtered_invoices(form.filters(), today).select_related("customer")
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
    if filters.get("amount_min") is not None:
        invoices = invoices.filter(amount_total__gte=filters["amount_min"])
    if filters.get("amount_max") is not None:
        invoices = invoices.filter(amount_total__lte=filters["amount_max"])
    if q := filters.get("q", "").strip():
        invoices = invoices.filter(Q(number=q) | Q(customer_id__in=_matching_customers(q)))
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


def _matching_customers(q):
    # Resolve the customers first so the invoice scan can use the customer index.
    matches = Customer.objects.filter(Q(reference__iexact=q) | Q(name__icontains=q))
    return list(matches.values_list("pk", flat=True)[:MAX_MATCHED_CUSTOMERS])


def invoice_detail(request, pk):
    today = timezone.localdate()
    invoice = get_object_or_404(Invoice.objects.select_related("customer", "company"), pk=pk)
    mark_invoices([invoice], today)
    context = {
        "section": "invoices",
        "invoice": invoice, "today": today,
        "allocations": invoice.allocations.select_related("payment", "credit_note")
        .order_by("date", "id"),
        "applied_to": invoice.credit_allocations.select_related("invoice")
        .order_by("date", "id"),
        "disputes": Dispute.objects.filter(invoice=invoice).select_related("owner")
        .order_by("-opened_on", "-id"),
        "events": dunning_actions.invoice_timeline(invoice),
        "actions": dunning_actions.for_invoice(invoice),
    }
    return render(request, "web/invoice.html", context)
