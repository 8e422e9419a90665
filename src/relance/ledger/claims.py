"""The statement of claim of a customer, read from the ledger: the service behind the
statement page, its PDF and CSV (`statement.statement` does the arithmetic)."""
from django.db.models import Q

from relance.ledger.models import Allocation, Invoice, InvoiceKind, InvoiceStatus
from relance.legal import rates as rate_tables
from relance.legal.companies import policy_of
from relance.legal.statement import Billed, Received, statement


def customer_statement(customer, as_of, *, include_paid_late=False, rates=None):
    """The customer's statement of claim on `as_of`.

    1. Read the invoices that may be open on `as_of`: open now, or paid after it (or,
       with `include_paid_late`, paid at any time); never cancelled ones nor credit
       notes, which count through their allocations.
    2. Read every allocation to them, payments and credit notes alike.
    3. Compute with the company's policy, the customer's flags and the rate tables.
    """
    invoices = _invoices(customer, as_of, include_paid_late)
    return statement(
        [Billed(i.number, i.issue_date, i.due_date, i.amount_total, i.open_amount,
                i.currency) for i in invoices],
        _received([i.pk for i in invoices]), as_of,
        rate_tables.load() if rates is None else rates,
        policy=policy_of(customer.company), consumer=customer.is_consumer,
        insolvent=customer.insolvency_proceedings, include_paid_late=include_paid_late)


def _invoices(customer, as_of, include_paid_late):
    wanted = Q(status=InvoiceStatus.OPEN) | Q(status=InvoiceStatus.PAID, paid_on__gt=as_of)
    if include_paid_late:
        wanted |= Q(status=InvoiceStatus.PAID)
    return list(Invoice.objects.filter(wanted, customer=customer, kind=InvoiceKind.INVOICE,
                                       issue_date__lte=as_of)
                .only("number", "issue_date", "due_date", "amount_total", "open_amount",
                      "currency").order_by("due_date", "number"))


def _received(invoice_ids):
    rows = (Allocation.objects.filter(invoice_id__in=invoice_ids)
            .values_list("invoice__number", "date", "amount", "credit_note_id",
                         "payment__reference", "credit_note__number")
            .order_by("date", "id"))
    return [Received(number, day, amount, credit_note=credit is not None,
                     reference=payment or credit_number or "")
            for number, day, amount, credit, payment, credit_number in rows]
