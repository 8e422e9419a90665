from django.db import models
from django.utils.translation import gettext_lazy as _

from relance.ledger import validators
from relance.ledger.models.fields import Address, LegalIdentity
from relance.legal.companies import PenaltyPolicy


class Company(Address, LegalIdentity):
    """The creditor: the company whose invoices Relance gets paid."""

    name = models.CharField(_("legal name"), max_length=200)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True,
                            validators=[validators.validate_iban])
    bic = models.CharField(_("BIC"), max_length=11, blank=True,
                           validators=[validators.validate_bic])
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    payment_terms = models.CharField(
        _("default payment terms"), max_length=20, default="net:30",
        help_text=_("net:N, eom45:A, eom45:B or eom:N"))
    penalty_policy = models.CharField(_("late-penalty policy"), max_length=20,
                                      choices=PenaltyPolicy.choices,
                                      default=PenaltyPolicy.STATUTORY)
    contractual_rate = models.DecimalField(_("contractual penalty rate (%)"), max_digits=6,
                                           decimal_places=3, null=True, blank=True)
    dunning_tolerance = models.DecimalField(
        _("dunning tolerance"), max_digits=8, decimal_places=2, default=1,
        help_text=_("an invoice whose open amount is below this is treated as paid"))
    declaration_days = models.PositiveSmallIntegerField(
        _("days a declared payment holds reminders"), default=10,
        help_text=_("business days after which a payment the customer declared, and no "
                    "payment received matched, stops holding the reminders"))
    contact_gap_days = models.PositiveSmallIntegerField(
        _("days between two contacts"), default=5,
        help_text=_("the fewest calendar days between two reminders, letters or calls to "
                    "one customer (at most one a day in any case)"))
    written_before_days = models.PositiveSmallIntegerField(
        _("days a written reminder precedes escalation"), default=8,
        help_text=_("a call, a formal notice or an escalation waits until a written "
                    "reminder went to the customer at least this many days before"))
    # Checked for the mentions L441-9 requires (legal.checks.missing_mentions).
    terms_of_sale = models.TextField(
        _("terms of sale"), blank=True,
        help_text=_("the late-penalty rate, the 40 EUR fixed indemnity for recovery costs "
                    "and the early-payment discount terms must appear in them"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self):
        return self.name
