"""Small builders the web test modules use to tell their stories. Dates are relative
to today because the pages age invoices on timezone.localdate()."""
from datetime import timedelta
from decimal import Decimal
from itertools import count

from django.utils import timezone

from relance.cases.models import Dispute
from relance.ledger.models import Allocation, Invoice, InvoiceStatus, Payment

_numbers = count(1)


def days_ago(days):
    return timezone.localdate() - timedelta(days=days)


def invoice(customer, amount, *, due_days_ago, number=None, **fields):
    """An open invoice issued 30 days before its due date."""
    total = Decimal(amount)
    fields.setdefault("open_amount", total)
    return Invoice.objects.create(
        company=customer.company, customer=customer,
        number=number or f"F-{next(_numbers):06d}",
        issue_date=days_ago(due_days_ago + 30), due_date=days_ago(due_days_ago),
        amount_excl_tax=(total / Decimal("1.2")).quantize(Decimal("0.01")),
        vat=total - (total / Decimal("1.2")).quantize(Decimal("0.01")),
        amount_total=total, **fields)


def paid_invoice(customer, amount, *, due_days_ago, reference, number=None):
    """An invoice settled in full by a transfer received on its due date."""
    settled = invoice(customer, amount, due_days_ago=due_days_ago, number=number,
                      open_amount=Decimal(0),
                      status=InvoiceStatus.PAID, paid_on=days_ago(due_days_ago))
    payment = Payment.objects.create(company=customer.company, customer=customer,
                                     reference=reference, date=days_ago(due_days_ago),
                                     amount=Decimal(amount), method="transfer")
    Allocation.objects.create(invoice=settled, payment=payment, amount=Decimal(amount),
                              date=payment.date)
    return settled


def dispute(disputed_invoice, reason="price", comment=""):
    return Dispute.objects.create(invoice=disputed_invoice, reason=reason, comment=comment,
                                  opened_on=days_ago(2))
