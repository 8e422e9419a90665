"""Paying: by transfer (bank details, reference, EPC QR code for the chosen amount) or
by card through the configured provider, whose webhook records the payment."""
import time
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from relance.portal import cards, session, transfer
from relance.portal.forms import PayForm
from relance.portal.payments import (
    CheckoutRequest,
    ProviderError,
    SignatureInvalid,
    by_name,
    configured,
)
from relance.portal.statement import available_credit, open_invoice_rows, open_invoices


def _pay_form(request, data=None):
    """The form read from `data` or the query string; without either, every open
    invoice in the first currency, less the credit notes available."""
    options = {"invoices": open_invoice_rows(request.customer),
               "credit": available_credit(request.customer)}
    if data is not None or "invoices" in request.GET:
        return PayForm(data if data is not None else request.GET, **options)
    listed = open_invoices(request.customer)
    currency = listed[0].currency if listed else "EUR"
    return PayForm({"invoices": [i.pk for i in listed if i.currency == currency]},
                   **options)


def _pay_page(request, form, status, **extra):
    return render(request, "portal/pay.html", {
        "customer": request.customer, "company": request.customer.company, "form": form,
        "card": configured() is not None, **extra}, status=status)


@session.portal_view
@require_GET
def pay(request):
    form = _pay_form(request)
    if not form.is_valid():
        return _pay_page(request, form, 400)
    found = transfer.transfer_for(request.customer.company, request.customer,
                                  form.cleaned_data["invoices"], form.cleaned_data["amount"])
    return _pay_page(request, form, 200, transfer=found,
                     qr=transfer.epc_code(found) is not None,
                     query=request.GET.urlencode() or _query(form))


def _query(form):
    return urlencode({"invoices": [i.pk for i in form.cleaned_data["invoices"]],
                      "amount": form.cleaned_data["amount"]}, doseq=True)


@session.portal_view
@require_GET
def qr_png(request):
    form = _pay_form(request, request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose the invoices to pay."))
    found = transfer.transfer_for(request.customer.company, request.customer,
                                  form.cleaned_data["invoices"], form.cleaned_data["amount"])
    content = transfer.qr_png(found)
    if content is None:
        return HttpResponseBadRequest(_("No QR code for this payment."))
    return HttpResponse(content, content_type="image/png")


@session.portal_view
@require_POST
def pay_by_card(request):
    provider = configured()
    form = _pay_form(request, request.POST)
    if provider is None or not form.is_valid():
        return _pay_page(request, form, 400)
    chosen, link = form.cleaned_data["invoices"], request.portal_link
    try:
        address = provider.checkout(CheckoutRequest(
            amount=form.cleaned_data["amount"], currency=chosen[0].currency,
            description=_("Invoices %(numbers)s") % {
                "numbers": ", ".join(i.number for i in chosen)},
            customer_id=request.customer.pk, company_id=request.customer.company_id,
            invoice_ids=tuple(i.pk for i in chosen), link_id=link.pk,
            success_url=request.build_absolute_uri(reverse("portal:card_done")),
            cancel_url=request.build_absolute_uri(reverse("portal:pay"))))
    except ProviderError:
        form.add_error(None, _("The card payment could not be started. Try again later "
                               "or pay by transfer."))
        return _pay_page(request, form, 502)
    return redirect(address)


@session.portal_view
@require_GET
def card_done(request):
    return render(request, "portal/done.html", {
        "customer": request.customer,
        "message": _("Thank you: your card payment is being confirmed. It will appear "
                     "on your statement in a few minutes.")})


@csrf_exempt          # the provider signs its calls; it has no CSRF token
@login_not_required
@require_POST
def webhook(request, provider_name):
    """A provider's notice: the signature is checked first; a confirmed payment is
    recorded once, a replay changes nothing."""
    provider = by_name(provider_name)
    if provider is None or not provider.ready():
        return HttpResponse(status=404)
    try:
        confirmation = provider.confirmed(request.body, request.headers, int(time.time()))
    except SignatureInvalid:
        return HttpResponseBadRequest("bad signature")
    if confirmation is None:
        return HttpResponse("ignored")
    try:
        _payment, created = cards.record(confirmation, timezone.localdate())
    except cards.Unknown:
        return HttpResponseBadRequest("unknown customer")
    return HttpResponse("recorded" if created else "already recorded")
