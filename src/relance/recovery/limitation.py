"""The limitation of the open invoices of a customer's file, read from the ledger; the
rule itself (five years, interruptions, month ends) is `relance.legal.limitation`.

A partial payment interrupts it, and so does an acknowledgement of the debt by the
debtor (Code civil 2240): a promise to pay recorded for the invoice (unless cancelled:
it was recorded in error) and a payment plan the debtor accepted (active, completed or
broken since) count as acknowledgements on the day they were recorded. Credit notes
are the creditor's doing and do not interrupt.

`approaching` and `of_invoice` read the ledger: the open invoices whose limitation
date falls within some days of a date, or has passed.
"""
import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Q
from django.utils import timezone

from relance.ledger.models import Invoice, InvoiceKind, InvoiceStatus
from relance.legal.limitation import YEARS, last_interruption, limitation_date, years_after

WITHIN_DAYS = 180


@dataclass(frozen=True)
class Limitation:
    invoice: object
    last_interruption: object     # the later of the two below, or None
    date: object                  # the limitation date
    last_payment: object = None
    last_acknowledgment: object = None

    def days_left(self, today):
        return (self.date - today).days

    def passed(self, today):
        return self.date < today


def approaching(company, today, within=WITHIN_DAYS):
    """The company's open invoices whose limitation date is at most `within` days after
    `today` (passed ones included), soonest first.

    An interruption only moves the date later, so invoices due after the window's end
    minus five years are not read at all.
    """
    horizon = years_after(today + dt.timedelta(days=within), -YEARS)
    invoices = (Invoice.objects.filter(company=company, status=InvoiceStatus.OPEN,
                                       kind=InvoiceKind.INVOICE, due_date__lte=horizon)
                .select_related("customer")
                .annotate(last_paid=_LAST_PAYMENT, promised=_LAST_PROMISE,
                          planned=_LAST_PLAN))
    found = [_limitation(i, i.last_paid, i.promised, i.planned) for i in invoices]
    window_end = today + dt.timedelta(days=within)
    return sorted((f for f in found if f.date <= window_end),
                  key=lambda f: (f.date, f.invoice.number))


def of_invoice(invoice):
    """The Limitation of one invoice (its last payment and acknowledgement read from
    the ledger)."""
    found = Invoice.objects.filter(pk=invoice.pk).aggregate(
        last_paid=_LAST_PAYMENT, promised=_LAST_PROMISE, planned=_LAST_PLAN)
    return _limitation(invoice, found["last_paid"], found["promised"], found["planned"])


def _limitation(invoice, last_paid, promised, planned):
    acknowledged = last_interruption(*(timezone.localdate(at) if timezone.is_aware(at)
                                       else at.date() for at in (promised, planned) if at))
    last = last_interruption(last_paid, acknowledged)
    return Limitation(invoice, last, limitation_date(invoice.due_date, last),
                      last_paid, acknowledged)


# Payments interrupt; credit notes are the creditor's doing and do not.
_LAST_PAYMENT = Max("allocations__date", filter=Q(allocations__payment__isnull=False))
# Acknowledgements: promises not cancelled, payment plans the debtor accepted.
_LAST_PROMISE = Max("promises__created_at", filter=~Q(promises__status="cancelled"))
_LAST_PLAN = Max("payment_plans__created_at",
                 filter=Q(payment_plans__status__in=("active", "completed", "broken")))
