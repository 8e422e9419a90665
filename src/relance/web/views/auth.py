"""Logging in, with failed attempts rate-limited per account and per address.

A wrong password counts one failure for the email typed and one for the client's IP
address (relance.web.throttle, shared by every web process). Once an account has had
LOGIN_FAILURES_PER_ACCOUNT failures in LOGIN_FAILURE_WINDOW_SECONDS, or an address
LOGIN_FAILURES_PER_ADDRESS, further attempts are refused without checking the password:
guessing is slowed down for one account and for one attacker trying many accounts.
The failures counted are those of the last window (throttle.recent_hits), so a lockout
does not lift just because a fixed window's boundary passed. The address is
REMOTE_ADDR: behind a proxy, have the proxy set it.
"""
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.utils import timezone
from django.utils.decorators import method_decorator

from relance.web import throttle


def _keys(request):
    email = (request.POST.get("username") or "").strip().lower()
    return [(f"login:account:{email}", settings.LOGIN_FAILURES_PER_ACCOUNT),
            (f"login:address:{request.META.get('REMOTE_ADDR', '')}",
             settings.LOGIN_FAILURES_PER_ADDRESS)]


def locked_out(request, now):
    """Whether this attempt comes after too many failures for its account or address."""
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    return any(throttle.recent_hits(key, window, now) >= limit for key, limit in _keys(request))


def count_failure(request, now):
    for key, limit in _keys(request):
        throttle.allow(key, limit, settings.LOGIN_FAILURE_WINDOW_SECONDS, now)


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    def post(self, request, *args, **kwargs):
        now = timezone.now()
        if locked_out(request, now):
            # An unbound form: the password is not even checked.
            form = self.get_form_class()(request, initial={
                "username": request.POST.get("username", "")})
            context = self.get_context_data(form=form, locked_out=True)
            return self.render_to_response(context, status=429)
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200:   # the form came back: a failed attempt
            count_failure(request, now)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """The reset email's link starts with PUBLIC_URL, as the portal's links do: behind
    a reverse proxy the request's host is an internal name that must not leak."""

    def form_valid(self, form):
        self.extra_email_context = {"public_url": settings.PUBLIC_URL}
        return super().form_valid(form)
