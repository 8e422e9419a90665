"""The call pages: the day's call list and one call's task page with its outcome forms.

Who may see them is the dunning pages' rule (`dunning_page`): never sales reps;
collectors their own customers' calls; administrators and credit managers everyone's.
The work is done by `relance.delivery.calls`.
"""
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from relance.cases.services import CaseRefused
from relance.delivery import calls
from relance.delivery.calls import CallRefused, Outcome
from relance.delivery.forms import bound_form, outcome_forms
from relance.dunning.forms import CalendarFilterForm
from relance.dunning.models import ActionStatus
from relance.dunning.views.access import dunning_page
from relance.ledger import timeline
from relance.web import exports
from relance.web.export_columns import CALL_COLUMNS

PAGE_SIZE = 50
HISTORY = 20  # timeline events shown on a call's page


@dunning_page
def call_list(request, company):
    today = timezone.localdate()
    form = CalendarFilterForm.for_user(request.GET, request.user)
    collector = form.owner_id() if request.user.is_manager else None
    if exports.wanted(request):
        rows = (calls.describe(a, today)
                for a in calls.call_list(company, request.user, today, collector))
        return exports.response(request, rows, CALL_COLUMNS, "calls")
    page = Paginator(calls.call_list(company, request.user, today, collector),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    for action in page:
        calls.describe(action, today)
    context = {"section": "calls", "page": page, "form": form, "today": today}
    return render(request, "delivery/calls/list.html", context)


@dunning_page
def call_task(request, company, pk):
    action = calls.call_for(request.user, company, pk)
    today = timezone.localdate()
    forms = outcome_forms(action, today)
    if request.method == "POST":
        form = bound_form(action, request.POST, today)
        refusal = _refusal(action, form)
        if refusal:
            messages.error(request, refusal)
            return redirect("delivery:call", pk=action.pk)
        if _log(request, action, form, today):
            messages.success(request, _("%(outcome)s: %(customer)s.") % {
                "outcome": form.outcome.label, "customer": action.customer.name})
            return redirect("delivery:calls")
        forms[form.outcome.value] = form   # shown again with its errors
    return render(request, "delivery/calls/task.html", _task_context(action, forms, today))


def _refusal(action, form):
    """Why nothing can be logged whatever the form says, or ""."""
    try:
        calls.check_loggable(action)
    except CallRefused as refusal:
        return str(refusal)
    return "" if form is not None else _("Choose what came of the call.")


def _log(request, action, form, today):
    if not form.is_valid():
        return False
    try:
        calls.log_outcome(action, form.outcome, request.user, today, **form.cleaned_data)
    except (CallRefused, CaseRefused) as refusal:
        form.add_error(None, str(refusal))
        return False
    return True


def _task_context(action, forms, today):
    loggable = action.status == ActionStatus.PLANNED
    return {"section": "calls", "action": action, "today": today,
            "numbers": calls.numbers(action),
            "invoices": calls.concerned_invoices(action, today),
            "attempts": calls.attempts(action),
            "events": timeline.for_customer(action.customer, limit=HISTORY),
            "outcomes": [(Outcome(key), form) for key, form in forms.items()]
            if loggable else []}
