"""The portal session: the token in the URL opens it, later pages read it.

Opening a link stores its id in the (signed-cookie-keyed, server-side) session; every
portal view goes through `portal_view`, which re-reads the link so that an expired or
revoked one closes the portal at once, throttles POSTs per link and per address, and
renders the page in the debtor's language (the customer's, until the debtor switches).
"""
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache

from relance.portal import links
from relance.web import throttle

SESSION_KEY = "portal_link"
LANGUAGE_KEY = "portal_language"


def client_address(request):
    # Behind a proxy REMOTE_ADDR is the proxy: operators set one up in front of
    # gunicorn and pass the address on (docs/portal.md).
    return request.META.get("REMOTE_ADDR", "")


def allowed(request, *scopes):
    """One hit counted for each scope ("ip", "link:ID"...); False once any is over."""
    now = timezone.now()
    verdicts = [throttle.allow(f"portal:{scope}", settings.PORTAL_RATE_LIMIT,
                               settings.PORTAL_RATE_WINDOW_SECONDS, now) for scope in scopes]
    return all(verdicts)


def too_many(request):
    return render(request, "portal/refused.html",
                  {"reason": "throttled"}, status=429)


# Room for the form's other fields beside the largest file allowed.
FORM_MARGIN_BYTES = 1024 * 1024


def _body_too_large(request):
    """A body far beyond the largest upload is refused before Django reads it (it
    would otherwise be spooled to disk, then refused)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > settings.PORTAL_UPLOAD_MAX_BYTES + FORM_MARGIN_BYTES


def language_of(request, customer):
    wanted = request.session.get(LANGUAGE_KEY) or customer.language
    return wanted if wanted in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def open_session(request, link):
    request.session.cycle_key()
    request.session[SESSION_KEY] = link.pk
    request.session[LANGUAGE_KEY] = language_of(request, link.customer)


def portal_view(view=None, *, costly=False):
    """The link of the session, still valid, or the "link no longer valid" page.

    POSTs, and GETs of `costly` views (PDFs drawn on demand), count against the rate
    limits of the link and of the client's address. Pages are never cached: they are
    one customer's accounts.
    """
    if view is None:
        return lambda inner: portal_view(inner, costly=costly)

    @login_not_required
    @never_cache
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        link = links.still_valid(request.session.get(SESSION_KEY), timezone.now())
        if link is None:
            with translation.override(request.session.get(LANGUAGE_KEY) or "fr"):
                return render(request, "portal/refused.html", {"reason": "invalid"},
                              status=403)
        if (request.method == "POST" or costly) and not allowed(
                request, f"link:{link.pk}", f"ip:{client_address(request)}"):
            return too_many(request)
        if _body_too_large(request):
            return render(request, "portal/refused.html", {"reason": "too_large"},
                          status=413)
        request.portal_link, request.customer = link, link.customer
        language = language_of(request, link.customer)
        with translation.override(language):
            request.LANGUAGE_CODE = language
            return view(request, *args, **kwargs)
    return wrapper
