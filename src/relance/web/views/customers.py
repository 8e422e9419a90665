"""Customer pages: the list of debtors and one debtor's file."""
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from relance.ledger import aging, queries, timeline
from relance.ledger.models import Customer, InvoiceKind
from relance.web.forms import CustomerFilterForm
from relance.web.views.common import mark_invoices

PAGE_SIZE = 50
OPEN_INVOICES_SHOWN = 500
# Sort keys of the form -> ORDER BY; the id breaks ties so pages never overlap.
ORDERINGS = {
    "name": ("name", "id"), "-name": ("-name", "-id"),
    "balance": ("open_balance", "id"), "-balance": ("-open_balance", "id"),
    "overdue": ("overdue_amount", "id"), "-overdue": ("-overdue_amount", "id"),
}


def customer_list(request):
    today = timezone.localdate()
    form = CustomerFilterForm(request.GET)
    filters = form.filters()
    sort = filters.get("sort") or "name"
    customers = _filtered_customers(filters, today)
    if sort.lstrip("-") != "name":
        customers = queries.annotate_open_totals(customers, today)
    page = Paginator(customers.order_by(*ORDERINGS[sort]), PAGE_SIZE).get_page(
        request.GET.get("page"))
    page.object_list = list(page.object_list)
    _attach_totals(page.object_list, today)
    context = {"section": "customers", "form": form, "page": page, "sort": sort}
    return render(request, "web/customers.html", context)


def _filtered_customers(filters, today):
    customers = Customer.objects.select_related("owner")
    if q := filters.get("q", "").strip():
        customers = customers.filter(Q(reference__icontains=q) | Q(name__icontains=q)
                                     | Q(siren__startswith=q.replace(" ", "")))
    if filters.get("segment"):
        customers = customers.filter(segment=filters["segment"])
    if filters.get("owner"):
        customers = customers.filter(owner=filters["owner"])
    if filters.get("overdue"):
        customers = queries.with_overdue_only(customers, today)
    return customers


def _attach_totals(customers, today):
    """Aggregate open invoices for the customers of this page only: one query."""
    totals = queries.open_totals_for([c.pk for c in customers], today)
    for customer in customers:
        row = totals.get(customer.pk, {})
        customer.balance = row.get("balance") or queries.ZERO
        customer.overdue = row.get("overdue") or queries.ZERO
        customer.on_hold = customer.is_on_hold(today)
        oldest = row.get("oldest_due")
        customer.oldest_days_late = aging.days_late(oldest, today) if oldest else None


def customer_detail(request, pk):
    today = timezone.localdate()
    customer = get_object_or_404(Customer.objects.select_related("owner", "sales_rep"),
                                 pk=pk)
    open_docs = list(queries.open_invoices().filter(customer=customer)
                     .order_by("due_date", "id")[:OPEN_INVOICES_SHOWN])
    mark_invoices(open_docs, today)
    context = {
        "section": "customers",
        "customer": customer, "today": today, "open_invoices": open_docs,
        "open_invoices_capped": len(open_docs) == OPEN_INVOICES_SHOWN,
        "totals": queries.open_totals_for([customer.pk], today).get(customer.pk, {}),
        "aging_rows": _aging_rows(customer, today),
        "on_hold": customer.is_on_hold(today),
        "contacts": customer.contacts.order_by("-preferred", "name"),
        "payments": customer.payments.order_by("-date", "-id")[:20],
        "events": timeline.for_customer(customer, limit=100),
    }
    return render(request, "web/customer.html", context)


def _aging_rows(customer, today):
    """(label, amount) per bucket over every open invoice, not only the ones shown."""
    pairs = (queries.open_invoices().filter(customer=customer, kind=InvoiceKind.INVOICE)
             .values_list("due_date", "open_amount"))
    totals = aging.age(pairs.iterator(), today)
    return [(aging.LABELS[key], key, amount) for key, amount in totals.items()]

