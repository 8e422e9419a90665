"""What the debtor sees: the customer's open invoices, open credit notes, recent
payments and the total due per currency, read from the ledger as it stands; and, once
a formal notice went out, what it claims as of today (`claimed`), computed as the
notice, the statement of claim and the court's data compute it."""
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from relance.cases.models import (
    DeclarationStatus, Dispute, DisputeStatus, PaymentDeclaration, Promise, PromiseStatus,
)
from relance.compose.context import claim_totals, message_claim
from relance.ledger.models import Invoice, InvoiceKind, InvoiceStatus, Payment
from relance.recovery.claim_file import is_formal_notice, sent_messages

RECENT_PAYMENTS = 20


@dataclass
class Statement:
    invoices: list
    credit_notes: list
    payments: list
    totals: dict = field(default_factory=dict)   # currency -> amount due
    answered: dict = field(default_factory=dict)  # invoice id -> what the debtor said
    claimed: object = None                        # Claimed, after a formal notice

    @property
    def currencies(self):
        return list(self.totals)


def open_invoice_rows(customer):
    """The customer's open invoices: the only ones a portal form may name."""
    return Invoice.objects.filter(customer=customer, kind=InvoiceKind.INVOICE,
                                  status=InvoiceStatus.OPEN, open_amount__gt=0)


def open_invoices(customer):
    return list(open_invoice_rows(customer).order_by("due_date", "number"))


def open_credit_notes(customer):
    return list(Invoice.objects.filter(customer=customer, kind=InvoiceKind.CREDIT_NOTE,
                                       open_amount__gt=0)
                .exclude(status=InvoiceStatus.CANCELLED).order_by("issue_date"))


def available_credit(customer):
    """Credit notes not used yet, per currency."""
    credit = defaultdict(lambda: Decimal("0.00"))
    for note in open_credit_notes(customer):
        credit[note.currency] += note.open_amount
    return dict(credit)


@dataclass(frozen=True)
class Claimed:
    """What the last formal notice claims on `as_of`: its invoices still open, with
    their penalties and indemnities to date, one {currency, principal, payments, open,
    penalties, indemnities, total} per currency."""
    notice_sent_on: object
    as_of: object
    totals: list


def statement_of(customer, today):
    invoices = open_invoices(customer)
    credit_notes = open_credit_notes(customer)
    payments = list(Payment.objects.filter(customer=customer)
                    .order_by("-date", "-pk")[:RECENT_PAYMENTS])
    return Statement(invoices, credit_notes, payments, due_totals(invoices, credit_notes),
                     answered(invoices), claimed(customer, today))


def claimed(customer, today):
    """What the customer's last formal notice (a letter or email in a formal tone,
    sent) claims on `today`, or None when none went out or all it named is settled:
    the notice's invoices through `compose.context.message_claim`, the one claim."""
    notices = [m for m in sent_messages(customer, today) if is_formal_notice(m)]
    if not notices:
        return None
    last = notices[-1]
    numbers = Invoice.objects.filter(customer=customer, pk__in=last.invoices
                                     ).values_list("number", flat=True)
    found = message_claim(customer, list(numbers), today)
    if not found.lines:
        return None
    return Claimed(timezone.localdate(last.sent_at), today,
                   claim_totals(found, next(iter(found.totals))))


def answered(invoices):
    """Per open invoice, the cases already open on it: {"disputed": True,
    "promised_for": date, "declared": True}, so the debtor sees its answers taken."""
    ids = [i.pk for i in invoices]
    found = {pk: {} for pk in ids}
    for pk in Dispute.objects.filter(invoice_id__in=ids, status=DisputeStatus.OPEN
                                     ).values_list("invoice_id", flat=True):
        found[pk]["disputed"] = True
    for pk, day in Promise.invoices.through.objects.filter(
            invoice_id__in=ids, promise__status=PromiseStatus.OPEN
            ).values_list("invoice_id", "promise__promised_for"):
        found[pk]["promised_for"] = max(day, found[pk].get("promised_for", day))
    for pk in PaymentDeclaration.invoices.through.objects.filter(
            invoice_id__in=ids, paymentdeclaration__status=DeclarationStatus.PENDING
            ).values_list("invoice_id", flat=True):
        found[pk]["declared"] = True
    return found


def due_totals(invoices, credit_notes):
    """Open invoices less open credit notes, per currency, euros first."""
    totals = defaultdict(lambda: Decimal("0.00"))
    for invoice in invoices:
        totals[invoice.currency] += invoice.open_amount
    for note in credit_notes:
        totals[note.currency] -= note.open_amount
    return dict(sorted(totals.items(), key=lambda item: (item[0] != "EUR", item[0])))

