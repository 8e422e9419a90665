"""Identifiers of French and European companies and bank accounts, checked by libraries.

Each function takes what a user typed and returns the canonical form, or raises
ValidationError with a message that says what is wrong.
"""
from django.core.exceptions import ValidationError
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
