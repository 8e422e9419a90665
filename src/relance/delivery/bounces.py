"""Bounces that come back later, as delivery status notifications (RFC 3464).

Most relays accept a message first and report a dead address hours later, by mail to
the sender. `relance bounces` reads those reports (files, or a mailbox's messages piped
in), finds the reminder they are about by its Message-ID, and treats a permanent
failure as the worker treats an address refused on the spot: the contact's address is
marked bounced, on the timeline, and the reminder goes to the next contact, or becomes
a letter.
"""
import email
from dataclasses import dataclass
from email import policy

from django.db import transaction
from django.utils import timezone

from relance.delivery.models import Message, MessageState
from relance.delivery.sending import mark_bounced, reroute


@dataclass(frozen=True)
class Bounce:
    recipient: str
    status: str          # e.g. "5.1.1"
    diagnostic: str
    message_id: str      # of the original message

    @property
    def permanent(self):
        return self.status.startswith("5")


def parse(raw):
    """The failed recipients of one delivery report; [] when `raw` is not one."""
    report = email.message_from_bytes(raw, policy=policy.default)
    if report.get_content_type() != "multipart/report":
        return []
    status, original = None, ""
    for part in report.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            status = part
        elif kind in ("message/rfc822", "text/rfc822-headers") and not original:
            original = _original_id(part)
    if status is None:
        return []
    return [Bounce(_address(fields["Final-Recipient"] or fields["Original-Recipient"]),
                   (fields["Status"] or "").strip(), str(fields["Diagnostic-Code"] or ""),
                   original)
            for fields in status.get_payload()[1:]
            if (fields["Action"] or "").strip().lower() == "failed"]


def _original_id(part):
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()[0]
    else:
        inner = email.message_from_string(part.get_content(), policy=policy.default)
    return (inner["Message-ID"] or "").strip()


def _address(field):
    """"rfc822; someone@example.com" -> "someone@example.com"."""
    return str(field or "").partition(";")[2].strip() or str(field or "").strip()


@dataclass
class Outcome:
    reports: int = 0
    bounced: int = 0
    temporary: int = 0
    unmatched: int = 0


def apply(raws, now=None):
    """Process delivery reports; each report in its own transaction."""
    now = now or timezone.now()
    outcome = Outcome()
    for raw in raws:
        outcome.reports += 1
        for bounce in parse(raw):
            _apply_one(bounce, now, outcome)
    return outcome


@transaction.atomic
def _apply_one(bounce, now, outcome):
    message = (Message.objects.select_related("action", "action__company",
                                              "action__customer", "action__step")
               .filter(message_id=bounce.message_id).first())
    if message is None or bounce.recipient.lower() not in (
            [r.lower() for r in message.recipients + message.copies]):
        outcome.unmatched += 1
        return
    if not bounce.permanent:
        outcome.temporary += 1
        return
    outcome.bounced += 1
    newly = mark_bounced(message, [bounce.recipient])
    primary = bounce.recipient.lower() in [r.lower() for r in message.recipients]
    later = Message.objects.filter(action=message.action, pk__gt=message.pk).exists()
    if newly and primary and message.state == MessageState.SENT and not later:
        reroute(message, now)
