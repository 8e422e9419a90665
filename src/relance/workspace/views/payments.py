"""The payment list: the money received, newest first, with what each payment settled.

It is the list behind the dashboard's cash collected. At 760,000 payments it stays on
indexes: the company and the dates go through the (company, date, amount, currency,
unapplied amount) covering index (insights migrations 0003 and 0006), a search through the customers it finds and (customer, date); the page is cut in SQL, its
allocations come in one query, and the totals are one grouped SUM per currency.
"""
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, Sum
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from relance.ledger.models import Allocation, Company, Customer, Payment
from relance.ledger import companies
from relance.team import access
from relance.web import exports
from relance.workspace.forms_payments import PaymentFilterForm
from relance.workspace.views.invoices import matching_customers

PAGE_SIZE = 50
# Sort keys of the form -> ORDER BY; the id breaks ties so pages never overlap.
ORDERINGS = {
    "date": ("date", "id"), "-date": ("-date", "-id"),
    "amount": ("amount", "id"), "-amount": ("-amount", "-id"),
}
# The methods the imports, the demo and the portal write; any other is shown as is.
METHODS = {"transfer": _("Transfer"), "direct_debit": _("Direct debit"),
           "cheque": _("Cheque"), "card": _("Card")}


def method_label(payment):
    return METHODS.get(payment.method, payment.method)


def allocated(payment):
    """What the allocations took; the ledger keeps the unapplied rest on the payment."""
    return payment.amount - payment.unapplied_amount


def invoice_numbers(payment):
    return ", ".join(a.invoice.number for a in payment.allocations.all())


PAYMENT_COLUMNS = [
    exports.Column(_("Date"), "date", exports.DATE),
    exports.Column(_("Customer reference"), lambda p: p.customer.reference),
    exports.Column(_("Customer"), lambda p: p.customer.name),
    exports.Column(_("Reference"), "reference"),
    exports.Column(_("Method"), method_label),
    exports.Column(_("Amount"), "amount", exports.NUMBER),
    exports.Column(_("Currency"), "currency"),
    exports.Column(_("Allocated"), allocated, exports.NUMBER),
    exports.Column(_("Unapplied"), "unapplied_amount", exports.NUMBER),
    exports.Column(_("Invoices"), invoice_numbers),
]


def payment_list(request):
    form = PaymentFilterForm(request.GET)
    filters = form.filters()
    sort = filters.get("sort") or "-date"
    payments = access.scoped(filtered_payments(filters), request.user)
    if exports.wanted(request):
        return exports.response(request, _rows(payments, sort), PAYMENT_COLUMNS, "payments")
    totals = totals_by_currency(payments)
    paginator = Paginator(_rows(payments, sort), PAGE_SIZE)
    # The totals' query counted the rows already: no second COUNT(*).
    paginator.count = sum(row["count"] for row in totals)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for payment in page.object_list:
        payment.method_label, payment.allocated = method_label(payment), allocated(payment)
    context = {"section": "payments", "form": form, "page": page, "sort": sort,
               "totals": totals, "several_companies": companies.several()}
    return render(request, "web/payments.html", context)


def filtered_payments(filters):
    company = filters.get("company")
    company_ids = ([company.pk] if company
                   else list(Company.objects.values_list("pk", flat=True)))
    if q := filters.get("q", "").strip():
        payments = _searched(q, company_ids)
    else:
        # On the company, so the (company, date) index orders and bounds the rows;
        # with a single company the IN list is a plain equality.
        payments = Payment.objects.filter(company_id__in=company_ids)
    if filters.get("date_from"):
        payments = payments.filter(date__gte=filters["date_from"])
    if filters.get("date_to"):
        payments = payments.filter(date__lte=filters["date_to"])
    if filters.get("currency"):
        payments = payments.filter(currency=filters["currency"])
    if filters.get("unapplied"):
        payments = payments.filter(unapplied_amount__gt=0)
    if filters.get("owner"):
        payments = payments.filter(customer__owner=filters["owner"])
    return payments


def _searched(q, company_ids):
    """The payment with that reference, and the payments of the customers the search
    finds, read by id and through the (customer, date) index. The companies are
    checked on those few ids first: a company condition on the payments would make
    SQLite walk the company's whole (company, date) index for a few customers' rows."""
    by_reference = Payment.objects.filter(company_id__in=company_ids, reference=q)
    customers = Customer.objects.filter(pk__in=matching_customers(q),
                                        company_id__in=company_ids)
    return Payment.objects.filter(
        Q(pk__in=list(by_reference.values_list("pk", flat=True)))
        | Q(customer_id__in=list(customers.values_list("pk", flat=True))))


def _rows(payments, sort):
    """The rows as shown: their customer joined, and the invoices they settled fetched
    in one query per page (or export chunk)."""
    allocations = Allocation.objects.select_related("invoice").only(
        "payment", "invoice", "invoice__number").order_by("id")
    return (payments.select_related("customer")
            .prefetch_related(Prefetch("allocations", queryset=allocations))
            .order_by(*ORDERINGS[sort]))


def totals_by_currency(payments):
    """[{currency, count, amount, unapplied}] of the filtered rows, summed in SQL: amounts
    in different currencies are never added together."""
    return list(payments.order_by().values("currency")
                .annotate(count=Count("id"), amount=Sum("amount"),
                          unapplied=Sum("unapplied_amount"))
                .order_by("currency"))
