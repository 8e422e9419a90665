"""The review queue and one action's page: see what will go out, edit it, approve it
or cancel it. The decisions themselves are `relance.dunning.actions`."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relance.compose.context import build_context, contact_of, preview_portal_url
from relance.compose.wording import message_for
from relance.dunning import actions
from relance.dunning.forms import ActionEditForm, CancelForm
from relance.dunning.models import ActionInvoice
from relance.dunning.views.access import action_for, dunning_page
from relance.dunning.snapshots import other_ids
from relance.ledger.models import Event, Invoice
from relance.web import exports
from relance.web.export_columns import ACTION_COLUMNS

PAGE_SIZE = 50
# the numbers of the invoices of each action of a page
_NUMBERS = Prefetch("lines", ActionInvoice.objects.select_related("invoice")
                    .only("action_id", "invoice__number").order_by("id"))


@dunning_page
def review(request, company):
    queue = actions.awaiting_approval(company).select_related("customer__owner")
    if not request.user.is_manager:
        queue = queue.filter(customer__owner=request.user)
    if exports.wanted(request):
        return exports.response(request, queue, ACTION_COLUMNS, "awaiting-approval")
    page = Paginator(queue.prefetch_related(_NUMBERS), PAGE_SIZE).get_page(
        request.GET.get("page"))
    context = {"section": "dunning", "page": page}
    return render(request, "dunning/review.html", context)


@dunning_page
def action_detail(request, company, pk):
    action = action_for(request.user, company, pk)
    now = timezone.now()
    today = timezone.localdate(now)
    # a page that shows a reminder never issues a portal link: sending does
    portal_url = preview_portal_url(action.customer, now)
    message = message_for(action, today, portal_url=portal_url)
    form = (_edit_form(request, action, message, today, portal_url) if action.is_open
            else None)
    if request.method == "POST":
        if form is None:
            messages.error(request, _("Only a planned action can be edited."))
            return redirect("dunning:action", pk=action.pk)
        if form.is_valid() and _save(request, action, form):
            messages.success(request, _("The reminder was saved."))
            return redirect("dunning:action", pk=action.pk)
    context = {"section": "dunning", "action": action, "message": message, "form": form,
               "invoices": _lines(action, today),
               "others": _other_lines(action, today),
               "deliveries": action.messages.order_by("id"),
               "events": Event.objects.filter(
                   Q(type__startswith="action.") | Q(type__startswith="message."),
                   customer=action.customer, data__action=action.pk)
               .select_related("actor").order_by("-at", "-id")}
    return render(request, "dunning/action.html", context)


@dunning_page
@require_POST
def approve(request, company, pk):
    action = action_for(request.user, company, pk)
    try:
        actions.approve(action, request.user)
        messages.success(request, _("Approved: %(action)s.") % {"action": _named(action)})
    except actions.ActionRefused as refusal:
        messages.error(request, str(refusal))
    return _back(request, action)


@dunning_page
@require_POST
def cancel(request, company, pk):
    action = action_for(request.user, company, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the reminder is cancelled."))
        return _back(request, action)
    try:
        actions.cancel(action, request.user, form.cleaned_data["reason"])
        messages.success(request, _("Cancelled: %(action)s.") % {"action": _named(action)})
    except actions.ActionRefused as refusal:
        messages.error(request, str(refusal))
    return _back(request, action)


# Editing ----------------------------------------------------------------------------

def _edit_form(request, action, message, today, portal_url):
    def context_for(contact):
        context = build_context(action, today, portal_url=portal_url)
        context["contact"] = contact_of(contact)
        return context
    data = request.POST if request.method == "POST" else None
    return ActionEditForm(data, action=action, template=message.template,
                          language=message.language, context_for=context_for)


def _save(request, action, form):
    subject, body = form.texts()
    try:
        actions.edit(action, request.user, subject=subject, body=body,
                     note=form.cleaned_data["note"], contact=form.cleaned_data["contact"])
    except actions.ActionRefused as refusal:
        form.add_error(None, str(refusal))
        return False
    return True


# Helpers ----------------------------------------------------------------------------

def _lines(action, today):
    """The invoices the action is about: numbers and due dates from the ledger, open
    amounts as the action saw them (its lines), days late as of today."""
    return [_line(line.invoice, line.open_amount, today)
            for line in action.lines.select_related("invoice").order_by("id")]


def _other_lines(action, today):
    """The customer's other overdue invoices the summary lists, as `_lines` shows them,
    with their open amounts of today."""
    ids = other_ids(action.summary)
    invoices = Invoice.objects.in_bulk(ids)
    return [_line(invoices[pk], invoices[pk].open_amount, today)
            for pk in ids if pk in invoices]


def _line(invoice, open_amount, today):
    return {"id": invoice.pk, "number": invoice.number, "due_date": invoice.due_date,
            "open_amount": open_amount, "days_late": (today - invoice.due_date).days}


def _named(action):
    step = action.step.name if action.step else action.get_kind_display()
    return f"{step} – {action.customer.name}"


def _back(request, action):
    """To the page the button was on when it says so safely, else the action's page."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()},
                                       require_https=request.is_secure()):
        return redirect(target)
    return redirect("dunning:action", pk=action.pk)

