"""What a claim before a court or an agency rests on, read from the ledger: the
statement of claim, the invoices' disputes and limitation dates, the reminders and
formal notices that went out, the agreements. `path.recommend` and the dossier are
built from this.
"""
from dataclasses import dataclass

from relance.cases.handovers import handed_over_invoice_ids
from relance.cases.models import Dispute, DisputeStatus, PaymentPlan, Promise
from relance.delivery.models import Message, MessageState
from relance.dunning.models import Channel, Tone
from relance.ledger.claims import customer_statement
from relance.ledger.models import Invoice
from relance.recovery import limitation
from relance.legal.procedure import ClaimLine, Debtor, recommend

FORMAL_TONES = (Tone.FORMAL_NOTICE, Tone.LEGAL)
LETTERS = (Channel.LETTER, Channel.REGISTERED_LETTER)
WRITTEN = (Channel.EMAIL, *LETTERS)     # what the debtor reads: never a call or a task


@dataclass(frozen=True)
class LegalPath:
    as_of: object
    statement: object            # statement.Statement
    recommendation: object       # path.Recommendation
    invoices: dict               # number -> Invoice of the statement's lines


def legal_path(customer, as_of):
    """The statement of claim on `as_of` and the procedure it calls for."""
    found = customer_statement(customer, as_of)
    numbers = [line.number for line in found.lines]
    invoices = {i.number: i for i in Invoice.objects.filter(customer=customer,
                                                            number__in=numbers)}
    disputed = set(Dispute.objects.filter(invoice__customer=customer,
                                          status=DisputeStatus.OPEN)
                   .values_list("invoice__number", flat=True))
    noticed = noticed_invoice_ids(customer, as_of)
    with_agency = handed_over_invoice_ids([i.pk for i in invoices.values()])
    lines = [ClaimLine(line.number, line.due_date, line.currency, line.open,
                       line.penalties, line.indemnity, line.number in disputed,
                       invoices[line.number].pk in noticed,
                       limitation.of_invoice(invoices[line.number]).date,
                       invoices[line.number].pk in with_agency)
             for line in found.lines]
    return LegalPath(as_of, found, recommend(lines, debtor_of(customer), as_of), invoices)


def debtor_of(customer):
    return Debtor(customer.name, tuple(customer.address_lines), customer.postal_code,
                  customer.city, customer.is_consumer, customer.insolvency_proceedings)


def sent_messages(customer, as_of):
    """The reminders and formal notices that went out by `as_of`, oldest first. A
    letter counts from the day it was printed; its posting date is evidence too."""
    return list(Message.objects.filter(action__customer=customer, state=MessageState.SENT,
                                       sent_at__isnull=False)
                .filter(sent_at__date__lte=as_of)
                .select_related("action", "action__step")
                .prefetch_related("attachments").order_by("sent_at", "id"))


def is_formal_notice(message):
    """A message in a formal tone that the debtor could read (an internal escalation
    task in the same tone is not one)."""
    return message.action.tone in FORMAL_TONES and message.channel in WRITTEN


def noticed_invoice_ids(customer, as_of):
    """Ids of the invoices a formal notice was served about by `as_of`: a letter or a
    registered letter in a formal tone actually posted by then (one only printed has
    reached nobody; an email or a task is no formal notice a court relies on)."""
    found = set()
    for message in sent_messages(customer, as_of):
        if (is_formal_notice(message) and message.channel in LETTERS
                and message.posted_on is not None and message.posted_on <= as_of):
            found.update(message.invoices)
    return found


def agreements(customer):
    """The customer's promises to pay and payment plans, oldest first: written
    agreements are evidence of the debt (and acknowledge it, Code civil 2240)."""
    rows = [("promise", p.created_at, p) for p in
            Promise.objects.filter(customer=customer).prefetch_related("invoices")]
    rows += [("plan", p.created_at, p) for p in
             PaymentPlan.objects.filter(customer=customer).prefetch_related("invoices")]
    return sorted(rows, key=lambda row: (row[1], row[0], row[2].pk))
