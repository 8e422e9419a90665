"""The run page: the last runs, the button that starts one, and a dry run on a date."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from relance.dunning.forms import PreviewForm
from relance.dunning.models import ActionStatus, Channel, Run
from relance.dunning import stops
from relance.dunning.run import run_dunning
from relance.dunning.views.access import dunning_page
from relance.ledger.models import Customer

RECENT_RUNS = 10
PAGE_SIZE = 50
# Why the planner left an invoice alone, in words.
STOP_REASONS = stops.LABELS
ORIGINS = {
    "cli": gettext_lazy("Command line"), "scheduler": gettext_lazy("Scheduler"),
    "web": gettext_lazy("Back office"), "demo": gettext_lazy("Demo"),
}


@dunning_page
def home(request, company):
    today = timezone.localdate()
    form = PreviewForm(request.GET if "date" in request.GET else None, today=today)
    context = {"section": "dunning", "form": form, "runs": _recent_runs(company),
               "can_run": request.user.is_manager, "today": today}
    if form.is_bound and form.is_valid():
        context["preview"] = _preview(request, company, form.cleaned_data["date"])
    return render(request, "dunning/home.html", context)


@dunning_page(managers=True)
@require_POST
def run_now(request, company):
    result = run_dunning(company, timezone.localdate(), origin="web", user=request.user)
    messages.success(request, _run_summary(result))
    return redirect("dunning:home")


def _recent_runs(company):
    runs = list(Run.objects.filter(company=company).select_related("triggered_by")
                .order_by("-started_at", "-id")[:RECENT_RUNS])
    for run in runs:
        run.origin_label = ORIGINS.get(run.origin, run.origin)
        run.channels = channel_counts(run.summary.get("by_channel", {}))
    return runs


def _preview(request, company, day):
    """A dry run on `day`: nothing is written, the page shows what would be."""
    result = run_dunning(company, day, dry_run=True, origin="web", user=request.user)
    page = Paginator(result.actions, PAGE_SIZE).get_page(request.GET.get("page"))
    customers = Customer.objects.in_bulk({d.planned.customer_id for d in page})
    page.object_list = [_row(draft, customers) for draft in page]
    return {"result": result, "page": page,
            "channels": channel_counts(result.by_channel),
            "stopped": stop_counts(result.stopped),
            "awaiting": sum(d.status == ActionStatus.AWAITING_APPROVAL
                            for d in result.actions)}


def _row(draft, customers):
    return {"customer": customers.get(draft.planned.customer_id), "step": draft.step,
            "channel": Channel(draft.channel).label,
            "rerouted": "rerouted_from" in draft.summary,
            "numbers": draft.invoice_numbers,
            "amount": draft.planned.amount, "currency": draft.planned.currency,
            "needs_approval": draft.status == ActionStatus.AWAITING_APPROVAL}


def channel_counts(by_channel):
    """[(label, count)] from {channel: count}."""
    return [(_channel_label(channel), n) for channel, n in by_channel.items()]


def _channel_label(channel):
    try:
        return Channel(channel).label
    except ValueError:
        return channel


def stop_counts(stopped):
    return [(STOP_REASONS.get(reason, reason), n) for reason, n in sorted(stopped.items())]


def _run_summary(result):
    count = len(result.actions)
    if not count:
        return _("Run of %(day)s: nothing to do.") % {"day": _day(result.day)}
    awaiting = sum(d.status == ActionStatus.AWAITING_APPROVAL for d in result.actions)
    text = ngettext("Run of %(day)s: %(count)s action planned",
                    "Run of %(day)s: %(count)s actions planned", count) % {
        "day": _day(result.day), "count": count}
    channels = ", ".join(f"{label} {n}" for label, n in channel_counts(result.by_channel))
    text += f" ({channels})"
    if awaiting:
        text += ", " + ngettext("%(count)s awaiting approval",
                                "%(count)s awaiting approval", awaiting) % {"count": awaiting}
    return text + "."


def _day(day):
    return date_format(day, "SHORT_DATE_FORMAT")
