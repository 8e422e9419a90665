"""Delivering one message: what a worker does with each claim.

`handle_one()` is the unit the worker loops over and the tests call:

1. Claim a due message (relance.delivery.outbox.claim). Outside business hours, or
   when the rate limit is reached, only letters and tasks are claimed.
2. Check again what the message may still claim, by the rule the run planned it with
   (relance.dunning.stops): an invoice paid, disputed, put on hold, promised, in a
   payment plan, declared paid or handed over since planning drops out; with none
   left, or the action cancelled, the message is skipped and its action cancelled,
   with the reasons on the customer's timeline.
3. Compose the snapshot (relance.compose: subject, text, HTML, attachments,
   Message-ID) with the customer's portal link, reused or issued now (a page that only
   shows a reminder never issues one), and commit it before anything goes out, so a
   retry sends the same thing under the same Message-ID.
4. Deliver through the channel, then record the outcome under the lease: sent, retry
   later with backoff, failed for good, or bounced (the contact's address is marked
   and the action goes to the next contact, or becomes a letter).
"""
import copy
import datetime as dt
import logging
import traceback
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relance.compose import messages
from relance.compose.wording import message_for
from relance.delivery import outbox
from relance.delivery.channels import CHANNELS, DeliveryFailed, refusal
from relance.delivery.models import Message, MessageState
from relance.delivery.policy import Hours, backoff
from relance.dunning import loading, stops
from relance.dunning.calendar import BusinessCalendar
from relance.dunning.models import ActionKind, ActionStatus
from relance.dunning.recipients import EMAIL, route
from relance.dunning.snapshots import concerned_ids, invoice_id
from relance.ledger import timeline
from relance.ledger.models import Contact, Invoice
from relance.portal import links as portal_links

logger = logging.getLogger("relance.delivery")
ACTOR = "system"
TIMED_CHANNELS = ("email",)   # what business hours and the rate limit apply to
UNTIMED_CHANNELS = ("letter", "registered_letter", "call", "task")


@dataclass(frozen=True)
class Config:
    hours: Hours
    lease_seconds: int
    retry_seconds: int
    max_attempts: int
    max_per_minute: int

    @classmethod
    def from_settings(cls):
        return cls(Hours.parse(settings.DELIVERY_HOURS), settings.DELIVERY_LEASE_SECONDS,
                   settings.DELIVERY_RETRY_SECONDS, settings.DELIVERY_MAX_ATTEMPTS,
                   settings.DELIVERY_MAX_PER_MINUTE)


@dataclass
class Outcome:
    message_id: int
    state: str
    detail: str = ""


class Courier:
    """What one worker keeps between messages: its configuration, the business
    calendar and the open SMTP connection."""

    def __init__(self, postman, config=None, *, ignore_hours=False):
        self.postman = postman
        self.config = config or Config.from_settings()
        self.ignore_hours = ignore_hours
        self.calendar, self.calendar_year = None, None

    def handle_one(self, now=None):
        """Deliver one due message; None when there is nothing to do now."""
        now = now or timezone.now()
        lease = outbox.claim(now, self.config.lease_seconds, self._channels(now))
        if lease is None:
            return None
        message = (Message.objects.select_related(
            "action", "action__company", "action__customer", "action__customer__owner",
            "action__customer__sales_rep", "action__contact", "action__step")
            .get(pk=lease.message_id))
        try:
            return self._deliver(message, lease, now)
        except Exception as error:   # a bug must not stop the worker or lose the message
            logger.exception("message %s: unexpected failure", message.pk)
            return self._failed(message, lease, now, DeliveryFailed(
                f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=5)}"))

    def _channels(self, now):
        """None (all) when emails may go now, else only the channels without limits."""
        local = timezone.localtime(now).replace(tzinfo=None)
        if self.calendar_year != local.year:
            self.calendar = BusinessCalendar.around(local.date())
            self.calendar_year = local.year
        if not self.ignore_hours and not self.config.hours.allow(local, self.calendar):
            return UNTIMED_CHANNELS
        if self.config.max_per_minute and _sent_last_minute(now) >= self.config.max_per_minute:
            return UNTIMED_CHANNELS
        return None

    def _deliver(self, message, lease, now):
        action = message.action
        if action.status == ActionStatus.CANCELLED:
            return self._skipped(message, lease, now, _("The action was cancelled."))
        due, stopped = due_now(action, timezone.localdate(now))
        if not due:
            return self._skipped(message, lease, now, nothing_due(stopped))
        if message.channel == EMAIL and not reachable(action.contact):
            return self._failed(message, lease, now, DeliveryFailed(
                _("The recipient has no email address that works."), permanent=True,
                reroute=True))
        channel = CHANNELS[message.channel]
        if not message.language or sorted(message.invoices) != due:
            problem = self._compose(message, due, now)
            if problem:
                return self._failed(message, lease, now, DeliveryFailed(problem, permanent=True))
        try:
            refused = channel.deliver(message, self.postman)
        except DeliveryFailed as failure:
            if failure.refused:
                mark_bounced(message, failure.refused)
            return self._failed(message, lease, now, failure)
        if any(address in refused for address in message.recipients):
            mark_bounced(message, refused)
            return self._failed(message, lease, now, DeliveryFailed(
                refusal(refused), permanent=True, refused=refused))
        return self._sent(message, lease, now, channel, refused)

    @transaction.atomic
    def _compose(self, message, due, now):
        """Write the snapshot; the problem when the text cannot be rendered."""
        today = timezone.localdate(now)
        action = _limited_to(message.action, due)
        wording = message_for(action, today,
                              portal_url=portal_links.for_reminder(action.customer, now))
        if wording.problem:
            return wording.problem
        message.attachments.all().delete()
        invoices = list(Invoice.objects.filter(pk__in=due).order_by("due_date", "number"))
        message.language, message.invoices = wording.language, due
        messages.prepare(message, wording, invoices)
        message.save()
        return ""

    def _sent(self, message, lease, now, channel, refused):
        with transaction.atomic():
            if not outbox.settle(lease, state=MessageState.SENT, sent_at=now, last_error=""):
                return Outcome(message.pk, "lost lease")
            action = message.action
            if channel.completes_action:
                action.status = ActionStatus.DONE
                action.save(update_fields=["status"])
            timeline.record(action.company, f"message.{message.channel}", customer=action.customer,
                            actor_label=ACTOR, message=message.subject, at=now,
                            data=_data(message))
            if refused:
                mark_bounced(message, refused)
        return Outcome(message.pk, MessageState.SENT)

    def _skipped(self, message, lease, now, reason):
        with transaction.atomic():
            if outbox.settle(lease, state=MessageState.SKIPPED, last_error=reason):
                skipped(message, reason, now)
        return Outcome(message.pk, MessageState.SKIPPED, reason)

    def _failed(self, message, lease, now, failure):
        """Retry later with backoff; after the last attempt, or when retrying cannot
        help, the message is dead and shows in the outbox's failures."""
        reason = str(failure)
        final = failure.permanent or message.attempts >= self.config.max_attempts
        with transaction.atomic():
            if final:
                if outbox.settle(lease, state=MessageState.DEAD, last_error=reason):
                    action = message.action
                    timeline.record(action.company, "message.failed", customer=action.customer,
                                    actor_label=ACTOR, message=reason[:500], at=now,
                                    data=_data(message))
                    if failure.reroute:
                        reroute(message, now)
                return Outcome(message.pk, MessageState.DEAD, reason)
            retry_at = now + backoff(message.attempts, self.config.retry_seconds)
            outbox.settle(lease, state=MessageState.PENDING, available_at=retry_at,
                          last_error=reason)
        return Outcome(message.pk, MessageState.PENDING, reason)


def mark_bounced(message, refused):
    """The addresses a server rejected for good are marked on the customer's contacts,
    once each, on the timeline. True when one was newly marked."""
    action = message.action
    addresses = {address.lower() for address in refused}
    marked = False
    for contact in Contact.objects.filter(customer_id=action.customer_id,
                                          email_bounced=False):
        if contact.email.lower() in addresses:
            contact.email_bounced, marked = True, True
            contact.save(update_fields=["email_bounced"])
            timeline.record(action.company, "contact.email_bounced",
                            customer=action.customer, actor_label=ACTOR,
                            message=f"{contact.name} <{contact.email}>",
                            data={"contact": contact.pk, "message": message.pk})
    return marked


def reroute(message, now):
    """A new message for the action, to the next reachable contact, else as a letter;
    the action is open again until that message is delivered."""
    action = message.action
    contacts = loading.contacts_of([action.customer_id]).get(action.customer_id, ())
    roles = action.step.roles if action.step else ()
    channel, contact = route(contacts, roles, EMAIL)
    action.channel, action.contact_id = channel, contact and contact.id
    action.status = ActionStatus.PLANNED
    action.save(update_fields=["channel", "contact", "status"])
    rerouted = outbox.enqueue(action)
    Message.objects.filter(pk=rerouted.pk).update(available_at=now)
    timeline.record(action.company, "message.rerouted", customer=action.customer,
                    actor_label=ACTOR, at=now, message=action.get_channel_display(),
                    data={"action": action.pk, "message": rerouted.pk,
                          "channel": channel})


def reachable(contact):
    return contact is not None and bool(contact.email) and not contact.email_bounced


def due_now(action, today):
    """The ids of the invoices `action` may still claim on `today`, sorted, and
    {invoice number: stop reason} for the others: the run's rule (`dunning.stops`) on
    the facts as they stand now. A collector's own message (a manual action) gives way
    only to `stops.MANUAL_REASONS`: the agreements were known when it was written."""
    reasons = loading.stop_reasons(action.company, action.customer_id,
                                   concerned_ids(action.summary), today)
    if action.kind == ActionKind.MANUAL:
        reasons = {pk: reason if reason in stops.MANUAL_REASONS else None
                   for pk, reason in reasons.items()}
    numbers = dict(Invoice.objects.filter(pk__in=[pk for pk, r in reasons.items() if r])
                   .values_list("id", "number"))
    return (sorted(pk for pk, reason in reasons.items() if reason is None),
            {numbers[pk]: reason for pk, reason in reasons.items() if reason})


def skipped(message, reason, now):
    """After a message was set aside for `reason`: its action, if still open, is
    cancelled, and the customer's timeline says why."""
    action = message.action
    if action.is_open:
        action.status = ActionStatus.CANCELLED
        action.note = reason
        action.save(update_fields=["status", "note"])
    timeline.record(action.company, "message.skipped", customer=action.customer,
                    actor_label=ACTOR, message=reason, at=now, data=_data(message))


def nothing_due(stopped):
    """Why a message was not sent: each invoice with what stopped it since planning."""
    reasons = "; ".join(f"{number}: {stops.LABELS[reason]}"
                        for number, reason in sorted(stopped.items()))
    return _("No invoice of this reminder may be claimed any more: %(reasons)s.") % {
        "reasons": reasons or _("none of them is open")}


def _limited_to(action, due):
    """A copy of the action whose summary keeps only the invoices still due; the
    customer's other overdue invoices stay, minus any that were paid since."""
    limited = copy.copy(action)
    summary = dict(action.summary or {})
    kept = set(due)
    summary["invoices"] = [i for i in summary.get("invoices", []) if invoice_id(i) in kept]
    limited.summary = summary
    return limited


def _sent_last_minute(now):
    return Message.objects.filter(state=MessageState.SENT, channel__in=TIMED_CHANNELS,
                                  sent_at__gte=now - dt.timedelta(minutes=1)).count()


def _data(message):
    return {"message": message.pk, "action": message.action_id, "channel": message.channel,
            "invoices": message.invoices}
