from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from relance.ledger.models.fields import Address, LegalIdentity, amount_field
from relance.legal.checks import customer_terms_problem


class Customer(Address, LegalIdentity):
    """A debtor: a company that buys from the creditor on credit."""

    company = models.ForeignKey("ledger.Company", on_delete=models.PROTECT,
                                related_name="customers")
    reference = models.CharField(_("reference"), max_length=50)
    name = models.CharField(_("legal name"), max_length=200)
    language = models.CharField(_("language"), max_length=5, default="fr",
                                choices=settings.LANGUAGES)
    segment = models.CharField(_("segment"), max_length=50, blank=True, db_index=True)
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"),
                                                          null=True, blank=True)
    payment_terms = models.CharField(
        _("payment terms"), max_length=20, blank=True,
        help_text=_("net:N, eom45:A, eom45:B or eom:N; empty: net terms of the days above"))
    # Road transport terms may not exceed 30 days from the invoice date (L441-11).
    road_transport = models.BooleanField(_("road transport"), default=False,
                                         help_text=_("payment terms of 30 days at most"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                              null=True, blank=True, related_name="owned_customers",
                              verbose_name=_("collector"))
    sales_rep = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="sold_customers",
                                  verbose_name=_("sales rep"))
    credit_limit = amount_field(_("credit limit"), null=True, blank=True, default=None)
    scenario = models.ForeignKey("dunning.Scenario", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="customers",
                                 verbose_name=_("dunning scenario"),
                                 help_text=_("empty: the segment's scenario, else the "
                                             "company default"))
    # Neither owes the 40 EUR recovery indemnity (D441-5): a consumer is not a
    # professional debtor, and insolvency proceedings block the payment of debts.
    is_consumer = models.BooleanField(_("consumer"), default=False)
    insolvency_proceedings = models.BooleanField(_("in insolvency proceedings"),
                                                 default=False)
    hold_reason = models.CharField(_("hold reason"), max_length=200, blank=True)
    hold_until = models.DateField(_("on hold until"), null=True, blank=True)
    import_hash = models.BigIntegerField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.UniqueConstraint(fields=["company", "reference"],
                                    name="customer_reference_unique_per_company"),
        ]
        indexes = [models.Index(fields=["company", "name"])]

    def __str__(self):
        return f"{self.name} ({self.reference})"

    def is_on_hold(self, on_date):
        return bool(self.hold_reason) and (self.hold_until is None or self.hold_until >= on_date)

    @property
    def terms(self):
        """The customer's payment terms as TERMS text, or "" when it has none."""
        if self.payment_terms:
            return self.payment_terms
        return f"net:{self.payment_terms_days}" if self.payment_terms_days is not None else ""

    def clean(self):
        problem = customer_terms_problem(self.terms, road_transport=self.road_transport)
        if problem:
            field = "payment_terms" if self.payment_terms else "payment_terms_days"
            raise ValidationError({field: problem})


class ContactRole(models.TextChoices):
    ACCOUNTS_PAYABLE = "accounts_payable", _("Accounts payable")
    PURCHASING = "purchasing", _("Purchasing")
    SALES = "sales", _("Sales")
    MANAGEMENT = "management", _("Management")
    OTHER = "other", _("Other")


class Contact(models.Model):
    """A person at a customer. Natural key: the customer and the person's name."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=ContactRole.choices,
                            default=ContactRole.OTHER)
    preferred = models.BooleanField(_("preferred for reminders"), default=False)
    email_bounced = models.BooleanField(_("email bounced"), default=False)
    # A call found the number wrong: calls go to another contact until it is corrected.
    phone_invalid = models.BooleanField(_("phone number wrong"), default=False)
    import_hash = models.BigIntegerField(null=True, editable=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(fields=["customer", "name"],
                                    name="contact_name_unique_per_customer"),
        ]

    def __str__(self):
        return self.name
