from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from relance.ledger.models.fields import amount_field, currency_field


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class InvoiceStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class Invoice(models.Model):
    """An invoice or a credit note issued by the company to a customer.

    Amounts are positive for both kinds. `open_amount` is what remains to be paid (for
    an invoice) or to be used (for a credit note); the allocation service keeps it in
    step with the allocations, so lists and dunning never sum allocations on the fly.
    """

    company = models.ForeignKey("ledger.Company", on_delete=models.PROTECT,
                                related_name="invoices")
    customer = models.ForeignKey("ledger.Customer", on_delete=models.PROTECT,
                                 related_name="invoices")
    kind = models.CharField(_("kind"), max_length=12, choices=InvoiceKind.choices,
                            default=InvoiceKind.INVOICE)
    number = models.CharField(_("number"), max_length=50)
    issue_date = models.DateField(_("issue date"))
    due_date = models.DateField(_("due date"))
    currency = currency_field()
    amount_excl_tax = amount_field(_("amount excl. tax"))
    vat = amount_field(_("VAT"))
    amount_total = amount_field(_("amount incl. tax"))
    open_amount = amount_field(_("open amount"))
    status = models.CharField(_("status"), max_length=10, choices=InvoiceStatus.choices,
                              default=InvoiceStatus.OPEN)
    paid_on = models.DateField(_("paid on"), null=True, blank=True,
                               help_text=_("date of the payment that settled it"))
    po_number = models.CharField(_("purchase order"), max_length=50, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="invoices/", blank=True)
    hold_reason = models.CharField(_("hold reason"), max_length=200, blank=True)
    hold_until = models.DateField(_("on hold until"), null=True, blank=True)
    import_hash = models.BigIntegerField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(fields=["company", "number"],
                                    name="invoice_number_unique_per_company"),
            models.CheckConstraint(condition=Q(due_date__gte=F("issue_date")),
                                   name="invoice_due_not_before_issue"),
            models.CheckConstraint(condition=Q(amount_total__gte=0) & Q(open_amount__gte=0),
                                   name="invoice_amounts_not_negative"),
        ]
        indexes = [
            models.Index(fields=["customer", "status", "due_date"]),
            # kind and customer complete the index so that the daily dunning run
            # filters a company's open invoices without reading their rows
            models.Index(fields=["company", "status", "due_date", "kind", "customer"],
                         name="invoice_open_by_due_date"),
            # the open invoices in id order: the daily run looks up the progress of
            # each (to find those without) in the progress's own order, not at random
            models.Index(fields=["company", "id", "due_date"], name="open_invoice_ids",
                         condition=Q(status="open", kind="invoice")),
            # a few customers' open invoices with every column the run reads of them
            # (the other overdue invoices its reminders list), without the table
            models.Index(fields=["customer", "due_date", "currency", "open_amount", "number",
                                 "hold_reason", "hold_until"],
                         name="open_invoices_by_customer",
                         condition=Q(status="open", kind="invoice")),
        ]

    def __str__(self):
        return self.number

    @property
    def is_credit_note(self):
        return self.kind == InvoiceKind.CREDIT_NOTE

    def is_on_hold(self, on_date):
        return bool(self.hold_reason) and (self.hold_until is None or self.hold_until >= on_date)

    def days_late(self, on_date):
        return max(0, (on_date - self.due_date).days)
