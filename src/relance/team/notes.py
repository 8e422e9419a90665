"""Writing a note on a customer's file, and telling the teammates it mentions.

A note is saved with the teammates it mentions (relance.team.mentions), leaves a
`note.added` row on the timeline, and gives each mentioned teammate (but its author)
an in-app notification and an email through relance.team.notify (emails after the
commit: a note that is rolled back tells nobody).
"""
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from relance.ledger import timeline
from relance.team import notify
from relance.team.mentions import Teammate, mentioned
from relance.team.models import Note, Notification, User

MAX_LENGTH = 5000


def teammates():
    """Everyone a note may mention: the active users."""
    return [Teammate(u.pk, u.first_name, u.last_name, u.email)
            for u in User.objects.filter(is_active=True)]


@transaction.atomic
def add_note(customer, author, text, now=None):
    now = now or timezone.now()
    note = Note.objects.create(company_id=customer.company_id, customer=customer,
                               author=author, text=text, created_at=now)
    ids = [pk for pk in mentioned(text, teammates()) if pk != author.pk]
    note.mentioned.set(ids)
    timeline.record(customer.company, "note.added", customer=customer, actor=author,
                    message=text[:300], at=now, data={"note": note.pk, "mentioned": ids})
    link = reverse("web:customer", args=[customer.pk]) + "?tab=notes"
    recipients = User.objects.filter(pk__in=ids).order_by("pk")
    notify.users(recipients, lambda: _notice(author, customer, note, link), link,
                 note=note, now=now)
    return note


def _notice(author, customer, note, link):
    """The notice's text and email body, in the language active when called."""
    text = _("%(author)s mentioned you on %(customer)s") % {
        "author": author, "customer": customer.name}
    body = _("%(author)s wrote on %(customer)s:\n\n%(text)s\n\n%(url)s") % {
        "author": author, "customer": customer.name, "text": note.text,
        "url": notify.absolute(link)}
    return text, body


def unread(user):
    return Notification.objects.filter(user=user, read_at__isnull=True)


def mark_read(user, pk=None, now=None):
    """Mark one notification of `user` read, or all of them."""
    found = unread(user)
    if pk is not None:
        found = found.filter(pk=pk)
    return found.update(read_at=now or timezone.now())
