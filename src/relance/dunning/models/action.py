"""Actions: what the daily run (or a user) decided to do for a customer, and the record
of how far each invoice has gone through its scenario."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from relance.dunning.models.scenario import Channel, Tone
from relance.ledger.models.fields import amount_field, currency_field


class ActionKind(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    MANUAL = "manual", _("Manual")


class ActionStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (ActionStatus.AWAITING_APPROVAL, ActionStatus.PLANNED)

class Run(models.Model):
    """One daily run: when it ran, for which date, and what it produced."""

    company = models.ForeignKey("ledger.Company", on_delete=models.CASCADE,
                                related_name="dunning_runs")
    as_of = models.DateField(_("as of"))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    actions = models.PositiveIntegerField(_("actions"), default=0)
    summary = models.JSONField(default=dict, blank=True)
    triggered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    origin = models.CharField(_("origin"), max_length=20, default="cli",
                              help_text=_("cli, scheduler or web"))

    class Meta:
        verbose_name = _("dunning run")
        verbose_name_plural = _("dunning runs")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.as_of} ({self.actions})"


class Action(models.Model):
    """One thing to do for one customer: a reminder, a letter, a call, a task.

    A scheduled action groups the customer's invoices that reached the same step on the
    same day in one currency; the database refuses a second one. `summary` is the
    snapshot of the invoices concerned and of the customer's other overdue invoices, as
    they were when the action was decided.
    """

    # Indexes are few on purpose: a first run over old data writes 100,000 actions,
    # and each index costs on every one. The composite ones below serve the queries.
    company = models.ForeignKey("ledger.Company", on_delete=models.CASCADE,
                                related_name="actions", db_index=False)
    customer = models.ForeignKey("ledger.Customer", on_delete=models.CASCADE,
                                 related_name="actions", db_index=False)
    kind = models.CharField(_("kind"), max_length=10, choices=ActionKind.choices,
                            default=ActionKind.SCHEDULED)
    step = models.ForeignKey("dunning.Step", on_delete=models.PROTECT, null=True,
                             blank=True, related_name="actions", db_index=False)
    run = models.ForeignKey(Run, on_delete=models.SET_NULL, null=True, blank=True,
                            related_name="produced", db_index=False)
    planned_on = models.DateField(_("planned on"))
    currency = currency_field()
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    tone = models.CharField(_("tone"), max_length=20, choices=Tone.choices)
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus.choices,
                              default=ActionStatus.PLANNED)
    contact = models.ForeignKey("ledger.Contact", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="actions",
                                verbose_name=_("recipient"), db_index=False)
    copy_sales_rep = models.BooleanField(_("sales rep in copy"), default=False)
    amount = amount_field(_("amount concerned"))
    overdue_total = amount_field(_("total overdue"))
    summary = models.JSONField(default=dict, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True,
                               help_text=_("leave empty to use the step's template"))
    body = models.TextField(_("body"), blank=True,
                            help_text=_("leave empty to use the step's template"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+", db_index=False)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+", db_index=False)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "step", "currency", "planned_on"],
                condition=Q(kind="scheduled"),
                name="one_scheduled_action_per_customer_step_currency_day"),
        ]
        indexes = [
            models.Index(fields=["customer", "-planned_on"]),
            models.Index(fields=["company", "planned_on"]),
            models.Index(fields=["company", "status"]),
        ]

    def __str__(self):
        return f"{self.planned_on} {self.get_channel_display()} {self.customer}"

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES


class ActionInvoice(models.Model):
    """An invoice an action is about. For scheduled actions, the database refuses the
    same step (and the same repeat of it) twice for one invoice."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="lines")
    # the unique constraint below starts with the invoice: it serves as its index
    invoice = models.ForeignKey("ledger.Invoice", on_delete=models.CASCADE,
                                related_name="dunning_lines", db_index=False)
    step = models.ForeignKey("dunning.Step", on_delete=models.PROTECT, null=True,
                             blank=True, related_name="+", db_index=False)
    occurrence = models.PositiveSmallIntegerField(default=0)
    open_amount = amount_field(_("open amount"))
    days_late = models.SmallIntegerField(_("days late"), default=0)

    class Meta:
        verbose_name = _("invoice of an action")
        verbose_name_plural = _("invoices of actions")
        constraints = [
            models.UniqueConstraint(fields=["invoice", "step", "occurrence"],
                                    name="one_step_occurrence_per_invoice"),
        ]


class InvoiceProgress(models.Model):
    """How far an invoice has gone through its scenario: the last step taken (by
    position), the day it was first taken, and the day and count of its last repeat.
    Kept by the daily run so that it never has to aggregate the action history.

    `next_on` is the first day the planner may act again; it holds only while the due
    date and the scenario's rules (`rules`, their fingerprint) are the ones it was
    computed with, which the run checks in SQL before trusting it."""

    invoice = models.OneToOneField("ledger.Invoice", on_delete=models.CASCADE,
                                   primary_key=True, related_name="dunning_progress")
    scenario = models.ForeignKey("dunning.Scenario", on_delete=models.CASCADE,
                                 related_name="+", db_index=False)
    position = models.PositiveSmallIntegerField()
    reached_on = models.DateField()
    last_on = models.DateField()
    repeats = models.PositiveSmallIntegerField(default=0)
    next_on = models.DateField(null=True)
    due_date = models.DateField(null=True)
    rules = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("invoice progress")
        verbose_name_plural = _("invoice progress")
        # the next day's run reads the progress whose date has come (or is to be
        # recomputed: NULL) through this index, not every open invoice's
        indexes = [models.Index(fields=["next_on"], name="progress_next_on")]
