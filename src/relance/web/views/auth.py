"""Logging in, with failed attempts rate-limited so that an attacker is slowed down
without locking the account's owner out.

A wrong password counts one failure for each of three keys (relance.web.throttle,
shared by every web process); an attempt is refused without checking the password
once one of them has had its limit in its window:

- the account *from this address* (LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS, 5 in
  LOGIN_FAILURE_WINDOW_SECONDS, 15 minutes): someone guessing one account from one
  place stops there, while the owner, from another network, still logs in;
- the address (LOGIN_FAILURES_PER_ADDRESS, 20 in the same window): one attacker
  trying many accounts;
- the account from anywhere (LOGIN_FAILURES_PER_ACCOUNT, 50 in
  LOGIN_ACCOUNT_WINDOW_SECONDS, an hour): the longer back-off against guessing spread
  over many addresses, far above what an owner mistyping ever reaches.

The failures counted are those of the last window (throttle.recent_hits), so a lockout
does not lift just because a fixed window's boundary passed. The address is
REMOTE_ADDR: behind a proxy, set TRUST_PROXY_HEADERS and have the proxy set it.
"""
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.utils import timezone
from django.utils.decorators import method_decorator

from relance.web import throttle


def _keys(request):
    """(key, limit, window in seconds) of each count an attempt is judged on."""
    email = (request.POST.get("username") or "").strip().lower()
    address = request.META.get("REMOTE_ADDR", "")
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    return [(f"login:pair:{email}:{address}", settings.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS,
             window),
            (f"login:address:{address}", settings.LOGIN_FAILURES_PER_ADDRESS, window),
            (f"login:account:{email}", settings.LOGIN_FAILURES_PER_ACCOUNT,
             settings.LOGIN_ACCOUNT_WINDOW_SECONDS)]


def locked_out(request, now):
    """Whether this attempt comes after too many failures for its account from its
    address, for its address, or for its account from anywhere."""
    return any(throttle.recent_hits(key, window, now) >= limit
               for key, limit, window in _keys(request))


def count_failure(request, now):
    for key, limit, window in _keys(request):
        throttle.allow(key, limit, window, now)


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
