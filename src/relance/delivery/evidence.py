"""What the outbox shows and proves: who may see which message, the email exactly as
it went out, and a customer's history as one PDF.

Collectors see their own customers' messages; another collector's message is not
found rather than forbidden, so its existence does not leak. Administrators and credit
managers see everything. Sales reps never see the outbox (the views say 403).
"""
from email.utils import format_datetime

from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from relance.delivery.channels import CHANNELS
from relance.delivery.documents import history_pdf
from relance.delivery.models import Message, MessageState
from relance.ledger.models import Customer
from relance.team import access

WAITING = (MessageState.HELD, MessageState.PENDING)


def visible_messages(user, company):
    """The messages `user` may see."""
    return Message.objects.filter(company=company).filter(
        access.customer_scope(user, "action__customer__"))


def listed(messages):
    """What a row of the outbox shows about each message, read in one query."""
    return messages.select_related("action", "action__customer", "action__step")


def counts(messages):
    """{state: count} for every state, zero included."""
    found = dict(messages.values_list("state").annotate(n=Count("id")).order_by())
    return {state: found.get(state, 0) for state in MessageState.values}


def failed_count(user, company):
    """How many messages `user` may see failed for good."""
    return visible_messages(user, company).filter(state=MessageState.DEAD).count()


def message_for(user, company, pk):
    return get_object_or_404(
        listed(visible_messages(user, company)).select_related("action__customer__owner",
                                                               "action__contact"),
        pk=pk)


def attachment_for(message, pk):
    return get_object_or_404(message.attachments, pk=pk)


def has_eml(message):
    """Whether the email was composed: it then has a Message-ID and a fixed body."""
    return message.channel == "email" and bool(message.message_id)


def eml(message):
    """The email as it went on the wire, CRLF line endings included.

    Django builds the MIME message again from the snapshot: headers, text, HTML and
    attachments are those that went out; the Date header, which Django stamps when it
    builds, is set back to the moment the message was recorded as sent. Only the MIME
    boundaries differ from the bytes the server received."""
    mime = CHANNELS["email"].mime(message)
    if message.sent_at and mime["Date"]:
        mime.replace_header("Date", format_datetime(timezone.localtime(message.sent_at)))
    return mime.as_bytes(linesep="\r\n")


# A customer's history ---------------------------------------------------------------

# Managers see every customer; a collector the customers they own; a sales rep the
# customers they sell to (relance.team.access).
may_see_customer = access.can_view_customer


def customer_for(user, pk):
    customer = get_object_or_404(Customer.objects.select_related("company", "owner",
                                                                 "sales_rep"), pk=pk)
    if not may_see_customer(user, customer):
        raise Http404
    return customer


def sent_messages(customer):
    """The customer's messages that went out, oldest first, as history_pdf reads them."""
    messages = (Message.objects.filter(action__customer=customer, state=MessageState.SENT,
                                       sent_at__isnull=False)
                .prefetch_related("attachments").order_by("sent_at", "id"))
    return [{"sent_at": message.sent_at, "channel": message.get_channel_display(),
             "recipients": message.recipients + message.copies, "subject": message.subject,
             "text": message.text,
             "attachments": [a.name for a in message.attachments.all()]}
            for message in messages.iterator(chunk_size=200)]


def customer_history_pdf(customer, language, today):
    return history_pdf(customer, language, today, messages=sent_messages(customer))
