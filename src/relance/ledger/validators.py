"""Identifiers of French and European companies and bank accounts, checked by libraries,
and the rules every ledger record obeys whatever brings it in (a file, a form, later
the API and e-invoices): dates within the ledger's window, ISO 4217 currencies, a
SIRET that belongs to its SIREN.

Each `clean_*` function takes what a user typed and returns the canonical form, or
raises ValidationError with a message that says what is wrong.
"""
import datetime as dt

from babel.numbers import is_currency
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum import exceptions as stdnum_errors
from stdnum.eu import vat
from stdnum.fr import siren, siret


def _checked(module, value, message):
    try:
        return module.validate(value)
    except stdnum_errors.ValidationError:
        raise ValidationError(message % {"value": value}, code="invalid") from None


def clean_siren(value):
    return _checked(siren, value, _("%(value)s is not a valid SIREN (9 digits, Luhn key)"))


def clean_siret(value):
    return _checked(siret, value, _("%(value)s is not a valid SIRET (14 digits, Luhn key)"))


def clean_vat(value):
    return _checked(vat, value, _("%(value)s is not a valid EU VAT number"))


def clean_iban(value):
    try:
        return IBAN(value).compact
    except SchwiftyException:
        raise ValidationError(_("%(value)s is not a valid IBAN") % {"value": value},
                              code="invalid") from None


def clean_bic(value):
    try:
        return BIC(value).compact
    except SchwiftyException:
        raise ValidationError(_("%(value)s is not a valid BIC") % {"value": value},
                              code="invalid") from None


def validate_siren(value):
    clean_siren(value)


def validate_siret(value):
    clean_siret(value)


def validate_vat(value):
    clean_vat(value)


def validate_iban(value):
    clean_iban(value)


def validate_bic(value):
    clean_bic(value)


def date_window(today=None):
    """(first, last) day a ledger record may carry: 1 January of LEDGER_FIRST_YEAR to
    LEDGER_YEARS_AHEAD years after `today` (29 February moves to the 28th)."""
    today = today or timezone.localdate()
    years = today.year + settings.LEDGER_YEARS_AHEAD
    try:
        last = today.replace(year=years)
    except ValueError:
        last = today.replace(year=years, day=28)
    return dt.date(settings.LEDGER_FIRST_YEAR, 1, 1), last


def clean_ledger_date(day, window=None):
    """`day`, when it is within the ledger's window (`date_window`)."""
    first, last = window or date_window()
    if not first <= day <= last:
        raise ValidationError(
            _("%(day)s is outside the dates the ledger accepts (%(first)s to %(last)s)")
            % {"day": day.isoformat(), "first": first.isoformat(), "last": last.isoformat()},
            code="out_of_window")
    return day


def clean_currency(value):
    """An ISO 4217 currency code (Babel's list), upper case."""
    code = str(value).strip().upper()
    if len(code) != 3 or not code.isascii() or not is_currency(code):
        raise ValidationError(_("%(value)s is not an ISO 4217 currency code")
                              % {"value": value}, code="invalid")
    return code


def siret_problem(siren_number, siret_number):
    """Why a SIRET does not go with a SIREN (a SIRET is the SIREN and 5 digits), or
    None when it does or either is missing."""
    if siren_number and siret_number and siret_number[:9] != siren_number:
        return _("SIRET %(siret)s does not belong to SIREN %(siren)s (its first nine "
                 "digits)") % {"siret": siret_number, "siren": siren_number}
    return None
