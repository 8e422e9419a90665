"""The company's open amounts summed by due date and by customer, kept in step with the
ledger by `ledger/open_totals.py` in the transaction that changes them. The insights'
dashboard reads them (docs/insights.md); the tables keep the names of their first home,
the insights app."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from relance.ledger.models.fields import amount_field


class OpenByDueDate(models.Model):
    """Open amount of the company's open documents sharing a due date and kind.

    Kept in step with the ledger by `open_totals` (in the transaction that changes
    open amounts): the aging balance sums these few thousand rows, bucketed by the
    day's date, instead of every open invoice. A due date does not move with the
    calendar, so nothing here goes stale overnight."""

    company = models.ForeignKey("ledger.Company", on_delete=models.CASCADE,
                                related_name="+")
    currency = models.CharField(max_length=3, default="EUR")
    due_date = models.DateField()
    kind = models.CharField(max_length=12)
    amount = amount_field(_("open amount"))

    class Meta:
        db_table = "insights_openbyduedate"   # its first home; the table stayed
        constraints = [models.UniqueConstraint(
            fields=["company", "currency", "due_date", "kind"],
            name="one_open_total_per_currency_and_due_date")]


class OpenByCustomer(models.Model):
    """One customer's open documents in euros, summed (`open_totals`): the open amount
    of its invoices bounds what it can have overdue on any day, which lets the top overdue
    customers be found from a few rows (`insights.dashboard.top_overdue`)."""

    customer = models.OneToOneField("ledger.Customer", on_delete=models.CASCADE,
                                    primary_key=True, related_name="+")
    company = models.ForeignKey("ledger.Company", on_delete=models.CASCADE,
                                related_name="+")
    invoiced = amount_field(_("open amount of invoices"))
    credits = amount_field(_("open amount of credit notes"))
    invoices = models.PositiveIntegerField(default=0)
    first_due = models.DateField(null=True)
    last_due = models.DateField(null=True)

    class Meta:
        db_table = "insights_openbycustomer"
        indexes = [models.Index(fields=["company", "-invoiced", "customer"],
                                name="insights_open_by_customer")]
