"""A customer's whole story as one PDF: the evidence file for a dispute or a court.

The file opens with the parties, the contacts, the open balance and the cases
(disputes, promises, payment plans, payments declared), then lists every invoice and
credit note, every payment and allocation, the complete timeline oldest first, and
the messages sent, each in full.

A customer may have thousands of invoices and events, and WeasyPrint holds a whole
document's layout in memory. So rows are read with `.iterator()` and laid out a part
at a time (at most ROW_BUDGET table rows, a message counting for MESSAGE_WEIGHT), each
part a PDF of its own with its page numbers continuing the previous one, and pypdf
joins them. Memory then grows with the PDF written, not with the layout.
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Iterable

from django.conf import settings
from django.db.models import Sum
from django.utils import translation
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter

from relance.cases.models import Dispute, PaymentDeclaration, PaymentPlan
from relance.compose.documents.rendering import Formats, creditor_of, page_label, render_pdf
from relance.ledger.models import (
    Allocation, ContactRole, Event, Invoice, InvoiceKind, InvoiceStatus, Payment,
)
from relance.ledger.timeline import label, who

ROW_BUDGET = 400
MESSAGE_WEIGHT = 20
CHUNK_SIZE = 2000  # rows fetched per database round trip


@dataclass
class Section:
    key: str            # which table of history.html prints it
    title: str
    rows: Iterable
    weight: int = 1     # table rows one item is worth when budgeting a part


def history_pdf(customer, language, today, messages=()) -> bytes:
    """The evidence file of `customer` as it stands on `today`.

    `messages`: plain dicts {sent_at, channel, recipients, subject, text, attachments}
    in the order they were sent (the caller reads them; they are printed as given).

    1. Describe the cover: parties, contacts, balance, cases.
    2. Stream the long sections and group their rows into parts of bounded size.
    3. Lay out each part, its first page numbered after the last part's pages.
    4. Join the parts.
    """
    formats = Formats(language)
    with translation.override(formats.language):
        heading = _heading(customer, formats, today)
        parts = _parts(_sections(customer, formats, messages))
        writer, pages = PdfWriter(), 0
        for part, last in _with_last(parts):
            pdf = render_pdf("delivery/pdf/history.html",
                             {**heading, "fragments": part, "last": last,
                              "first_page": pages + 1,
                              "running_page_label": page_label(total=False)}, language)
            reader = PdfReader(BytesIO(pdf))
            writer.append(reader)
            pages += len(reader.pages)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _heading(customer, formats, today):
    return {
        "company": creditor_of(customer.company),
        "customer": {"name": customer.name, "reference": customer.reference},
        "today": formats.date(today),
        "time_zone": settings.TIME_ZONE,
    }


def _sections(customer, formats, messages):
    yield Section("cover", _("Customer"), [_identity(customer, formats)])
    yield Section("contacts", _("Contacts"), _contacts(customer))
    yield Section("balance", _("Open balance"), _balance(customer, formats))
    yield Section("cases", _("Disputes, promises and payment plans"),
                  _cases(customer, formats))
    yield Section("invoices", _("Invoices and credit notes"), _invoices(customer, formats))
    yield Section("payments", _("Payments"), _payments(customer, formats))
    yield Section("allocations", _("Allocations"), _allocations(customer, formats))
    yield Section("timeline", _("Timeline"), _timeline(customer, formats))
    yield Section("messages", _("Messages sent"), _messages(messages, formats),
                  weight=MESSAGE_WEIGHT)


def _parts(sections):
    """Lists of fragments {section, rows, continued}, each worth at most ROW_BUDGET
    rows; a section cut between two parts goes on, marked continued, in the next."""
    part, used = [], 0
    for section in sections:
        fragment, started = None, False
        for row in section.rows:
            if used + section.weight > ROW_BUDGET and part:
                yield part
                part, used, fragment = [], 0, None
            if fragment is None:
                fragment = {"section": section, "rows": [], "continued": started}
                part.append(fragment)
            fragment["rows"].append(row)
            used += section.weight
            started = True
        if not started:  # an empty section still says so
            part.append({"section": section, "rows": [], "continued": False})
            used += 1
    yield part


def _with_last(items):
    """(item, is_last) pairs, looking one item ahead."""
    iterator = iter(items)
    previous = next(iterator)
    for item in iterator:
        yield previous, False
        previous = item
    yield previous, True


# Rows --------------------------------------------------------------------------------

def _identity(customer, formats):
    owner, sales = customer.owner, customer.sales_rep
    hold = ""
    if customer.hold_reason:
        hold = customer.hold_reason + (f" ({formats.date(customer.hold_until)})"
                                       if customer.hold_until else "")
    return {
        "name": customer.name, "reference": customer.reference,
        "siren": customer.siren, "siret": customer.siret,
        "vat_number": customer.vat_number, "address": customer.address_lines,
        "country": customer.country, "language": customer.get_language_display(),
        "segment": customer.segment,
        "terms": customer.payment_terms_days,
        "owner": (owner.get_full_name() or owner.email) if owner else "",
        "sales_rep": (sales.get_full_name() or sales.email) if sales else "",
        "hold": hold,
        "created": formats.date(customer.created_at.date()),
    }


def _contacts(customer):
    roles = dict(ContactRole.choices)
    for contact in customer.contacts.order_by("name").iterator(chunk_size=CHUNK_SIZE):
        yield {"name": contact.name, "role": roles.get(contact.role, contact.role),
               "email": contact.email, "phone": contact.phone,
               "preferred": contact.preferred, "bounced": contact.email_bounced}


def _balance(customer, formats):
    """Open invoices less unused credit notes, per currency."""
    amounts = defaultdict(int)
    rows = (Invoice.objects.filter(customer=customer, status=InvoiceStatus.OPEN)
            .values("currency", "kind").annotate(open=Sum("open_amount")))
    for row in rows:
        sign = -1 if row["kind"] == InvoiceKind.CREDIT_NOTE else 1
        amounts[row["currency"]] += sign * row["open"]
    for currency in sorted(amounts):
        yield {"amount": formats.money(amounts[currency], currency)}


def _cases(customer, formats):
    """Disputes, promises, payment plans and payments declared, by the date they began.
    A customer has few of them: they are read whole and sorted together."""
    cases = []
    for dispute in (Dispute.objects.filter(invoice__customer=customer)
                    .select_related("invoice")):
        detail = " – ".join(p for p in (dispute.comment, dispute.resolution) if p)
        cases.append((dispute.opened_on, {
            "kind": _("Dispute"), "invoices": dispute.invoice.number,
            "amount": "", "until": formats.short_date(dispute.resolved_on),
            "status": dispute.get_status_display(),
            "detail": f"{dispute.get_reason_display()}. {detail}".strip()}))
    for promise in customer.promises.prefetch_related("invoices"):
        cases.append((promise.created_at.date(), {
            "kind": _("Promise to pay"), "invoices": _numbers(promise),
            "amount": formats.money(promise.amount, promise.currency),
            "until": formats.short_date(promise.promised_for),
            "status": promise.get_status_display(), "detail": promise.note}))
    for plan in PaymentPlan.objects.filter(customer=customer).prefetch_related("invoices"):
        cases.append((plan.created_at.date(), {
            "kind": _("Payment plan"), "invoices": _numbers(plan),
            "amount": _("%(count)s instalments") % {"count": plan.instalments},
            "until": formats.short_date(plan.starts_on),
            "status": plan.get_status_display(), "detail": plan.note}))
    for declared in (PaymentDeclaration.objects.filter(customer=customer)
                     .prefetch_related("invoices")):
        cases.append((declared.declared_on, {
            "kind": _("Payment declared"), "invoices": _numbers(declared),
            "amount": formats.number(declared.amount),
            "until": formats.short_date(declared.paid_on),
            "status": declared.get_status_display(), "detail": declared.note}))
    for began, row in sorted(cases, key=lambda case: case[0]):
        yield {**row, "began": formats.short_date(began)}


def _numbers(case):
    return ", ".join(sorted(invoice.number for invoice in case.invoices.all()))


def _invoices(customer, formats):
    kinds, statuses = dict(InvoiceKind.choices), dict(InvoiceStatus.choices)
    rows = (Invoice.objects.filter(customer=customer).order_by("issue_date", "number")
            .values_list("kind", "number", "issue_date", "due_date", "currency",
                         "amount_total", "open_amount", "status", "paid_on", "po_number")
            .iterator(chunk_size=CHUNK_SIZE))
    for kind, number, issued, due, currency, total, open_, status, paid_on, po in rows:
        yield {"kind": kinds.get(kind, kind), "number": number,
               "issue_date": formats.short_date(issued), "due_date": formats.short_date(due),
               "amount": formats.money(total, currency),
               "open_amount": formats.money(open_, currency),
               "status": statuses.get(status, status),
               "paid_on": formats.short_date(paid_on), "po_number": po}


def _payments(customer, formats):
    rows = (Payment.objects.filter(customer=customer).order_by("date", "reference")
            .values_list("date", "reference", "method", "currency", "amount",
                         "unapplied_amount")
            .iterator(chunk_size=CHUNK_SIZE))
    for day, reference, method, currency, amount, unapplied in rows:
        yield {"date": formats.short_date(day), "reference": reference, "method": method,
               "amount": formats.money(amount, currency),
               "unapplied": formats.money(unapplied, currency) if unapplied else ""}


def _allocations(customer, formats):
    rows = (Allocation.objects.filter(invoice__customer=customer).order_by("date", "id")
            .values_list("date", "invoice__number", "payment__reference",
                         "credit_note__number", "amount", "invoice__currency")
            .iterator(chunk_size=CHUNK_SIZE))
    for day, invoice, payment, credit_note, amount, currency in rows:
        source = (_("payment %(reference)s") % {"reference": payment} if payment
                  else _("credit note %(number)s") % {"number": credit_note})
        yield {"date": formats.short_date(day), "invoice": invoice, "source": source,
               "amount": formats.money(amount, currency)}


def _timeline(customer, formats):
    events = (Event.objects.filter(customer=customer).select_related("actor", "invoice")
              .defer("data").order_by("at", "id").iterator(chunk_size=CHUNK_SIZE))
    for event in events:
        yield {"at": formats.moment(event.at), "label": str(label(event.type)),
               "type": event.type, "invoice": event.invoice.number if event.invoice else "",
               "who": who(event), "message": event.message}


def _messages(messages, formats):
    for message in messages:
        sent_at = message["sent_at"]
        yield {"sent_at": formats.moment(sent_at) if isinstance(sent_at, datetime)
               else formats.short_date(sent_at),
               "channel": message.get("channel", ""),
               "recipients": ", ".join(message.get("recipients") or ()),
               "subject": message.get("subject", ""), "text": message.get("text", ""),
               "attachments": ", ".join(message.get("attachments") or ())}
