from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from relance.ledger.models.fields import amount_field, currency_field


class Payment(models.Model):
    """Money received from a customer. What no allocation covers is unapplied cash."""

    company = models.ForeignKey("ledger.Company", on_delete=models.PROTECT,
                                related_name="payments")
    customer = models.ForeignKey("ledger.Customer", on_delete=models.PROTECT,
                                 related_name="payments")
    reference = models.CharField(_("reference"), max_length=60)
    date = models.DateField(_("date"))
    currency = currency_field()
    amount = amount_field(_("amount"))
    unapplied_amount = amount_field(_("unapplied amount"))
    method = models.CharField(_("method"), max_length=20, blank=True)
    import_hash = models.BigIntegerField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(fields=["company", "reference"],
                                    name="payment_reference_unique_per_company"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]
        indexes = [models.Index(fields=["customer", "date"])]

    def __str__(self):
        return self.reference


class Allocation(models.Model):
    """Part of a payment, or of a credit note, applied to one invoice."""

    invoice = models.ForeignKey("ledger.Invoice", on_delete=models.CASCADE,
                                related_name="allocations")
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="allocations")
    credit_note = models.ForeignKey("ledger.Invoice", on_delete=models.CASCADE, null=True,
                                    blank=True, related_name="credit_allocations")
    amount = amount_field(_("amount"))
    date = models.DateField(_("date"))

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.CheckConstraint(
                condition=(Q(payment__isnull=False) & Q(credit_note__isnull=True))
                | (Q(payment__isnull=True) & Q(credit_note__isnull=False)),
                name="allocation_has_one_source"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive"),
            models.UniqueConstraint(fields=["payment", "invoice"],
                                    name="allocation_payment_invoice_unique"),
            models.UniqueConstraint(fields=["credit_note", "invoice"],
                                    name="allocation_credit_invoice_unique"),
        ]
