"""The calendar: what the daily runs will do over the next days if nothing changes."""
from itertools import groupby

from django.shortcuts import render
from django.utils import timezone

from relance.dunning import preview
from relance.dunning.forms import CalendarFilterForm
from relance.dunning.models import ActionStatus, Channel
from relance.dunning.views.access import dunning_page
from relance.ledger.models import Customer
from relance.web import exports
from relance.web.export_columns import PLANNED_COLUMNS

SHOWN = 1000  # actions on one page; a filter by collector narrows a large ledger


@dunning_page
def calendar(request, company):
    today = timezone.localdate()
    form = CalendarFilterForm.for_user(request.GET, request.user)
    drafts = preview.calendar(company, today)
    owner = form.owner_id()
    if owner is not None:
        theirs = set(Customer.objects.filter(company=company, owner_id=owner)
                     .values_list("pk", flat=True))
        drafts = [d for d in drafts if d.planned.customer_id in theirs]
    if exports.wanted(request):
        return exports.response(request, _entries(drafts), PLANNED_COLUMNS, "calendar")
    shown = drafts[:SHOWN]
    context = {"section": "dunning", "form": form, "today": today,
               "days": _by_day_and_customer(shown), "count": len(drafts),
               "hidden": len(drafts) - len(shown), "horizon": preview.CALENDAR_DAYS}
    return render(request, "dunning/calendar.html", context)


def _entries(drafts):
    """The drafts as entries, by day then customer name."""
    customers = Customer.objects.select_related("owner").in_bulk(
        {d.planned.customer_id for d in drafts})
    return sorted((_entry(d, customers[d.planned.customer_id]) for d in drafts),
                  key=lambda e: (e["day"], e["customer"].name, e["customer"].pk))


def _by_day_and_customer(drafts):
    """[(day, [(customer, [entry])])], days in order, customers by name."""
    entries = _entries(drafts)
    return [(day, [(customer, list(rows)) for customer, rows in
                   groupby(day_rows, key=lambda e: e["customer"])])
            for day, day_rows in groupby(entries, key=lambda e: e["day"])]


def _entry(draft, customer):
    return {"day": draft.day, "customer": customer, "step": draft.step,
            "channel": Channel(draft.channel).label,
            "numbers": draft.invoice_numbers,
            "amount": draft.planned.amount, "currency": draft.planned.currency,
            "needs_approval": draft.status == ActionStatus.AWAITING_APPROVAL}
