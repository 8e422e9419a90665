"""Amounts, dates and numbers written in a reminder's language (not Django's active
language): the filters of the reminder templates, and what letters and other PDF
documents print, so that a letter reads "1 234,56 €" and "23 novembre 2026" exactly as
the email it goes with."""
import re
from datetime import date as Date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from django.utils.translation import gettext as _

LOCALES = {"fr": "fr_FR", "en": "en_GB"}


class FilterError(Exception):
    """A filter was misused; its message is already written for the user."""


def language_code(language):
    code = str(language).lower().replace("_", "-").split("-")[0]
    if code not in LOCALES:
        raise ValueError(f"unsupported language {language!r}; known: {', '.join(LOCALES)}")
    return code


def locale(language):
    return LOCALES[language_code(language)]


def money(amount, currency, locale):
    if not _is_number(amount):
        raise FilterError(_("money: %(value)r is not an amount") % {"value": amount})
    if not (isinstance(currency, str) and re.fullmatch(r"[A-Z]{3}", currency)):
        raise FilterError(_("money needs a currency code, as in "
                            "{{ invoice.amount|money(invoice.currency) }}"))
    return format_currency(amount, currency, locale=locale)


def date(day, pattern, locale):
    if not isinstance(day, Date):
        raise FilterError(_("%(value)r is not a date") % {"value": day})
    text = format_date(day, pattern, locale=locale)
    if locale.startswith("fr") and pattern == "long" and day.day == 1:
        text = "1er" + text[1:]  # French writes the first of the month "1er"
    return text


def number(value, locale):
    if not _is_number(value):
        raise FilterError(_("number: %(value)r is not a number") % {"value": value})
    return format_decimal(value, locale=locale)


def _is_number(value):
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)
