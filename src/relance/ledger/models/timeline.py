from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """One line of the append-only timeline: what happened, to what, by whom, when.

    `type` is dotted (`invoice.imported`, `invoice.amount_changed`, `dispute.opened`).
    Rows are never updated or deleted: the timeline is the evidence file.
    """

    company = models.ForeignKey("ledger.Company", on_delete=models.PROTECT,
                                related_name="events", db_index=False)
    # Timelines are read per customer or per invoice: the two composite indexes below
    # serve them. Other indexes would only slow the runs that write many events.
    customer = models.ForeignKey("ledger.Customer", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="events", db_index=False)
    invoice = models.ForeignKey("ledger.Invoice", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="events", db_index=False)
    type = models.CharField(_("type"), max_length=60)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+", db_index=False)
    actor_label = models.CharField(_("actor"), max_length=100, blank=True,
                                   help_text=_("who acted when it was not a user: import, "
                                               "system, debtor"))
    message = models.TextField(_("message"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        indexes = [
            models.Index(fields=["customer", "-at"]),
            models.Index(fields=["invoice", "-at"]),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.type}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise TypeError("timeline events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("timeline events are append-only")
