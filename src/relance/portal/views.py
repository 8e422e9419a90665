"""The debtor's pages: opening a link, the statement, the downloads, the language.

Every page but `open_link` and the webhook goes through `session.portal_view`: the
customer is the session's link's, never an id from the URL or a form; an invoice id
that is not that customer's is a 404.
"""
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from relance.ledger.models import Invoice
from relance.portal import answers, documents, links, session
from relance.portal.payments import configured
from relance.portal.statement import statement_of
from relance.web.downloads import attachment

# The actions a reminder's buttons open directly.
ACTIONS = {"pay": "portal:pay", "dispute": "portal:dispute", "promise": "portal:promise",
           "paid": "portal:paid", "plan": "portal:plan", "contact": "portal:contact"}


@login_not_required
@require_GET
def open_link(request, token, action=""):
    """The link from an email: opens the portal session, then forgets the token (the
    next address has none, so it does not linger in the history or a Referer)."""
    if not session.allowed(request, f"open:ip:{session.client_address(request)}"):
        return session.too_many(request)
    link = links.find(token, timezone.now())
    if link is None or (action and action not in ACTIONS):
        return render(request, "portal/refused.html", {"reason": "invalid"}, status=404)
    session.open_session(request, link)
    link.last_used_at = timezone.now()
    link.save(update_fields=["last_used_at"])
    return redirect(ACTIONS.get(action, "portal:home"))


@session.portal_view
@require_GET
def home(request):
    customer = request.customer
    return render(request, "portal/home.html", {
        "customer": customer, "company": customer.company,
        "statement": statement_of(customer, timezone.localdate()), "card": configured() is not None,
        "limits": answers.policy_of(customer.company)})


@session.portal_view(costly=True)
@require_GET
def invoice_pdf(request, pk):
    invoice = get_object_or_404(Invoice, pk=pk, customer=request.customer)
    name, content = documents.invoice_file(request.customer, invoice, request.LANGUAGE_CODE)
    return attachment(content, name)


@session.portal_view(costly=True)
@require_GET
def statement_pdf(request):
    name, content = documents.statement_file(request.customer, request.LANGUAGE_CODE)
    return attachment(content, name)


@session.portal_view
@require_POST
def language(request):
    chosen = request.POST.get("language", "")
    if chosen not in ("fr", "en"):
        raise Http404
    request.session[session.LANGUAGE_KEY] = chosen
    return redirect(request.POST.get("next") if _is_portal_path(request.POST.get("next"))
                    else "portal:home")


def _is_portal_path(path):
    return bool(path) and path.startswith(reverse("portal:home")) and "//" not in path and "\\" not in path

