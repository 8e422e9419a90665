"""Closed months follow the ledger, whatever writes it one row at a time: the admin, a
collector's correction, a service. A saved or deleted invoice, payment or allocation
drops the kept months from the earliest date it touches (before and after the change),
so the dashboard's DSO and CEI are recomputed from there on the next view.

Bulk writes do the same themselves: an import forgets from the earliest date it wrote
(`imports.ledger`). The forgetting waits for the commit: a rolled-back change forgets
nothing, and many rows saved in one transaction forget once per company and date.
"""
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save

from relance.insights import snapshots
from relance.ledger.models import Allocation, Invoice, Payment

# what the figures of a month are made of, per model
DATES = {Invoice: ("issue_date", "due_date", "paid_on"), Payment: ("date",),
         Allocation: ("date",)}


def connect():
    for model in DATES:
        pre_save.connect(_before, sender=model, dispatch_uid=f"insights.follow.{model.__name__}")
        post_save.connect(_changed, sender=model,
                          dispatch_uid=f"insights.follow.{model.__name__}")
        post_delete.connect(_changed, sender=model,
                            dispatch_uid=f"insights.delete.{model.__name__}")


def _before(sender, instance, update_fields=None, **kwargs):
    """The dates the row had before this save: a month it leaves changes too."""
    fields = DATES[sender]
    if instance.pk is None or (update_fields is not None and not (
            set(update_fields) & {*fields, "amount", "amount_total", "open_amount",
                                  "status"})):
        instance._dates_before = ()
        return
    instance._dates_before = sender.objects.filter(pk=instance.pk).values_list(
        *fields).first() or ()


def _changed(sender, instance, update_fields=None, **kwargs):
    dates = [d for d in (*getattr(instance, "_dates_before", ()),
                         *(getattr(instance, f) for f in DATES[sender])) if d]
    if update_fields is not None and getattr(instance, "_dates_before", None) == ():
        return   # a save of fields no figure is made of
    company_id = _company_id(sender, instance)
    if dates and company_id:
        since = min(dates)
        transaction.on_commit(lambda: snapshots.forget_company(company_id, since))


def _company_id(sender, instance):
    if sender is Allocation:
        return Invoice.objects.filter(pk=instance.invoice_id).values_list(
            "company_id", flat=True).first()
    return instance.company_id
