"""The portal's rules, pure: dates, amounts, bytes and texts in, decisions out. No ORM,
no clock: the views pass today and now."""
import datetime as dt
import hashlib
import hmac
import re
from decimal import Decimal

from django.utils.translation import gettext as _
from stdnum import iso11649

from relance.ledger.references import creditor_reference

# What a file must start with to be what it says (its "magic bytes"): the name and the
# browser's content type are the sender's word, the content is the fact.
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)
MAX_REMITTANCE_TEXT = 140  # EPC069-12: unstructured remittance information


def sniff(head: bytes):
    """(content type, extension) of a PDF, PNG or JPEG file by its first bytes; None
    for anything else."""
    for magic, content_type, extension in SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    return None


def reusable_for_reminder(expires_at, now, min_days_left):
    """A link goes in a reminder only if the debtor still has time to use it."""
    return expires_at - now >= dt.timedelta(days=min_days_left)


def promise_problem(promised_for, amount, today, max_days, most):
    """Why the company cannot accept this promise, or "" when it can."""
    if promised_for < today:
        return _("The promised date cannot be in the past.")
    if promised_for > today + dt.timedelta(days=max_days):
        return _("The promised date can be at most %(days)s days from today.") % {
            "days": max_days}
    if amount <= 0:
        return _("The promised amount must be positive.")
    if amount > most:
        return _("The promised amount cannot exceed what is open on these invoices.")
    return ""


def plan_problem(instalments, starts_on, today, max_instalments, max_start_days):
    if not 2 <= instalments <= max_instalments:
        return _("Choose between 2 and %(most)s instalments.") % {"most": max_instalments}
    if starts_on < today:
        return _("The first instalment cannot be in the past.")
    if starts_on > today + dt.timedelta(days=max_start_days):
        return _("The first instalment can be at most %(days)s days from today.") % {
            "days": max_start_days}
    return ""


def declaration_problem(paid_on, amount, today):
    if paid_on > today:
        return _("The payment date cannot be in the future.")
    if amount <= 0:
        return _("The paid amount must be positive.")
    return ""


def _alnum(text):
    return re.sub(r"[^0-9A-Za-z]", "", text).upper()


def transfer_reference(customer_reference, invoice_numbers):
    """What the debtor quotes on a transfer so that the payment names the customer and
    the invoices: (structured, text).

    1. The customer's reference and the invoice numbers, letters and digits only, are
       joined by "Z"; when that fits ISO 11649 (21 characters), it is the structured
       RF reference (`ledger.references.creditor_reference`) and `text` is empty.
    2. Otherwise `structured` is "" and `text` names them in words ("C042 F-1 F-2"),
       cut to the 140 characters EPC069-12 allows.
    """
    body = "Z".join([_alnum(customer_reference)] + [_alnum(n) for n in invoice_numbers])
    structured = creditor_reference(body)
    if structured != body and iso11649.is_valid(structured):
        return structured, ""
    return "", " ".join([customer_reference, *invoice_numbers])[:MAX_REMITTANCE_TEXT]


def allocations(amount, invoices):
    """Split a payment over (invoice id, open amount) pairs, oldest first as given:
    each gets what is open on it until the money runs out. The rest is unapplied."""
    left, shares = Decimal(amount), []
    for invoice_id, open_amount in invoices:
        share = min(left, Decimal(open_amount))
        if share > 0:
            shares.append((invoice_id, share))
            left -= share
    return shares


def stripe_signature_valid(header, payload: bytes, secret, now_ts, tolerance=300):
    """Stripe's webhook signature: the header is "t=TIMESTAMP,v1=HEX[,v1=HEX...]";
    a v1 must equal HMAC-SHA256(secret, "TIMESTAMP.payload") and the timestamp be
    within `tolerance` seconds of now (a replayed old event is refused)."""
    if not secret or not header:
        return False
    parts = [item.split("=", 1) for item in header.split(",") if "=" in item]
    stamps = [value for key, value in parts if key.strip() == "t"]
    signatures = [value.strip() for key, value in parts if key.strip() == "v1"]
    if len(stamps) != 1 or not stamps[0].strip().isdigit() or not signatures:
        return False
    if abs(now_ts - int(stamps[0])) > tolerance:
        return False
    signed = stamps[0].strip().encode() + b"." + payload
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, signature) for signature in signatures)


def stripe_signature(payload: bytes, secret, timestamp):
    """The header Stripe would send for `payload` (tests and the docs' example)."""
    signed = str(timestamp).encode() + b"." + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
