"""Writing to the outbox, and claiming from it.

Every action gets its message in the transaction that records the action: the daily
run writes them set-based (`enqueue_planned`), a manual reminder one at a time
(`enqueue`). Workers claim a due message with a conditional UPDATE that checks the
state and the lease in its WHERE clause and go on only if exactly one row changed:
that works the same on SQLite and PostgreSQL and needs no lock held across delivery.
"""
import datetime as dt
import random
import secrets

from django.db import connection
from django.utils import timezone

from relance.db.batch import insert_select
from relance.delivery.models import Message, MessageState
from relance.dunning.models import Action, ActionStatus

CANDIDATES = 16   # due rows read per claim; workers pick among them at random


def initial_state(action_status):
    return (MessageState.HELD if action_status == ActionStatus.AWAITING_APPROVAL
            else MessageState.PENDING)


def start_of(day):
    """The moment an action planned for `day` may go out: that day's midnight, local
    time; the worker's business hours decide the rest."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def enqueue(action):
    """The message of one action, in the caller's transaction."""
    return Message.objects.create(
        company_id=action.company_id, action=action, channel=action.channel,
        state=initial_state(action.status), available_at=start_of(action.planned_on),
        created_at=timezone.now())


def enqueue_planned(run, day, ids=None, sink=None):
    """Messages for the actions the daily run `run` has just written for `day` (those
    with ids in the range `ids`, first and last, if given), in one INSERT ... SELECT: a
    first run writes a hundred thousand of them. With a `sink`, the statement goes
    there (db.batch.background_writes)."""
    adapt = connection.ops.adapt_datetimefield_value
    action = connection.ops.quote_name(Action._meta.db_table)
    within = "AND id BETWEEN %s AND %s " if ids else ""
    insert_select(Message, {"company": "company_id", "action": "id", "channel": "channel",
                            "state": "CASE WHEN status = %s THEN %s ELSE %s END",
                            "available_at": "%s", "created_at": "%s"},
                  f"FROM {action} WHERE run_id = %s {within}ORDER BY id",
                  [ActionStatus.AWAITING_APPROVAL, initial_state(ActionStatus.AWAITING_APPROVAL),
                   initial_state(ActionStatus.PLANNED), adapt(start_of(day)),
                   adapt(timezone.now()), run.pk, *(ids or ())], sink)


def release(action):
    """An approved action's message may go."""
    Message.objects.filter(action=action, state=MessageState.HELD).update(
        state=MessageState.PENDING)


def withdraw(action, reason):
    """A cancelled action's messages that have not gone out never will."""
    Message.objects.filter(action=action, state__in=[MessageState.HELD,
                                                     MessageState.PENDING]).update(
        state=MessageState.SKIPPED, last_error=reason)


def recompose(action):
    """An edited action's message is written again from its new text before it goes."""
    Message.objects.filter(action=action, state__in=[MessageState.HELD,
                                                     MessageState.PENDING]).update(
        language="")


class Lease:
    """A claimed message: its id and the token that proves the claim is ours."""

    def __init__(self, message_id, token, until):
        self.message_id, self.token, self.until = message_id, token, until


def claim(now, lease_seconds, channels=None):
    """Take one due message, or an abandoned one whose lease expired; None if none.

    1. Read a few candidates: due pending messages first, then expired leases.
    2. Try them in random order, so that workers starting together spread out.
    3. Each try is one UPDATE whose WHERE repeats the conditions: the first worker to
       run it gets the row (exactly one row changed); the others see 0 and move on.
    """
    candidates = _candidates(now, channels)
    random.shuffle(candidates)
    until = now + dt.timedelta(seconds=lease_seconds)
    token = secrets.token_hex(16)
    for message_id in candidates:
        changed = _take(message_id, now, until, token)
        if changed == 1:
            return Lease(message_id, token, until)
    return None


def _candidates(now, channels):
    due = Message.objects.filter(state=MessageState.PENDING, available_at__lte=now)
    abandoned = Message.objects.filter(state=MessageState.SENDING, lease_until__lt=now)
    if channels:
        due, abandoned = due.filter(channel__in=channels), abandoned.filter(
            channel__in=channels)
    found = list(due.order_by("available_at", "id").values_list("id", flat=True)
                 [:CANDIDATES])
    if len(found) < CANDIDATES:
        found += abandoned.values_list("id", flat=True)[:CANDIDATES - len(found)]
    return found


def _take(message_id, now, until, token):
    table = connection.ops.quote_name(Message._meta.db_table)
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET state = %s, lease = %s, lease_until = %s, "
            "attempts = attempts + 1 WHERE id = %s AND ("
            "(state = %s AND available_at <= %s) OR (state = %s AND lease_until < %s))",
            [MessageState.SENDING, token, adapt(until), message_id,
             MessageState.PENDING, adapt(now), MessageState.SENDING, adapt(now)])
        return cursor.rowcount


def settle(lease, **fields):
    """Record an outcome, only if the lease is still ours: a worker that lost its
    lease (it was too slow, another took over) must not overwrite the newer outcome.
    Returns True when recorded."""
    return Message.objects.filter(pk=lease.message_id, state=MessageState.SENDING,
                                  lease=lease.token).update(lease_until=None, **fields) == 1
