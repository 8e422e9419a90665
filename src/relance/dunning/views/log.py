"""The actions page: every action planned or sent in a window of days, filtered by
channel, status and customer, and exported to CSV or Excel with those filters. The
list is `relance.dunning.log`'s, as `relance actions export` prints it."""
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from relance.dunning import log
from relance.dunning.access import visible_actions
from relance.dunning.forms import ActionLogForm
from relance.dunning.views.access import dunning_page
from relance.web import exports
from relance.web.export_columns import ACTION_COLUMNS
from relance.web.exports import DATE, Column

PAGE_SIZE = 50
# The review queue's columns, with when the action went out and what it claimed.
ACTION_LOG_COLUMNS = [
    *ACTION_COLUMNS,
    Column(_("Sent at"), log.sent_at, DATE),
    Column(_("Invoices"), lambda action: ", ".join(
        f"{i['number']} ({i['amount']})" for i in log.invoices(action))),
]


@dunning_page
@require_GET
def action_log(request, company):
    form = ActionLogForm(request.GET, today=timezone.localdate())
    if form.is_valid():
        chosen = form.cleaned_data
        found = log.between(visible_actions(request.user, company), chosen["start"],
                            chosen["end"], channel=chosen["channel"],
                            status=chosen["status"], customer=chosen["customer"].strip())
    else:
        found = visible_actions(request.user, company).none()
    if exports.wanted(request):
        return exports.response(request, found, ACTION_LOG_COLUMNS, "actions")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "dunning/actions.html",
                  {"section": "dunning", "form": form, "page": page})
