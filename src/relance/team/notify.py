"""Telling users that something needs their attention: one path for every notice.

`users(recipients, compose, link)`:
  1. composes each notice in its recipient's language (`compose()` is called under
     that language and returns the short text, also the email's subject, and the
     email's body, which carries `absolute(link)`),
  2. writes an in-app Notification row per recipient (the bell counts the unread ones),
  3. sends one email per recipient with an address, after the commit: a rolled-back
     change tells nobody, and a failed email is logged, never undoing the record.

Used by the notes' @mentions (relance.team.notes) and the debtor's portal answers
(relance.portal.answers).
"""
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation

from relance.team.models import Notification

log = logging.getLogger(__name__)
TEXT_LENGTH = Notification._meta.get_field("text").max_length


def users(recipients, compose, link, *, note=None, now=None):
    """Notify each of `recipients` (users) in-app and by email; returns the rows."""
    now = now or timezone.now()
    rows, emails = [], []
    for user in recipients:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            text, body = compose()
        rows.append(Notification.objects.create(
            user=user, note=note, link=link, created_at=now, text=text[:TEXT_LENGTH]))
        if user.email:
            emails.append((user.email, text, body))
    if emails:
        transaction.on_commit(lambda: _send(emails))
    return rows


def absolute(link):
    """The address of `link` for an email: PUBLIC_URL, never the request's host."""
    return settings.PUBLIC_URL + link


def _send(emails):
    for address, subject, body in emails:
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        except OSError:   # the notification is recorded; a lost email must not undo it
            log.warning("could not email a notification to %s", address, exc_info=True)
