"""What the debtor sees: the customer's open invoices, open credit notes, recent
payments and the total due per currency, read from the ledger as it stands."""
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from relance.ledger.models import Invoice, InvoiceKind, InvoiceStatus, Payment

RECENT_PAYMENTS = 20


@dataclass
class Statement:
    invoices: list
    credit_notes: list
    payments: list
    totals: dict = field(default_factory=dict)   # currency -> amount due

    @property
    def currencies(self):
        return list(self.totals)


def open_invoice_rows(customer):
    """The customer's open invoices: the only ones a portal form may name."""
    return Invoice.objects.filter(customer=customer, kind=InvoiceKind.INVOICE,
                                  status=InvoiceStatus.OPEN, open_amount__gt=0)


def open_invoices(customer):
    return list(open_invoice_rows(customer).order_by("due_date", "number"))


def statement_of(customer):
    invoices = open_invoices(customer)
    credit_notes = list(Invoice.objects.filter(customer=customer,
                                               kind=InvoiceKind.CREDIT_NOTE,
                                               open_amount__gt=0)
                        .exclude(status=InvoiceStatus.CANCELLED).order_by("issue_date"))
    payments = list(Payment.objects.filter(customer=customer)
                    .order_by("-date", "-pk")[:RECENT_PAYMENTS])
    return Statement(invoices, credit_notes, payments, due_totals(invoices, credit_notes))


def due_totals(invoices, credit_notes):
    """Open invoices less open credit notes, per currency, euros first."""
    totals = defaultdict(lambda: Decimal("0.00"))
    for invoice in invoices:
        totals[invoice.currency] += invoice.open_amount
    for note in credit_notes:
        totals[note.currency] -= note.open_amount
    return dict(sorted(totals.items(), key=lambda item: (item[0] != "EUR", item[0])))

