"""Cases that stop dunning on an invoice: disputes, promises, payment plans, declared
payments."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
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


class PromiseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    KEPT = "kept", _("Kept")
    BROKEN = "broken", _("Broken")
    CANCELLED = "cancelled", _("Cancelled")


class Promise(models.Model):
    """The customer said it will pay an amount by a date: reminders on the invoices it
    covers pause until that date."""

    customer = models.ForeignKey("ledger.Customer", on_delete=models.CASCADE,
                                 related_name="promises")
    invoices = models.ManyToManyField("ledger.Invoice", related_name="promises",
                                      verbose_name=_("invoices"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    promised_for = models.DateField(_("promised for"))
    status = models.CharField(_("status"), max_length=10, choices=PromiseStatus.choices,
                              default=PromiseStatus.OPEN)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("promise to pay")
        verbose_name_plural = _("promises to pay")
        ordering = ["-promised_for"]

    def __str__(self):
        return f"{self.customer} {self.amount} {self.promised_for}"

    def covers(self, on_date):
        return self.status == PromiseStatus.OPEN and self.promised_for >= on_date


class PlanStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    BROKEN = "broken", _("Broken")
    REFUSED = "refused", _("Refused")


class PaymentPlan(models.Model):
    """An agreement to pay invoices in instalments: while active, it replaces reminders
    on those invoices."""

    customer = models.ForeignKey("ledger.Customer", on_delete=models.CASCADE,
                                 related_name="payment_plans")
    invoices = models.ManyToManyField("ledger.Invoice", related_name="payment_plans",
                                      verbose_name=_("invoices"))
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices,
                              default=PlanStatus.PROPOSED)
    instalments = models.PositiveSmallIntegerField(_("instalments"), default=1)
    starts_on = models.DateField(_("first instalment on"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment plan")
        verbose_name_plural = _("payment plans")

    def __str__(self):
        return f"{self.customer} ({self.get_status_display()})"


class DeclarationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting reconciliation")
    RECONCILED = "reconciled", _("Reconciled")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired without a matching payment")


class PaymentDeclaration(models.Model):
    """The customer says it has paid: reminders hold until the payment is matched."""

    customer = models.ForeignKey("ledger.Customer", on_delete=models.CASCADE,
                                 related_name="payment_declarations")
    invoices = models.ManyToManyField("ledger.Invoice", related_name="payment_declarations",
                                      verbose_name=_("invoices"))
    paid_on = models.DateField(_("paid on"))
    # the day it was declared: its hold on reminders counts from then
    declared_on = models.DateField(_("declared on"), default=timezone.localdate)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    status = models.CharField(_("status"), max_length=12, choices=DeclarationStatus.choices,
                              default=DeclarationStatus.PENDING)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment declaration")
        verbose_name_plural = _("payment declarations")

    def __str__(self):
        return f"{self.customer} {self.amount} {self.paid_on}"


class HandoverStatus(models.TextChoices):
    ACTIVE = "active", _("With the agency")
    RETURNED = "returned", _("Returned by the agency")
    CLOSED = "closed", _("Closed")


# While a hand-over is active the agency collects: our reminders stop. A closed one
# (the agency is done: paid, or uncollectable and written off) keeps them stopped; a
# returned one gives the invoices back to our own dunning.
HANDOVER_STOPS = (HandoverStatus.ACTIVE, HandoverStatus.CLOSED)


class Handover(models.Model):
    """Invoices of a customer handed over to a collection agency."""

    customer = models.ForeignKey("ledger.Customer", on_delete=models.CASCADE,
                                 related_name="handovers")
    invoices = models.ManyToManyField("ledger.Invoice", related_name="handovers",
                                      verbose_name=_("invoices"))
    agency_name = models.CharField(_("agency"), max_length=200)
    agency_reference = models.CharField(_("agency's reference"), max_length=100, blank=True)
    handed_on = models.DateField(_("handed over on"))
    status = models.CharField(_("status"), max_length=10, choices=HandoverStatus.choices,
                              default=HandoverStatus.ACTIVE)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("hand-over to an agency")
        verbose_name_plural = _("hand-overs to an agency")
        ordering = ["-handed_on", "-id"]

    def __str__(self):
        return f"{self.customer} -> {self.agency_name} ({self.get_status_display()})"

    @property
    def is_active(self):
        return self.status == HandoverStatus.ACTIVE


class ReportKind(models.TextChoices):
    CONTACTED = "contacted", _("Debtor contacted")
    PROMISE = "promise", _("Promise to pay")
    PARTIAL_PAYMENT = "partial_payment", _("Partial payment")
    PAID_IN_FULL = "paid_in_full", _("Paid in full")
    UNCOLLECTABLE = "uncollectable", _("Uncollectable")
    RETURNED = "returned", _("File returned")


# The kinds that report money: they need an amount.
REPORTS_WITH_AMOUNT = (ReportKind.PROMISE, ReportKind.PARTIAL_PAYMENT,
                       ReportKind.PAID_IN_FULL)


class AgencyReport(models.Model):
    """What the agency reported back about a hand-over, on a date."""

    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="reports")
    reported_on = models.DateField(_("reported on"))
    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, null=True,
                                 blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("agency report")
        verbose_name_plural = _("agency reports")
        ordering = ["reported_on", "id"]

    def __str__(self):
        return f"{self.handover_id} {self.reported_on} {self.get_kind_display()}"
