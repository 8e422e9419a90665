"""What every PDF document shares: a Django template rendered in the document's
language, laid out by WeasyPrint with one stylesheet, and the few formats and blocks
(amounts, dates, addresses, payment instructions) that letters, summaries and
history files print the same way.

Amounts and dates are formatted as the reminder filters format them
(relance.compose.formatting), so a letter prints "1 234,56 €" and "23 novembre 2026"
exactly as the email it goes with. Templates receive text already formatted: they stay
free of custom tags. The templates and the stylesheet are the delivery app's
(`delivery/pdf/...`).
"""
from decimal import Decimal
from functools import cache
from pathlib import Path

import weasyprint
from babel.dates import format_datetime
from django.apps import apps
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from segno import helpers as segno_helpers
from stdnum import iso11649

from relance.compose import formatting

STYLESHEET = "templates/delivery/pdf/document.css"  # in the delivery app's folder
# French typography puts a (narrow) non-breaking space before a colon: "Objet : ...".
COLONS = {"fr": "\u00a0:", "en": ":"}


class Formats:
    """The formats of one language, handed to the templates as ready text."""

    def __init__(self, language):
        self.language = formatting.language_code(language)
        self.locale = formatting.LOCALES[self.language]
        self.colon = COLONS[self.language]

    def money(self, amount, currency):
        return formatting.money(amount, currency, self.locale)

    def date(self, day):
        """23 novembre 2026, 1er décembre 2026; 23 November 2026."""
        return formatting.date(day, "long", self.locale) if day else ""

    def short_date(self, day):
        return formatting.date(day, "dd/MM/yyyy", self.locale) if day else ""

    def number(self, value):
        return formatting.number(value, self.locale)

    def moment(self, at):
        """A timestamp in the project's time zone, to the second: evidence needs it."""
        if timezone.is_aware(at):
            at = timezone.localtime(at)
        return format_datetime(at, "dd/MM/yyyy HH:mm:ss", locale=self.locale)


def render_pdf(template, context, language):
    """Render `template` with `context` in `language` and lay it out as PDF bytes."""
    formats = Formats(language)
    with translation.override(formats.language):
        html = render_to_string(template, {**context, "language": formats.language,
                                           "colon": formats.colon,
                                           "page_label": page_label()})
    return weasyprint.HTML(string=html).write_pdf(stylesheets=[_stylesheet()])


@cache
def _stylesheet():
    """Parsed once per process: parsing it is a measurable share of a small letter."""
    folder = Path(apps.get_app_config("delivery").path)
    return weasyprint.CSS(filename=str(folder / STYLESHEET))


def page_label(total=True):
    """The translated "Page 2 of 3" (or "Page 2") as a CSS `content` value with live
    page counters."""
    if total:
        text = _("Page %(number)s of %(total)s") % {"number": "\0number\0",
                                                     "total": "\0total\0"}
    else:
        text = _("Page %(number)s") % {"number": "\0number\0"}
    parts = []
    for piece in text.split("\0"):
        if piece == "number":
            parts.append("counter(page)")
        elif piece == "total":
            parts.append("counter(pages)")
        elif piece:
            parts.append('"%s"' % piece.replace("\\", "\\\\").replace('"', '\\"'))
    return " ".join(parts)


def lines(text):
    """A multi-line address or signature as a list of its non-blank lines."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def paragraphs(text):
    """Plain text to paragraphs: blank lines separate them; inside one, the line
    breaks stay (the template prints them with `linebreaksbr`, which escapes)."""
    blocks, current = [], []
    for line in (text or "").splitlines():
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


def creditor(company):
    """The creditor as the header and the legal footer print it."""
    return {**company, "address_lines": lines(company.get("address")),
            "address_inline": ", ".join(lines(company.get("address")))}


def creditor_of(company):
    """`creditor` for a Company row, for documents built from the ledger itself."""
    return creditor({"name": company.name, "address": "\n".join(company.address_lines),
                     "siren": company.siren, "vat_number": company.vat_number,
                     "phone": company.phone, "email": company.email})


def payment_block(company, payment, amount, currency, formats):
    """Payment instructions; an EPC QR code ("BCD", EPC069-12) when paid in euros.

    `amount` is what the document asks for; None or zero leaves it to the payer.
    """
    iban = (payment.get("iban") or "").replace(" ", "")
    if not iban:
        return None
    block = {"iban": _spaced(iban), "bic": payment.get("bic") or "",
             "reference": payment.get("reference") or "",
             "amount": formats.money(amount, currency) if amount else "", "qr": ""}
    if currency == "EUR":
        block["qr"] = epc_qr(company["name"], iban, block["bic"], amount,
                             block["reference"])
    return block


def epc_qr(name, iban, bic, amount, reference):
    """The EPC QR code as an SVG data URI; "" when the data does not fit the standard
    (no amount or one out of its range, a malformed IBAN or BIC)."""
    if amount is None or not Decimal("0.01") <= amount <= Decimal("999999999.99"):
        return ""
    structured = bool(reference) and iso11649.is_valid(reference)
    remittance = ({"reference": iso11649.compact(reference)} if structured
                  else {"text": (reference or name)[:140]})
    try:
        code = segno_helpers.make_epc_qr(name=name[:70], iban=iban, amount=amount,
                                         bic=bic or None, **remittance)
    except ValueError:
        return ""
    return code.svg_data_uri(scale=4, border=0)


def _spaced(iban):
    """FR7630006000011234567890189 -> FR76 3000 6000 0112 3456 7890 189."""
    return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
