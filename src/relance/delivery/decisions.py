"""What a user decides about a message from the outbox: try a failed one again, or
cancel one that has not gone out.

Both are conditional UPDATEs that repeat the state the user saw in their WHERE clause:
when a worker or another user changed the message meanwhile, nothing happens and
MessageRefused says so. Pressing the button twice is therefore harmless.
"""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relance.delivery.models import Message, MessageState
from relance.dunning import actions
from relance.dunning.models import ActionStatus
from relance.ledger import timeline

CANCELLABLE = (MessageState.DEAD, MessageState.PENDING, MessageState.HELD)


class MessageRefused(ValueError):
    """The decision cannot be taken; the message says why, for the user."""


@transaction.atomic
def retry(message, user, now=None):
    """A failed message goes back to the queue, due now, with its attempts counted
    from zero. Its last error stays until the next outcome replaces it.

    Refused when the action was since sent another way (a bounce reroutes it to a
    new message) or is no longer open: retrying would remind the customer twice."""
    now = now or timezone.now()
    action = message.action
    if action.status != ActionStatus.PLANNED or _superseded(message):
        raise MessageRefused(_("This reminder was since sent another way or cancelled; "
                               "it cannot be retried."))
    changed = Message.objects.filter(pk=message.pk, state=MessageState.DEAD).update(
        state=MessageState.PENDING, available_at=now, attempts=0, lease="",
        lease_until=None)
    if changed != 1:
        raise _changed_meanwhile(message)
    timeline.record(message.company, "message.retried", customer=action.customer,
                    actor=user, at=now, message=message.subject,
                    data=_data(message))
    return message


@transaction.atomic
def cancel(message, user, reason=""):
    """The message will not go out, and its action, if still open, is cancelled with
    it (relance.dunning.actions.cancel, which says so on the timeline).

    A failed message whose action went on in a newer message (a bounce rerouted it)
    is only set aside: the action and the newer message are left alone."""
    reason = reason or _("Cancelled from the outbox by %(user)s.") % {"user": user}
    changed = Message.objects.filter(pk=message.pk, state__in=CANCELLABLE).update(
        state=MessageState.SKIPPED, last_error=reason, lease="", lease_until=None)
    if changed != 1:
        raise _changed_meanwhile(message)
    action = message.action
    action.refresh_from_db(fields=["status"])
    if action.is_open and not _superseded(message):
        actions.cancel(action, user, reason)
    else:
        timeline.record(message.company, "message.skipped", customer=action.customer,
                        actor=user, message=reason, data=_data(message))
    return message


def _superseded(message):
    return Message.objects.filter(action_id=message.action_id, pk__gt=message.pk).exists()


def _changed_meanwhile(message):
    current = Message.objects.filter(pk=message.pk).first()
    state = current.get_state_display().lower() if current else _("deleted")
    return MessageRefused(_("This message changed meanwhile: it is now %(state)s. "
                            "Nothing was done.") % {"state": state})


def _data(message):
    return {"message": message.pk, "action": message.action_id, "channel": message.channel,
            "invoices": message.invoices}
