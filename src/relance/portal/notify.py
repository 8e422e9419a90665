"""Telling the customer's owner (the collector) that the debtor answered: an email
after the commit, never inside a transaction that may roll back."""
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from relance.ledger import timeline

log = logging.getLogger(__name__)


def owner_of_answer(customer, event_type, summary):
    owner = customer.owner
    if owner is None or not owner.email:
        return
    language = owner.language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = _("%(customer)s: %(what)s on the portal") % {
            "customer": customer.name, "what": timeline.label(event_type)}
        body = _("%(customer)s (%(reference)s) answered on the portal: %(what)s.\n\n"
                 "%(summary)s\n\nSee the customer: %(url)s") % {
            "customer": customer.name, "reference": customer.reference,
            "what": timeline.label(event_type), "summary": summary,
            "url": settings.PUBLIC_URL + reverse("web:customer", args=[customer.pk])}
    transaction.on_commit(lambda: _send(subject, body, owner.email))


def _send(subject, body, address):
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    except OSError:   # the answer is recorded; a lost notice must not undo it
        log.warning("could not notify %s of a portal answer", address, exc_info=True)
