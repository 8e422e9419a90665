"""Handing invoices over to a collection agency, recording what it reports, ending it.

While a hand-over is active the agency collects: the daily run leaves its invoices
alone and the worker drops them from any reminder still waiting (stop reason
`handed_over`, `dunning.stops`). Each step leaves a timeline
row: `handover.started`, `handover.report`, `handover.ended`.

Like `services`, these validate what the database cannot and raise `CaseRefused`
with a message for the user; nothing is written when they refuse.
"""
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from relance.cases.models import (
    HANDOVER_STOPS, REPORTS_WITH_AMOUNT, AgencyReport, Handover, HandoverStatus, ReportKind,
)
from relance.cases.services import CaseRefused, _user
from relance.ledger import timeline
from relance.ledger.models import InvoiceKind, InvoiceStatus

ENDINGS = (HandoverStatus.RETURNED, HandoverStatus.CLOSED)


def handed_over_invoice_ids(invoice_ids):
    """The ids among `invoice_ids` that a hand-over keeps out of our reminders."""
    return set(Handover.invoices.through.objects.filter(
        invoice_id__in=invoice_ids, handover__status__in=HANDOVER_STOPS)
        .values_list("invoice_id", flat=True))


@transaction.atomic
def hand_over(customer, invoices, agency_name, handed_on, on_date, *, agency_reference="",
              note="", user=None):
    """Hand `invoices` of `customer` to the agency on `handed_on`."""
    invoices = list(invoices)
    _check_invoices(customer, invoices)
    if not agency_name.strip():
        raise CaseRefused(_("Name the agency."))
    if handed_on > on_date:
        raise CaseRefused(_("The hand-over date cannot be in the future."))
    handover = Handover.objects.create(
        customer=customer, agency_name=agency_name.strip(),
        agency_reference=agency_reference.strip(), handed_on=handed_on, note=note,
        created_by=_user(user))
    handover.invoices.set(invoices)
    numbers = sorted(i.number for i in invoices)
    said = _("%(agency)s: %(invoices)s") % {"agency": handover.agency_name,
                                           "invoices": ", ".join(numbers)}
    timeline.record(customer.company, "handover.started", customer=customer,
                    message=_joined(said, note),
                    data={"handover": handover.pk, "agency": handover.agency_name,
                          "agency_reference": handover.agency_reference,
                          "handed_on": handed_on.isoformat(),
                          "invoices": numbers},
                    **timeline.actor_of(user))
    return handover


def _check_invoices(customer, invoices):
    if not invoices:
        raise CaseRefused(_("Choose the invoices to hand over."))
    if any(i.customer_id != customer.pk for i in invoices):
        raise CaseRefused(_("The invoices must be this customer's."))
    closed = [i.number for i in invoices
              if i.kind != InvoiceKind.INVOICE or i.status != InvoiceStatus.OPEN]
    if closed:
        raise CaseRefused(_("Only open invoices can be handed over: %(numbers)s.")
                          % {"numbers": ", ".join(sorted(closed))})
    taken = handed_over_invoice_ids([i.pk for i in invoices])
    if taken:
        numbers = sorted(i.number for i in invoices if i.pk in taken)
        raise CaseRefused(_("Already handed over to an agency: %(numbers)s.")
                          % {"numbers": ", ".join(numbers)})


@transaction.atomic
def record_report(handover, reported_on, kind, on_date, *, amount=None, note="", user=None):
    """What the agency reported on `reported_on`. A report that the file is returned
    ends the hand-over as returned."""
    _check_active(handover)
    if kind not in ReportKind.values:
        raise CaseRefused(_("Choose what the agency reported."))
    if reported_on > on_date:
        raise CaseRefused(_("The report date cannot be in the future."))
    if reported_on < handover.handed_on:
        raise CaseRefused(_("The report cannot be dated before the hand-over."))
    if kind in REPORTS_WITH_AMOUNT and (amount is None or amount <= Decimal(0)):
        raise CaseRefused(_("This report needs a positive amount."))
    report = AgencyReport.objects.create(handover=handover, reported_on=reported_on,
                                         kind=kind, amount=amount, note=note,
                                         created_by=_user(user))
    customer = handover.customer
    said = ReportKind(kind).label if amount is None else f"{ReportKind(kind).label} {amount}"
    timeline.record(customer.company, "handover.report", customer=customer,
                    message=_joined(f"{handover.agency_name}: {said}", note),
                    data={"handover": handover.pk, "report": report.pk, "kind": kind,
                          "amount": None if amount is None else str(amount),
                          "reported_on": reported_on.isoformat()},
                    **timeline.actor_of(user))
    if kind == ReportKind.RETURNED:
        end_handover(handover, HandoverStatus.RETURNED, reported_on, on_date, user=user)
    return report


@transaction.atomic
def end_handover(handover, status, ended_on, on_date, *, note="", user=None):
    """End the hand-over: `returned` gives the invoices back to our reminders,
    `closed` keeps them stopped (the agency is done with them)."""
    _check_active(handover)
    if status not in ENDINGS:
        raise CaseRefused(_("Say whether the file was returned or closed."))
    if ended_on > on_date:
        raise CaseRefused(_("The end date cannot be in the future."))
    if ended_on < handover.handed_on:
        raise CaseRefused(_("The hand-over cannot end before it began."))
    handover.status, handover.ended_on = status, ended_on
    handover.save(update_fields=["status", "ended_on"])
    customer = handover.customer
    said = f"{handover.agency_name}: {HandoverStatus(status).label}"
    timeline.record(customer.company, "handover.ended", customer=customer,
                    message=_joined(said, note),
                    data={"handover": handover.pk, "status": status,
                          "ended_on": ended_on.isoformat()},
                    **timeline.actor_of(user))
    return handover


def _joined(said, note):
    """What the timeline shows: what happened, then the user's note when there is one."""
    return f"{said} – {note}" if note.strip() else said


def _check_active(handover):
    current = Handover.objects.select_for_update().get(pk=handover.pk)
    if current.status != HandoverStatus.ACTIVE:
        raise CaseRefused(_("This hand-over has already ended."))
