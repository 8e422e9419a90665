"""The headers every response carries for its safety, beside Django's own
(SecurityMiddleware: HSTS, SSL redirect, nosniff, referrer policy).

- **Content-Security-Policy**, strict: scripts, styles, images, fonts and connections
  from Relance itself only, no inline script or style, no plugin, no `<base>`, forms
  posted to Relance (or the card payment's checkout, `CSP_FORM_ACTION`), never
  framed. The vendored htmx and Chart.js work under it. A view that shows an email's
  HTML in a sandboxed frame lets that frame's inline styles through
  (`allow_inline_styles`).
- **Cache-Control: no-store** on every response to a signed-in user and on every
  download: a shared or back-button cache keeps no customer's data. Static files are
  served before this (WhiteNoise) and stay cacheable.
"""
from django.conf import settings
from django.utils.cache import add_never_cache_headers, patch_cache_control

CSP_HEADER = "Content-Security-Policy"


def policy(inline_styles=False):
    """The Content-Security-Policy header's value."""
    styles = "'self' 'unsafe-inline'" if inline_styles else "'self'"
    forms = " ".join(["'self'", *settings.CSP_FORM_ACTION])
    return "; ".join([
        "default-src 'self'", "script-src 'self'", f"style-src {styles}",
        "img-src 'self' data:", "font-src 'self'", "connect-src 'self'",
        "object-src 'none'", "base-uri 'none'", f"form-action {forms}",
        "frame-ancestors 'none'",
    ])


def allow_inline_styles(response):
    """Mark `response` as showing HTML with inline styles (an email in a sandboxed
    frame): its policy lets them through, and only them."""
    response.inline_styles = True
    return response


class SecurityHeaders:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if CSP_HEADER not in response:
            response[CSP_HEADER] = policy(getattr(response, "inline_styles", False))
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or _is_download(response):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response


def _is_download(response):
    return response.get("Content-Disposition", "").startswith("attachment")
