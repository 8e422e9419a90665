"""Disputes, holds and the timeline that tells what happened, when and by whom."""
from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from relance.cases.models import Dispute, DisputeReason, DisputeStatus
from relance.ledger.models import Customer, Event

DISPUTE_COMMENTS = {
    DisputeReason.PRICE: "Le prix unitaire facturé ne correspond pas au devis signé.",
    DisputeReason.NOT_RECEIVED: "Livraison partielle : deux palettes manquantes.",
    DisputeReason.QUALITY: "Pièces non conformes, retour en cours d'organisation.",
    DisputeReason.MISSING_PO: "Numéro de bon de commande absent : facture bloquée aux achats.",
    DisputeReason.ALREADY_PAID: "Le client affirme avoir réglé cette facture par chèque.",
}
HOLDS = [
    ("Procédure de sauvegarde ouverte : créance déclarée au mandataire judiciaire", None),
    ("Échéancier en cours de négociation avec la direction financière", 21),
]


def at(day, rng, first_hour=8, last_hour=18):
    """A plausible office time on that day, in the company's time zone."""
    moment = time(rng.randint(first_hour, last_hour - 1), rng.randrange(0, 60, 5))
    return datetime.combine(day, moment, tzinfo=timezone.get_current_timezone())


def open_disputes(rng, fates, as_of):
    """About 1% of invoices, among those still unpaid, are contested by the customer."""
    candidates = [fate for fate in fates
                  if not fate.receipts and not fate.credit
                  and fate.invoice.issue_date <= as_of - timedelta(days=10)]
    chosen = rng.sample(candidates, min(len(candidates), max(1, len(fates) // 100)))
    disputes = []
    for fate in sorted(chosen, key=lambda f: f.invoice.number):
        invoice = fate.invoice
        reason = rng.choice(sorted(DISPUTE_COMMENTS))
        opened_on = min(as_of, invoice.issue_date + timedelta(days=rng.randint(5, 50)))
        disputes.append(Dispute(invoice=invoice, reason=reason, status=DisputeStatus.OPEN,
                                comment=DISPUTE_COMMENTS[reason],
                                owner=invoice.customer.owner, opened_on=opened_on))
    return Dispute.objects.bulk_create(disputes)


def put_on_hold(rng, plans, as_of):
    """Two chronically late customers whose reminders the credit manager has paused."""
    late = [plan.customer for plan in plans if plan.habit == "chronic"]
    customers = rng.sample(late, min(len(late), len(HOLDS)))
    for customer, (reason, days) in zip(customers, HOLDS):
        customer.hold_reason = reason
        customer.hold_until = as_of + timedelta(days=days) if days else None
    Customer.objects.bulk_update(customers, ["hold_reason", "hold_until"])
    return customers


def timeline(rng, company, fates, notes, planned, disputes, holds, manager, as_of):
    events = [_issued(rng, company, fate.invoice) for fate in fates]
    events += [_credited(rng, company, fate.invoice, note) for fate, note in notes]
    events += [_received(rng, company, payment, lines) for payment, lines in planned]
    events += [_disputed(rng, company, dispute) for dispute in disputes]
    events += [_held(rng, company, customer, manager, as_of) for customer in holds]
    return Event.objects.bulk_create(events, batch_size=2_000)


def _issued(rng, company, invoice):
    # The billing run goes out early in the morning.
    return Event(company=company, customer=invoice.customer, invoice=invoice,
                 type="invoice.issued", at=at(invoice.issue_date, rng, 6, 8),
                 actor_label="billing",
                 message=_("Invoice %(number)s issued, due %(due)s")
                 % {"number": invoice.number, "due": invoice.due_date},
                 data={"amount_total": str(invoice.amount_total),
                       "due_date": invoice.due_date.isoformat()})


def _credited(rng, company, invoice, note):
    return Event(company=company, customer=invoice.customer, invoice=invoice,
                 type="credit_note.issued", at=at(note.issue_date, rng),
                 actor=invoice.customer.sales_rep,
                 message=_("Credit note %(note)s of %(amount)s applied to %(number)s")
                 % {"note": note.number, "amount": note.amount_total,
                    "number": invoice.number},
                 data={"credit_note": note.number, "amount": str(note.amount_total)})


def _received(rng, company, payment, lines):
    numbers = [fate.invoice.number for fate, _ in lines]
    # A payment of one invoice belongs on that invoice's timeline; a batch on the customer's.
    invoice = lines[0][0].invoice if len(lines) == 1 else None
    return Event(company=company, customer=payment.customer, invoice=invoice,
                 type="payment.received", at=at(payment.date, rng, 9, 12),
                 actor_label="bank",
                 message=_("Payment %(reference)s of %(amount)s received")
                 % {"reference": payment.reference, "amount": payment.amount},
                 data={"payment": payment.reference, "amount": str(payment.amount),
                       "method": payment.method, "invoices": numbers})


def _disputed(rng, company, dispute):
    invoice = dispute.invoice
    return Event(company=company, customer=invoice.customer, invoice=invoice,
                 type="dispute.opened", at=at(dispute.opened_on, rng),
                 actor=dispute.owner,
                 message=_("Dispute opened: %(reason)s")
                 % {"reason": dispute.get_reason_display()},
                 data={"reason": dispute.reason, "comment": dispute.comment})


def _held(rng, company, customer, manager, as_of):
    since = as_of - timedelta(days=rng.randint(3, 20))
    return Event(company=company, customer=customer, type="customer.put_on_hold",
                 at=at(since, rng), actor=manager, message=customer.hold_reason,
                 data={"until": customer.hold_until.isoformat() if customer.hold_until
                       else None})

