"""Phone-call tasks: the day's call list, and what came of a call.

A call (or manual task) the daily run planned stays planned until a collector logs its
outcome. Every outcome is an attempt kept in `action.summary["attempts"]` and an event
`call.<outcome>` on the customer's timeline; what the customer said goes through the
cases services (a promise, disputes, a declared payment). "No answer" moves the call to
the next business day; every other outcome closes it.
"""
import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Subquery, TextChoices
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relance.cases import services
from relance.dunning.access import visible_actions
from relance.dunning.calendar import BusinessCalendar
from relance.dunning.models import Action, ActionInvoice, ActionKind, ActionStatus, Channel
from relance.dunning.recipients import CALL, reachable
from relance.dunning.snapshots import concerned_ids, invoice_id, other_ids
from relance.ledger import timeline
from relance.ledger.models import Invoice

CALL_CHANNELS = (Channel.CALL, Channel.TASK)


class Outcome(TextChoices):
    REACHED = "reached", gettext_lazy("Reached")
    NO_ANSWER = "no_answer", gettext_lazy("No answer")
    WRONG_NUMBER = "wrong_number", gettext_lazy("Wrong number")
    PROMISE = "promise", gettext_lazy("Promise to pay")
    DISPUTE = "dispute", gettext_lazy("Dispute")
    SAYS_PAID = "says_paid", gettext_lazy("Says it has paid")


class CallRefused(ValueError):
    """The outcome cannot be logged; the message says why, for the user."""


# Reading ---------------------------------------------------------------------------

def due_calls(company, user, today, collector=None):
    """The planned calls and tasks of `user`'s customers (everyone's for a manager, or
    one collector's when `collector`, a user or its id, is given) due by `today`."""
    calls = visible_actions(user, company).filter(
        channel__in=CALL_CHANNELS, status=ActionStatus.PLANNED, planned_on__lte=today)
    if collector is not None:
        calls = calls.filter(customer__owner=collector)
    return calls


def call_list(company, user, today, collector=None):
    """`due_calls`, the largest overdue total first, then the longest late."""
    oldest_due = (ActionInvoice.objects.filter(action=OuterRef("pk"))
                  .order_by("invoice__due_date").values("invoice__due_date")[:1])
    return (due_calls(company, user, today, collector)
            .annotate(oldest_due=Subquery(oldest_due))
            .select_related("customer", "customer__owner", "contact", "step")
            .prefetch_related("customer__contacts")
            .order_by("-overdue_total", F("oldest_due").asc(nulls_last=True), "id"))


def describe(action, today):
    """Set what a row of the call list shows: days late, earlier attempts, whom to call."""
    oldest_due = getattr(action, "oldest_due", None)
    action.days_late = (today - oldest_due).days if oldest_due else 0
    action.attempts = len((action.summary or {}).get("attempts", []))
    listed = numbers(action)
    action.callee = next((c for c in listed if reachable(c, CALL)), None) or (
        listed[0] if listed else None)
    return action


def call_for(user, company, pk):
    """The call or task `user` may log, else 404 (another collector's call included)."""
    return get_object_or_404(
        visible_actions(user, company).filter(channel__in=CALL_CHANNELS).select_related(
            "company", "customer", "customer__owner", "contact", "step", "decided_by"),
        pk=pk)


def numbers(action):
    """The customer's contacts with a phone number: the action's contact first, then
    the reachable ones (preferred first), the numbers known to be wrong last."""
    contacts = [c for c in action.customer.contacts.all() if c.phone]
    return sorted(contacts, key=lambda c: (c.pk != action.contact_id,
                                           not reachable(c, CALL), not c.preferred, c.name))


def concerned_invoices(action, today):
    """The action's invoices as they are today: open amount and days late."""
    invoices = list(Invoice.objects.filter(dunning_lines__action=action)
                    .order_by("due_date", "id"))
    for invoice in invoices:
        invoice.days_late = max((today - invoice.due_date).days, 0)
    return invoices


def attempts(action):
    """Earlier attempts, oldest first, with their time as a datetime."""
    return [{**a, "at": dt.datetime.fromisoformat(a["at"]),
             "label": Outcome(a["outcome"]).label}
            for a in (action.summary or {}).get("attempts", [])]


# Logging an outcome ------------------------------------------------------------------

@transaction.atomic
def log_outcome(action, outcome, user, today, **details):
    """Log what came of calling for `action` on `today`; `details` are the outcome's
    (note, contact, invoices, amount, promised_for, reason, comment, paid_on).

    1. Refuse unless the action is a planned call or task.
    2. Record what the customer said through the cases services (`OUTCOMES`).
    3. No answer: move the call to the next business day; otherwise close it. Both are
       conditional updates, so a second submit of the same form changes nothing.
    4. Put `call.<outcome>` on the timeline with the attempt.
    """
    outcome = Outcome(outcome)
    check_loggable(action)
    message, data = OUTCOMES[outcome](action, user, today, **details)
    attempt = {"at": timezone.now().isoformat(), "outcome": outcome.value, "by": user.pk}
    if outcome == Outcome.NO_ANSWER:
        data.update(_postpone(action, user, today, attempt))
    else:
        _claim(action, status=ActionStatus.DONE, decided_at=timezone.now(),
               decided_by=user, summary=_with_attempt(action.summary, attempt))
    timeline.record(action.company, f"call.{outcome.value}", customer=action.customer,
                    actor=user, message=message, data={"action": action.pk, **data})
    return action


def check_loggable(action):
    """Refuse, saying why, an action whose outcome cannot be logged."""
    if action.channel not in CALL_CHANNELS:
        raise CallRefused(_("This action is not a call."))
    if action.status != ActionStatus.PLANNED:
        raise CallRefused(_("This call is already %(status)s.")
                          % {"status": action.get_status_display().lower()})


def _reached(action, user, today, note="", **_ignored):
    if not note.strip():
        raise CallRefused(_("Say what was said."))
    return note.strip(), {}


def _no_answer(action, user, today, note="", **_ignored):
    return note.strip(), {}


def _wrong_number(action, user, today, contact=None, note="", **_ignored):
    """Flag the number as wrong: the next calls fall back to another contact."""
    contact = contact or action.contact
    if contact is None or contact.customer_id != action.customer_id:
        raise CallRefused(_("Choose the contact whose number is wrong."))
    contact.phone_invalid = True
    contact.save(update_fields=["phone_invalid"])
    return note.strip(), {"contact": contact.pk, "phone": contact.phone}


def _promise(action, user, today, invoices=(), amount=None, promised_for=None, note="",
             **_ignored):
    if promised_for is None:
        raise CallRefused(_("Say when the customer will pay."))
    promise = services.record_promise(action.customer, invoices, amount, promised_for,
                                      today, note, user)
    return note.strip(), {"promise": promise.pk, "amount": str(promise.amount),
                          "promised_for": promised_for.isoformat()}


def _dispute(action, user, today, invoices=(), reason="", comment="", **_ignored):
    if not invoices:
        raise CallRefused(_("Choose the disputed invoices."))
    if any(i.customer_id != action.customer_id for i in invoices):
        raise CallRefused(_("The invoices must be this customer's."))
    disputes = [services.open_dispute(invoice, reason, comment, today, user)
                for invoice in invoices]
    return comment.strip(), {"reason": reason, "disputes": [d.pk for d in disputes],
                             "invoices": [i.number for i in invoices]}


def _says_paid(action, user, today, invoices=(), amount=None, paid_on=None, note="",
               **_ignored):
    if paid_on is None:
        raise CallRefused(_("Say when the customer paid."))
    declaration = services.declare_payment(action.customer, invoices, amount, paid_on,
                                           today, note, user)
    return note.strip(), {"declaration": declaration.pk,
                          "amount": str(declaration.amount), "paid_on": paid_on.isoformat()}


OUTCOMES = {
    Outcome.REACHED: _reached,
    Outcome.NO_ANSWER: _no_answer,
    Outcome.WRONG_NUMBER: _wrong_number,
    Outcome.PROMISE: _promise,
    Outcome.DISPUTE: _dispute,
    Outcome.SAYS_PAID: _says_paid,
}


# Moving and closing ------------------------------------------------------------------

def _with_attempt(summary, attempt):
    summary = dict(summary or {})
    summary["attempts"] = [*summary.get("attempts", []), attempt]
    return summary


def _claim(action, **changes):
    """Change the action only if it is still planned on the day it was read for."""
    try:
        with transaction.atomic():   # a savepoint: PostgreSQL aborts on a clash
            changed = (Action.objects.filter(pk=action.pk, status=ActionStatus.PLANNED,
                                             planned_on=action.planned_on)
                       .update(**changes))
    except IntegrityError:   # the run planned the same step that day in between
        raise CallRefused(_("Another call was planned for that day meanwhile; "
                            "try again.")) from None
    if changed != 1:
        raise CallRefused(_("This call was logged meanwhile; reload the page."))
    for field, value in changes.items():
        setattr(action, field, value)


def _postpone(action, user, today, attempt):
    """Move the call to the next business day after `today`.

    The database allows one scheduled action per customer, step, currency and day: when
    that day already has an open one (the daily run planned other invoices), this
    call's invoices join it, as the run's own late invoices do; when it has a closed
    one, the call moves on to the following business day."""
    calendar = BusinessCalendar.around(today)
    summary = _with_attempt(action.summary, attempt)
    day = calendar.on_or_after(today + dt.timedelta(days=1))
    while (rival := _rival(action, day)) is not None:
        if rival.is_open:
            _join(action, rival, summary, user)
            return {"moved_to": day.isoformat(), "joined": rival.pk}
        day = calendar.on_or_after(day + dt.timedelta(days=1))
    _claim(action, planned_on=day, summary=summary)
    return {"moved_to": day.isoformat()}


def _rival(action, day):
    if action.kind != ActionKind.SCHEDULED:
        return None
    return (Action.objects.filter(kind=ActionKind.SCHEDULED, customer_id=action.customer_id,
                                  step_id=action.step_id, currency=action.currency,
                                  planned_on=day).exclude(pk=action.pk).first())


def _join(action, rival, summary, user):
    """Hand the action's invoices and attempts to `rival` and close the action."""
    _claim(action, status=ActionStatus.CANCELLED, decided_at=timezone.now(),
           decided_by=user, summary={**summary, "joined": rival.pk})
    ActionInvoice.objects.filter(action=action).update(action=rival)
    known = set(concerned_ids(rival.summary))
    moved = [i for i in summary.get("invoices", []) if invoice_id(i) not in known]
    rival.summary["invoices"] = rival.summary.get("invoices", []) + moved
    moved_ids = {invoice_id(i) for i in moved}
    rival.summary["others"] = [pk for pk in other_ids(rival.summary) if pk not in moved_ids]
    rival.summary["attempts"] = summary["attempts"] + rival.summary.get("attempts", [])
    rival.amount += action.amount
    rival.save(update_fields=["amount", "summary"])
