"""Figures kept so the dashboard does not recompute history on every view.

A closed month's figures only change when something is entered back-dated, so they are
computed once from invoices and allocations (`snapshots.py`) and kept here; `relance
insights refresh` recomputes them. Alerts are raised by the daily refresh and kept until
the condition clears, so each is on the timeline once.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

from relance.ledger.models.fields import amount_field


class MonthEnd(models.Model):
    """One closed month of one scope: the company ("") or a portfolio ("owner:7",
    "sales:9"). Amounts incl. tax, credit notes deducted (docs/insights.md)."""

    company = models.ForeignKey("ledger.Company", on_delete=models.CASCADE,
                                related_name="+")
    scope = models.CharField(max_length=30, blank=True)
    end = models.DateField(_("month end"))
    sales = amount_field(_("sales"))
    receivables = amount_field(_("receivables"))
    current = amount_field(_("receivables not due"))
    collected = amount_field(_("cash collected"))
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("month-end figures")
        verbose_name_plural = _("month-end figures")
        constraints = [models.UniqueConstraint(fields=["company", "scope", "end"],
                                               name="one_month_end_per_scope")]


class AlertKind(models.TextChoices):
    OVER_CREDIT_LIMIT = "over_credit_limit", _("Over its credit limit")
    PAYING_LATER = "paying_later", _("Paying later than usual")


class Alert(models.Model):
    company = models.ForeignKey("ledger.Company", on_delete=models.CASCADE,
                                related_name="+")
    customer = models.ForeignKey("ledger.Customer", on_delete=models.CASCADE,
                                 related_name="insight_alerts")
    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    raised_on = models.DateField(_("raised on"))
    cleared_on = models.DateField(_("cleared on"), null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [models.UniqueConstraint(fields=["customer", "kind"],
                                               condition=models.Q(cleared_on__isnull=True),
                                               name="one_live_alert_per_kind")]
        indexes = [models.Index(fields=["company", "cleared_on", "kind"])]


class Refresh(models.Model):
    """The day the alerts were last computed for a company: one refresh a day."""

    company = models.OneToOneField("ledger.Company", on_delete=models.CASCADE,
                                   related_name="+")
    as_of = models.DateField()
