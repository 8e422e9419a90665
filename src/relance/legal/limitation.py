"""Limitation of a commercial claim (Code de commerce L110-4): five years from the due
date. A partial payment (or an acknowledgement of the debt) interrupts it: a new five
years runs from that day (Code civil 2240, 2231).

A period in years ends on the same date of the last year, or the last day of the month
when that date does not exist (29 February -> 28 February; Code de procédure civile
641). The claim can still be brought on the limitation date, not after it.

`limitation_date` is pure; `approaching` reads the ledger: the open invoices whose
limitation date falls within some days of a date, or has passed. Only payments are
recorded as interruptions: the ledger holds no acknowledgements of debt.
"""
import calendar
import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Q

from relance.ledger.models import Invoice, InvoiceKind, InvoiceStatus

YEARS = 5
WITHIN_DAYS = 180


def limitation_date(due_date, last_interruption=None):
    """The last day on which the claim of an invoice due on `due_date` can be brought,
    five years after the due date or after the last interruption when later."""
    start = max(due_date, last_interruption) if last_interruption else due_date
    return years_after(start, YEARS)


def years_after(day, years):
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


@dataclass(frozen=True)
class Limitation:
    invoice: object
    last_interruption: object     # date of the last payment, or None
    date: object                  # the limitation date

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
                .select_related("customer").annotate(last_paid=_LAST_PAYMENT))
    found = [Limitation(i, i.last_paid, limitation_date(i.due_date, i.last_paid))
             for i in invoices]
    window_end = today + dt.timedelta(days=within)
    return sorted((f for f in found if f.date <= window_end),
                  key=lambda f: (f.date, f.invoice.number))


def of_invoice(invoice):
    """The Limitation of one invoice (its last payment read from the ledger)."""
    last = invoice.allocations.filter(payment__isnull=False).aggregate(
        last=Max("date"))["last"]
    return Limitation(invoice, last, limitation_date(invoice.due_date, last))


# Payments interrupt; credit notes are the creditor's doing and do not.
_LAST_PAYMENT = Max("allocations__date", filter=Q(allocations__payment__isnull=False))
