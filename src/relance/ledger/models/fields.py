"""Field shapes shared by the ledger's models."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from relance.ledger import validators


def amount_field(verbose_name, **kwargs):
    """Money is Decimal with two places; the currency is a field of the document."""
    kwargs.setdefault("default", 0)
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)


def currency_field():
    return models.CharField(_("currency"), max_length=3, default="EUR")


class Address(models.Model):
    """A postal address laid out for a French window envelope."""

    address_line1 = models.CharField(_("address"), max_length=200, blank=True)
    address_line2 = models.CharField(_("address (continued)"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="FR",
                               help_text=_("ISO 3166 two-letter code"))

    class Meta:
        abstract = True

    @property
    def address_lines(self):
        city = " ".join(p for p in (self.postal_code, self.city) if p)
        return [line for line in (self.address_line1, self.address_line2, city) if line]


class LegalIdentity(models.Model):
    """How French and European companies are identified, checked by python-stdnum."""

    siren = models.CharField(_("SIREN"), max_length=9, blank=True,
                             validators=[validators.validate_siren])
    siret = models.CharField(_("SIRET"), max_length=14, blank=True,
                             validators=[validators.validate_siret])
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True,
                                  validators=[validators.validate_vat])

    class Meta:
        abstract = True
