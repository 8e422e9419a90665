"""Letters and invoice summaries: data in, PDF bytes out, no database.

A letter is printed from the context a reminder is rendered with
(`compose.context.build_context`) and the reminder's rendered subject and body. When
the step's tone is "formal_notice" or "legal", the letter is a formal notice (mise en
demeure): a heading and a statement of the sums claimed, with a deadline and what will
follow, written per language in `templates/delivery/pdf/notice/` (the law's words are
not left to a translation catalogue). docs/letters.md describes the layout.
"""
import re
from datetime import timedelta
from functools import partial

from relance.compose.documents.rendering import (
    Formats, creditor, lines, paragraphs, payment_block, render_pdf,
)
from relance.legal.penalties import INDEMNITY

FORMAL_TONES = frozenset({"formal_notice", "legal"})
# Without a deadline from the step, a formal notice gives eight days: the short end of
# the usual 8 to 15, since the earlier reminders already gave time.
DEFAULT_NOTICE_DAYS = 8
# A body written as a whole letter (the shipped formal notice is one) opens with the
# letterhead, addresses, date and subject the layout already prints: up to its own
# "Objet :" line near the top, it is left out.
OWN_SUBJECT = re.compile(r"\s*(objet|subject)\s*:", re.IGNORECASE)
HEADER_LINES = 30


def letter_pdf(context, subject, body, language, *, registered=False) -> bytes:
    """An A4 letter for a window envelope; a formal notice when the tone says so.

    1. Format the context's amounts and dates in `language`.
    2. With a formal tone, compute the statement of the sums claimed and its deadline.
    3. Leave out the body's own letterhead, if it has one.
    4. Render templates/delivery/pdf/letter.html and lay it out.
    """
    formats = Formats(language)
    claim = _claim(context, formats) if is_formal_notice(context) else None
    body = without_own_letterhead(body)
    total = context["total"]
    amount = claim["amount_due"] if claim else total["amount"]
    page = {
        "company": creditor(context["company"]),
        "recipient": recipient_lines(context),
        "customer_reference": context["customer"]["reference"],
        "place": context["company"].get("city") or "",
        "date": formats.date(context["today"]),
        "registered": registered,
        "subject": subject,
        "paragraphs": paragraphs(body),
        "invoices": [_invoice_row(i, formats)
                     for i in context["invoices"] + context["other_overdue"]],
        "totals": [formats.money(t["amount"], t["currency"]) for t in context["totals"]],
        "claim": claim,
        "payment": payment_block(context["company"], context["payment"], amount,
                                 total["currency"], formats),
        "signature": lines(context["collector"]["signature"]),
        "signed": ends_with(body, context["collector"]["signature"]),
    }
    return render_pdf("delivery/pdf/letter.html", page, language)


def without_own_letterhead(body):
    text = body.splitlines()
    for index, line in enumerate(text[:HEADER_LINES]):
        if OWN_SUBJECT.match(line):
            return "\n".join(text[index + 1:])
    return body


def ends_with(body, signature):
    """Whether the body already ends with the signature, as the shipped texts do: the
    letter then does not sign twice."""
    signed = lines(signature)
    return bool(signed) and lines(body)[-len(signed):] == signed


def is_formal_notice(context):
    return context["step"]["tone"] in FORMAL_TONES


def notice_deadline(context):
    """The date the formal notice gives to pay: the step's, or eight days from today."""
    return context["deadline"] or context["today"] + timedelta(days=DEFAULT_NOTICE_DAYS)


def recipient_lines(context):
    """The address block, as French postal practice writes to a company (NF Z10-011):
    the company, then the person it is for, then the address; six lines at most."""
    customer, contact = context["customer"], context.get("contact")
    block = [customer["name"]]
    if contact and contact.get("name"):
        block.append(contact["name"])
    return (block + lines(customer.get("address")))[:6]


def _claim(context, formats):
    """The sums a formal notice claims, formatted: the context's one claim
    (`context.message_claim`), per currency, the indemnities in euros."""
    penalties = context["penalties"]
    currency = penalties["currency"]
    claims = context["claims"]
    totals = [{"currency": line["currency"], "value": line["total"],
               "amount": formats.money(line["total"], line["currency"])}
              for line in claims if line["total"] or line["currency"] == currency]
    return {
        "template": f"delivery/pdf/notice/{formats.language}.html",
        "as_of": formats.date(context["today"]),
        "principal": [{"currency": line["currency"],
                       "amount": formats.money(line["open"], line["currency"])}
                      for line in claims if line["open"] or line["currency"] == currency],
        "rate": formats.number(penalties["rate"]),
        "penalties": formats.money(penalties["amount"], currency),
        "late_invoices": penalties["late_invoices"],
        "indemnity_each": formats.money(INDEMNITY, penalties["indemnity_currency"]),
        "indemnity": formats.money(penalties["indemnity"], penalties["indemnity_currency"]),
        "totals": totals,
        "amount_due": totals[0]["value"],
        "deadline": formats.date(notice_deadline(context)),
    }


def _invoice_row(invoice, formats):
    days = invoice.get("days_late") or 0
    return {"number": invoice["number"],
            "issue_date": formats.short_date(invoice["issue_date"]),
            "due_date": formats.short_date(invoice["due_date"]),
            "amount": formats.money(invoice["amount"], invoice["currency"]),
            "open_amount": formats.money(invoice["open_amount"], invoice["currency"]),
            "days_late": days if days > 0 else ""}


def invoice_summary_pdf(company, customer, invoice, language) -> bytes:
    """One page that stands in for an invoice whose PDF the creditor has not uploaded.

    It says plainly that it is a summary, not the original invoice. The transfer
    reference is the invoice number.
    """
    formats = Formats(language)
    currency = invoice["currency"]
    money = partial(formats.money, currency=currency)
    page = {
        "company": creditor(company),
        "customer": {**customer, "address_lines": lines(customer.get("address"))},
        "invoice": {
            "number": invoice["number"],
            "issue_date": formats.date(invoice["issue_date"]),
            "due_date": formats.date(invoice["due_date"]),
            "amount_excl_tax": money(invoice["amount_excl_tax"]),
            "vat": money(invoice["vat"]),
            "amount": money(invoice["amount"]),
            "open_amount": money(invoice["open_amount"]),
            "paid": (money(invoice["amount"] - invoice["open_amount"])
                     if invoice["open_amount"] != invoice["amount"] else ""),
        },
        "payment": payment_block(
            company, {"iban": company.get("iban"), "bic": company.get("bic"),
                      "reference": invoice["number"]},
            invoice["open_amount"], currency, formats),
    }
    return render_pdf("delivery/pdf/invoice_summary.html", page, language)
