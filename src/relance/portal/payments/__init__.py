"""Card payments through a provider, one small class per provider, chosen by the
PAYMENT_PROVIDER setting from the `PROVIDERS` dict.

A provider has two methods:
- `checkout(request_data) -> str`: starts a hosted payment page for an amount and
  returns the address to send the debtor to; raises `ProviderError`.
- `confirmed(body, headers, now_ts) -> Confirmation | None`: reads a webhook call,
  verifies its signature (`SignatureInvalid` when it does not hold) and returns the
  confirmed payment, or None for an event that confirms nothing.
"""
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.module_loading import import_string


class ProviderError(Exception):
    """The provider could not start a payment."""


class SignatureInvalid(Exception):
    """A webhook call whose signature does not hold: ignored, answered 400."""


@dataclass(frozen=True)
class CheckoutRequest:
    amount: Decimal
    currency: str
    description: str
    customer_id: int
    company_id: int
    invoice_ids: tuple
    link_id: int
    success_url: str
    cancel_url: str


@dataclass(frozen=True)
class Confirmation:
    provider: str
    session_id: str
    amount: Decimal
    currency: str
    customer_id: int
    company_id: int
    invoice_ids: tuple
    reference: str


# name -> the provider's class, imported when first used.
PROVIDERS = {"stripe": "relance.portal.payments.stripe.Stripe"}


def configured():
    """The configured provider, or None when card payments are off."""
    name = settings.PAYMENT_PROVIDER.strip().lower()
    if not name:
        return None
    provider = by_name(name)
    return provider if provider is not None and provider.ready() else None


def by_name(name):
    path = PROVIDERS.get(name)
    return import_string(path)() if path else None
