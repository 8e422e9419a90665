"""Cases that stop dunning on an invoice. Disputes first; promises and plans follow."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class DisputeReason(models.TextChoices):
    PRICE = "price", _("Wrong price or quantity")
    NOT_RECEIVED = "not_received", _("Goods or service not received")
    QUALITY = "quality", _("Quality issue")
    MISSING_PO = "missing_po", _("Missing purchase order")
    ALREADY_PAID = "already_paid", _("Already paid")
    OTHER = "other", _("Other")


class Dispute(models.Model):
    """A customer contests an invoice: reminders on that invoice pause while it is open."""

    invoice = models.ForeignKey("ledger.Invoice", on_delete=models.CASCADE,
                                related_name="disputes")
    reason = models.CharField(_("reason"), max_length=20, choices=DisputeReason.choices,
                              default=DisputeReason.OTHER)
    comment = models.TextField(_("comment"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=DisputeStatus.choices,
                              default=DisputeStatus.OPEN)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="disputes")
    opened_on = models.DateField(_("opened on"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        constraints = [
            models.UniqueConstraint(fields=["invoice"], condition=Q(status="open"),
                                    name="one_open_dispute_per_invoice"),
        ]

    def __str__(self):
        return f"{self.invoice} ({self.get_reason_display()})"
