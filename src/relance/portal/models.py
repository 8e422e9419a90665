"""The debtor portal's rows: the signed links, the files debtors upload, the card
payments a provider confirmed, and each company's limits on what debtors may ask."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PortalLink(models.Model):
    """A customer's way into the portal. Only a digest of the token is kept: whoever
    reads the database cannot open anyone's portal. `nonce` lets the server (and only
    it, with SECRET_KEY) rebuild the token to put the same link in the next reminder."""

    company = models.ForeignKey("ledger.Company", on_delete=models.CASCADE,
                                related_name="portal_links")
    customer = models.ForeignKey("ledger.Customer", on_delete=models.CASCADE,
                                 related_name="portal_links")
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    nonce = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("portal link")
        verbose_name_plural = _("portal links")
        indexes = [models.Index(fields=["customer", "expires_at"])]

    def __str__(self):
        return f"{self.customer} until {self.expires_at:%Y-%m-%d}"

    def is_valid(self, now):
        return self.revoked_at is None and now < self.expires_at


class UploadKind(models.TextChoices):
    DISPUTE = "dispute", _("Dispute document")
    PROOF = "proof", _("Proof of payment")


class PortalUpload(models.Model):
    """A file a debtor sent through the portal, stored under RELANCE_HOME/uploads."""

    company = models.ForeignKey("ledger.Company", on_delete=models.CASCADE,
                                related_name="+")
    customer = models.ForeignKey("ledger.Customer", on_delete=models.CASCADE,
                                 related_name="portal_uploads")
    kind = models.CharField(_("kind"), max_length=10, choices=UploadKind.choices)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=50)
    path = models.CharField(max_length=300, editable=False)   # relative to the uploads root
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(_("size"))
    dispute = models.ForeignKey("cases.Dispute", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="portal_uploads")
    declaration = models.ForeignKey("cases.PaymentDeclaration", on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="portal_uploads")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("uploaded file")
        verbose_name_plural = _("uploaded files")

    def __str__(self):
        return self.original_name


class CardPayment(models.Model):
    """A card payment a provider confirmed; the unique session id makes a replayed
    webhook change nothing."""

    provider = models.CharField(max_length=20)
    session_id = models.CharField(max_length=255)
    payment = models.OneToOneField("ledger.Payment", on_delete=models.CASCADE,
                                   related_name="card_payment")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "session_id"],
                                               name="portal_card_payment_once")]


class PortalPolicy(models.Model):
    """What a company lets debtors ask for on the portal; without a row, the defaults
    of the settings (PORTAL_MAX_PROMISE_DAYS, PORTAL_MAX_INSTALMENTS) apply."""

    company = models.OneToOneField("ledger.Company", on_delete=models.CASCADE,
                                   related_name="portal_policy")
    max_promise_days = models.PositiveSmallIntegerField(
        _("latest promise (days from today)"), default=30)
    max_instalments = models.PositiveSmallIntegerField(_("most instalments"), default=6)
    max_plan_start_days = models.PositiveSmallIntegerField(
        _("latest first instalment (days from today)"), default=30)

    class Meta:
        verbose_name = _("portal limits")
        verbose_name_plural = _("portal limits")

    def __str__(self):
        return str(self.company)
