"""What each importable file holds: its fields, which are required, how each is read.

The field names are those of the ledger files of `relance import ledger` (docs/imports.md);
a generic CSV or Excel file is mapped onto them by a saved column mapping.
"""
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Callable

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relance import textfiles
from relance.imports import fastpath
from relance.imports.fastpath import AMOUNT, DATE, FLAG, POSITIVE_AMOUNT, words
from relance.ledger import validators
from relance.ledger.models import ContactRole

ENTITIES = ("customers", "contacts", "invoices", "payments")
TOLERANCE = Decimal("0.01")
FRANCOPHONE = {"FR", "BE", "CH", "LU", "MC"}


def _text(limit):
    def parse(text):
        value = text.strip()
        if len(value) > limit:
            raise ValueError(_("longer than %(limit)d characters") % {"limit": limit})
        return value
    return parse


def _library_check(clean):
    def parse(value):
        try:
            return clean(value.strip() if isinstance(value, str) else value)
        except ValidationError as exc:
            raise ValueError(exc.messages[0]) from None
    return parse


def _country(text):
    value = text.strip().upper()
    if len(value) != 2 or not value.isalpha():
        raise ValueError(_("not a two-letter country code: %(text)s") % {"text": text})
    return value


def _language(text):
    value = text.strip().lower()[:2]
    if value not in ("fr", "en"):
        raise ValueError(_("language must be fr or en: %(text)s") % {"text": text})
    return value


def _ledger_date(text):
    """A date (`textfiles.parse_date`) within the ledger's window."""
    return _library_check(validators.clean_ledger_date)(textfiles.parse_date(text))


_currency = _library_check(validators.clean_currency)


def _email(text):
    value = text.strip()
    try:
        validate_email(value)
    except ValidationError:
        raise ValueError(_("not an email address: %(text)s") % {"text": text}) from None
    return value.lower()


def _terms_days(text):
    value = textfiles.parse_int(text)
    if not 0 <= value <= 365:
        raise ValueError(_("payment terms must be 0 to 365 days: %(text)s") % {"text": text})
    return value


ROLE_WORDS = {
    "accounting": ContactRole.ACCOUNTS_PAYABLE, "accounts_payable": ContactRole.ACCOUNTS_PAYABLE,
    "accounts payable": ContactRole.ACCOUNTS_PAYABLE, "comptabilite": ContactRole.ACCOUNTS_PAYABLE,
    "comptabilité": ContactRole.ACCOUNTS_PAYABLE, "compta": ContactRole.ACCOUNTS_PAYABLE,
    "fournisseurs": ContactRole.ACCOUNTS_PAYABLE,
    "purchasing": ContactRole.PURCHASING, "achats": ContactRole.PURCHASING,
    "achat": ContactRole.PURCHASING,
    "sales": ContactRole.SALES, "commercial": ContactRole.SALES, "ventes": ContactRole.SALES,
    "management": ContactRole.MANAGEMENT, "direction": ContactRole.MANAGEMENT,
    "other": ContactRole.OTHER, "autre": ContactRole.OTHER, "": ContactRole.OTHER,
}


def _role(text):
    try:
        return ROLE_WORDS[text.strip().lower()]
    except KeyError:
        raise ValueError(_("unknown contact role: %(text)s") % {"text": text}) from None


KIND_WORDS = {"": "invoice", "invoice": "invoice", "facture": "invoice",
              "credit_note": "credit_note", "credit note": "credit_note", "avoir": "credit_note"}


def _kind(text):
    try:
        return KIND_WORDS[text.strip().lower()]
    except KeyError:
        raise ValueError(_("kind must be invoice or credit note: %(text)s")
                         % {"text": text}) from None


def _positive_amount(text):
    value = textfiles.parse_amount(text)
    if value == 0:
        raise ValueError(_("amount must be greater than zero: %(text)s") % {"text": text})
    return value


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    parse: Callable[[str], object]
    required: bool = False
    default: object = ""
    fast: fastpath.Shape = None  # the plain forms of the field, read without `parse`


@dataclass
class Schema:
    entity: str
    label: str
    key: str
    fields: tuple = field(default_factory=tuple)
    check: Callable = None  # values -> problems the row's cells alone show, once clean

    @cached_property
    def plan(self):
        """The fields as plain tuples, for clean_row."""
        return [(f.name, f.parse, f.required, f.default) for f in self.fields]

    @property
    def required(self):
        return [f.name for f in self.fields if f.required]

    @cached_property
    def key_positions(self):
        """Where the parts of the natural key are in a row's cells."""
        parts = ("customer_ref", "name") if self.entity == "contacts" else (self.key,)
        names = [f.name for f in self.fields]
        return [names.index(part) for part in parts]

    @cached_property
    def fast_row(self):
        return fastpath.FastRow(self.fields)

    def clean(self, cells, joined):
        """(values, problems) of a row: the fast path when it applies, else clean_row.
        `joined` is the cells joined by fastpath.SEPARATOR."""
        values = self.fast_row.clean(cells, joined)
        if values is None:
            return clean_row(self, cells)
        return values, []


def _check_customer(v):
    problem = validators.siret_problem(v["siren"], v["siret"])
    return [("siret", problem)] if problem else []


def _check_invoice(v):
    problems = []
    if v["due_date"] < v["issue_date"]:
        problems.append(("due_date", _("due date %(due)s is before the issue date "
                                       "%(issue)s") % {"due": v["due_date"],
                                                       "issue": v["issue_date"]}))
    ht, vat, total = v["amount_excl_tax"], v["vat"], v["amount_total"]
    if ht is not None and vat is not None and abs(ht + vat - total) > TOLERANCE:
        problems.append(("amount_total", _("%(total)s is not the amount excl. tax "
                                           "%(ht)s plus VAT %(vat)s")
                         % {"total": total, "ht": ht, "vat": vat}))
    return problems


def Text(name, label, limit, **options):
    """A text field: its parse and its fast shape share the length limit."""
    return Field(name, label, _text(limit), fast=fastpath.text(limit), **options)


SCHEMAS = {
    "customers": Schema("customers", gettext_lazy("Customers"), "customer_ref", (
        Text("customer_ref", gettext_lazy("Customer reference"), 50, required=True),
        Text("name", gettext_lazy("Legal name"), 200, required=True),
        Field("siren", gettext_lazy("SIREN"), _library_check(validators.clean_siren)),
        Field("siret", gettext_lazy("SIRET"), _library_check(validators.clean_siret)),
        Field("vat_number", gettext_lazy("VAT number"), _library_check(validators.clean_vat)),
        Field("country", gettext_lazy("Country"), _country, default="FR", fast=fastpath.COUNTRY),
        Field("language", gettext_lazy("Language"), _language, default=None,
              fast=fastpath.LANGUAGE),
        Field("payment_terms_days", gettext_lazy("Payment terms (days)"), _terms_days,
              default=None, fast=fastpath.DAYS),
        Text("segment", gettext_lazy("Segment"), 50),
        Text("address_line1", gettext_lazy("Address"), 200),
        Text("address_line2", gettext_lazy("Address (continued)"), 200),
        Text("postal_code", gettext_lazy("Postal code"), 20),
        Text("city", gettext_lazy("City"), 100),
        Field("credit_limit", gettext_lazy("Credit limit"), textfiles.parse_amount, default=None,
              fast=AMOUNT),
    ), check=_check_customer),
    "contacts": Schema("contacts", gettext_lazy("Contacts"), "name", (
        Text("customer_ref", gettext_lazy("Customer reference"), 50, required=True),
        Text("name", gettext_lazy("Name"), 200, required=True),
        Field("email", gettext_lazy("Email"), _email, fast=fastpath.EMAIL),
        Text("phone", gettext_lazy("Phone"), 40),
        Field("role", gettext_lazy("Role"), _role, default=ContactRole.OTHER,
              fast=words(ROLE_WORDS)),
        Field("preferred", gettext_lazy("Preferred for reminders"), textfiles.parse_flag,
              default=False, fast=FLAG),
    )),
    "invoices": Schema("invoices", gettext_lazy("Invoices"), "number", (
        Text("number", gettext_lazy("Invoice number"), 50, required=True),
        Text("customer_ref", gettext_lazy("Customer reference"), 50, required=True),
        Field("issue_date", gettext_lazy("Issue date"), _ledger_date, required=True,
              fast=DATE),
        Field("due_date", gettext_lazy("Due date"), _ledger_date, required=True,
              fast=DATE),
        Field("currency", gettext_lazy("Currency"), _currency, default="EUR",
              fast=fastpath.CURRENCY),
        Field("amount_excl_tax", gettext_lazy("Amount excl. tax"), textfiles.parse_amount,
              default=None, fast=AMOUNT),
        Field("vat", gettext_lazy("VAT"), textfiles.parse_amount, default=None, fast=AMOUNT),
        Field("amount_total", gettext_lazy("Amount incl. tax"), textfiles.parse_amount,
              required=True, fast=AMOUNT),
        Field("disputed", gettext_lazy("Disputed"), textfiles.parse_flag, default=False,
              fast=FLAG),
        Field("kind", gettext_lazy("Kind (invoice / credit note)"), _kind,
              default="invoice", fast=words(KIND_WORDS)),
        Text("po_number", gettext_lazy("Purchase order"), 50),
    ), check=_check_invoice),
    "payments": Schema("payments", gettext_lazy("Payments"), "payment_ref", (
        Text("payment_ref", gettext_lazy("Payment reference"), 60, required=True),
        Text("customer_ref", gettext_lazy("Customer reference"), 50, required=True),
        Text("invoice_number", gettext_lazy("Invoice number"), 50),
        Field("date", gettext_lazy("Date"), _ledger_date, required=True, fast=DATE),
        Field("amount", gettext_lazy("Amount"), _positive_amount, required=True,
              fast=POSITIVE_AMOUNT),
        Field("currency", gettext_lazy("Currency"), _currency, default="EUR",
              fast=fastpath.CURRENCY),
        Text("method", gettext_lazy("Method"), 20),
    )),
}


def clean_row(schema, cells):
    """Read one row (the texts of the schema's fields, in order) into values; return
    (values, problems).

    A missing or blank optional cell takes the field's default; a blank required cell is
    a problem. Problems are (field name, message) pairs.
    """
    values, problems = {}, []
    for (name, parse, required, default), text in zip(schema.plan, cells):
        if not text or text.isspace():
            if required:
                problems.append((name, _("required value is missing")))
            values[name] = default
            continue
        try:
            values[name] = parse(text)
        except ValueError as exc:
            problems.append((name, str(exc)))
    return values, problems


def default_language(country):
    return "fr" if country in FRANCOPHONE else "en"
