"""Issuing, finding and revoking portal links.

A token is 32 random-looking bytes, URL-safe: the HMAC of the link's random nonce under
SECRET_KEY. The database keeps the nonce and the SHA-256 of the token, never the token:
finding a link hashes what the URL carries; putting the same link in the next reminder
rebuilds the token from the nonce, which only the server (holding SECRET_KEY) can do.
"""
import base64
import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from relance.ledger import timeline
from relance.portal import rules
from relance.portal.models import PortalLink

NONCE_BYTES = 32


def digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def token_of(link):
    """The link's token, rebuilt from its nonce; None if SECRET_KEY changed since."""
    token = _token_for_nonce(link.nonce)
    return token if hmac.compare_digest(digest(token), link.token_digest) else None


def url(token, action=""):
    """The absolute address of the portal (or of one of its actions) for `token`."""
    path = reverse("portal:open", args=[token])
    return f"{settings.PUBLIC_URL}{path}{action + '/' if action else ''}"


@transaction.atomic
def issue(customer, now, user=None, days=None, record=True):
    """A new link for `customer`, valid `days` (PORTAL_LINK_DAYS); returns (link, token).
    A link a reminder needs is not recorded (`record=False`): the message is."""
    link = PortalLink(company_id=customer.company_id, customer=customer,
                      nonce=secrets.token_urlsafe(NONCE_BYTES), created_at=now,
                      expires_at=now + dt.timedelta(days=days or settings.PORTAL_LINK_DAYS),
                      created_by=user if user is not None and user.is_authenticated else None)
    token = _token_for_nonce(link.nonce)
    link.token_digest = digest(token)
    link.save()
    if record:
        timeline.record(customer.company, "portal.link_issued", customer=customer,
                        data={"link": link.pk, "expires_at": link.expires_at.isoformat()},
                        **timeline.actor_of(user))
    return link, token


def _token_for_nonce(nonce):
    mac = hmac.new(settings.SECRET_KEY.encode(), b"relance.portal.link:" + nonce.encode(),
                   hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def find(token, now):
    """The valid link `token` opens, or None (unknown, expired or revoked alike)."""
    if not token or len(token) > 100:
        return None
    link = (PortalLink.objects.select_related("customer", "company")
            .filter(token_digest=digest(token)).first())
    return link if _opens(link, now) else None


def still_valid(link_id, now):
    """The link of a portal session, re-read: a revocation takes effect at once."""
    if not isinstance(link_id, int):
        return None
    link = (PortalLink.objects.select_related("customer", "company", "customer__owner")
            .filter(pk=link_id).first())
    return link if _opens(link, now) else None


def _opens(link, now):
    # The customer must still be the company's: a link never crosses creditors.
    return (link is not None and link.is_valid(now)
            and link.customer.company_id == link.company_id)


def active(customer, now):
    return (PortalLink.objects.filter(customer=customer, revoked_at__isnull=True,
                                      expires_at__gt=now).order_by("-expires_at"))


@transaction.atomic
def revoke_all(customer, now, user=None):
    count = active(customer, now).update(revoked_at=now)
    if count:
        timeline.record(customer.company, "portal.link_revoked", customer=customer,
                        data={"links": count}, **timeline.actor_of(user))
    return count


@transaction.atomic
def regenerate(customer, now, user=None):
    """Revoke every link of the customer and issue a new one: (link, token)."""
    revoke_all(customer, now, user)
    return issue(customer, now, user)


def for_reminder(customer, now):
    """The portal address a reminder carries: the customer's active link when it has
    PORTAL_LINK_MIN_DAYS_LEFT left, else a new one. The message stores the text it was
    composed with, so a later link never changes a composed message. Only the sending
    path calls this; a page that shows a reminder reads `reusable_url`."""
    reused = reusable_url(customer, now)
    if reused:
        return reused
    _link, token = issue(customer, now, record=False)
    return url(token)


def reusable_url(customer, now):
    """The address of the customer's link a reminder sent `now` would reuse, or "";
    reads only."""
    for link in active(customer, now)[:3]:
        if rules.reusable_for_reminder(link.expires_at, now,
                                       settings.PORTAL_LINK_MIN_DAYS_LEFT):
            token = token_of(link)
            if token:
                return url(token)
    return ""
