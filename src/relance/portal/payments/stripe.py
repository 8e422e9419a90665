"""Stripe Checkout: a session created by a form-encoded POST to /v1/checkout/sessions,
confirmed by the `checkout.session.completed` webhook signed with the endpoint secret.

Plain urllib, no SDK: two calls do not need one, and STRIPE_API_BASE points tests at a
loopback server standing in for Stripe.
"""
import json
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal

from django.conf import settings

from relance.portal import rules
from relance.portal.payments import Confirmation, ProviderError, SignatureInvalid

TIMEOUT_SECONDS = 15
# Currencies Stripe counts in units, not cents (none of them is likely, all are listed).
ZERO_DECIMAL = {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF",
                "UGX", "VND", "VUV", "XAF", "XOF", "XPF"}


def minor_units(amount, currency):
    factor = 1 if currency.upper() in ZERO_DECIMAL else 100
    return int((Decimal(amount) * factor).quantize(Decimal(1)))


def major_units(units, currency):
    factor = 1 if currency.upper() in ZERO_DECIMAL else 100
    return (Decimal(units) / factor).quantize(Decimal("0.01"))


class Stripe:
    name = "stripe"

    def __init__(self):
        self.secret_key = settings.STRIPE_SECRET_KEY
        self.webhook_secret = settings.STRIPE_WEBHOOK_SECRET
        self.api_base = settings.STRIPE_API_BASE

    def ready(self):
        return bool(self.secret_key and self.webhook_secret)

    def checkout(self, request):
        fields = {
            "mode": "payment",
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
            "client_reference_id": f"{request.company_id}-{request.customer_id}",
            "line_items[0][quantity]": "1",
            "line_items[0][price_data][currency]": request.currency.lower(),
            "line_items[0][price_data][unit_amount]": str(
                minor_units(request.amount, request.currency)),
            "line_items[0][price_data][product_data][name]": request.description[:250],
            "metadata[company]": str(request.company_id),
            "metadata[customer]": str(request.customer_id),
            "metadata[invoices]": ",".join(str(i) for i in request.invoice_ids),
            "metadata[link]": str(request.link_id),
        }
        session = self._post("/v1/checkout/sessions", fields)
        if not session.get("url"):
            raise ProviderError("Stripe answered without a checkout address")
        return session["url"]

    def _post(self, path, fields):
        data = urllib.parse.urlencode(fields).encode()
        call = urllib.request.Request(
            self.api_base + path, data=data, method="POST",
            headers={"Authorization": f"Bearer {self.secret_key}",
                     "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(call, timeout=TIMEOUT_SECONDS) as answer:
                return json.loads(answer.read())
        except (urllib.error.URLError, OSError, ValueError) as problem:
            raise ProviderError(f"Stripe: {problem}") from None

    def confirmed(self, body, headers, now_ts):
        if not rules.stripe_signature_valid(headers.get("Stripe-Signature", ""), body,
                                            self.webhook_secret, now_ts):
            raise SignatureInvalid("Stripe-Signature does not match")
        try:
            event = json.loads(body)
            if event.get("type") != "checkout.session.completed":
                return None
            return self._confirmation(event["data"]["object"])
        except (ValueError, KeyError, TypeError, AttributeError):
            return None

    def _confirmation(self, session):
        if session.get("payment_status") != "paid":
            return None
        metadata = session.get("metadata") or {}
        currency = session["currency"].upper()
        invoices = tuple(int(i) for i in (metadata.get("invoices") or "").split(",") if i)
        return Confirmation(
            provider=self.name, session_id=session["id"],
            amount=major_units(session["amount_total"], currency), currency=currency,
            customer_id=int(metadata["customer"]), company_id=int(metadata["company"]),
            invoice_ids=invoices,
            reference=str(session.get("payment_intent") or session["id"]))
