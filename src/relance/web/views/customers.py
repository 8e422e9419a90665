"""Customer pages: the list of debtors and one debtor's file."""
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from relance.cases.models import Promise, PromiseStatus
from relance.dunning import actions as dunning_actions
from relance.dunning import assignment, preview
from relance.dunning.models import ActionStatus, Channel
from relance.ledger import aging, queries, timeline
from relance.ledger.models import Customer, InvoiceKind
from relance.team.models import Role
from relance.web.forms import CustomerFilterForm
from relance.web.forms_cases import HoldForm, ManualReminderForm, PromiseForm, ScenarioForm
from relance.web.views.common import mark_invoices

PAGE_SIZE = 50
OPEN_INVOICES_SHOWN = 500
# Sort keys of the form -> ORDER BY; the id breaks ties so pages never overlap.
ORDERINGS = {
    "name": ("name", "id"), "-name": ("-name", "-id"),
    "balance": ("open_balance", "id"), "-balance": ("-open_balance", "id"),
    "overdue": ("overdue_amount", "id"), "-overdue": ("-overdue_amount", "id"),
}


def customer_list(request):
    today = timezone.localdate()
    form = CustomerFilterForm(request.GET)
    filters = form.filters()
    sort = filters.get("sort") or "name"
    customers = _filtered_customers(filters, today)
    if sort.lstrip("-") != "name":
        customers = queries.annotate_open_totals(customers, today)
    page = Paginator(customers.order_by(*ORDERINGS[sort]), PAGE_SIZE).get_page(
        request.GET.get("page"))
    page.object_list = list(page.object_list)
    _attach_totals(page.object_list, today)
    context = {"section": "customers", "form": form, "page": page, "sort": sort}
    return render(request, "web/customers.html", context)


def _filtered_customers(filters, today):
    customers = Customer.objects.select_related("owner")
    if q := filters.get("q", "").strip():
        customers = customers.filter(Q(reference__icontains=q) | Q(name__icontains=q)
                                     | Q(siren__startswith=q.replace(" ", "")))
    if filters.get("segment"):
        customers = customers.filter(segment=filters["segment"])
    if filters.get("owner"):
        customers = customers.filter(owner=filters["owner"])
    if filters.get("overdue"):
        customers = queries.with_overdue_only(customers, today)
    return customers


def _attach_totals(customers, today):
    """Aggregate open invoices for the customers of this page only: one query."""
    totals = queries.open_totals_for([c.pk for c in customers], today)
    for customer in customers:
        row = totals.get(customer.pk, {})
        customer.balance = row.get("balance") or queries.ZERO
        customer.overdue = row.get("overdue") or queries.ZERO
        customer.on_hold = customer.is_on_hold(today)
        oldest = row.get("oldest_due")
        customer.oldest_days_late = aging.days_late(oldest, today) if oldest else None


def customer_detail(request, pk):
    customer = get_object_or_404(Customer.objects.select_related("owner", "sales_rep"),
                                 pk=pk)
    return render_customer(request, customer)


def render_customer(request, customer, **submitted):
    """The customer's file. `submitted` holds a posted form that has errors: it replaces
    the empty one so the user sees what to correct."""
    today = timezone.localdate()
    open_docs = list(queries.open_invoices().filter(customer=customer)
                     .order_by("due_date", "id")[:OPEN_INVOICES_SHOWN])
    mark_invoices(open_docs, today)
    context = {
        "section": "customers",
        "customer": customer, "today": today, "open_invoices": open_docs,
        "open_invoices_capped": len(open_docs) == OPEN_INVOICES_SHOWN,
        "totals": queries.open_totals_for([customer.pk], today).get(customer.pk, {}),
        "aging_rows": _aging_rows(customer, today),
        "on_hold": customer.is_on_hold(today),
        "contacts": customer.contacts.order_by("-preferred", "name"),
        "payments": customer.payments.order_by("-date", "-id")[:20],
        "events": timeline.for_customer(customer, limit=100),
        **_dunning(request.user, customer, today),
    }
    context.update(submitted)
    return render(request, "web/customer.html", context)


def may_act(user, customer):
    """Managers act on every customer, a collector on the customers they own."""
    return user.is_manager or (user.role == Role.COLLECTOR and customer.owner_id == user.pk)


def may_dispute(user, customer):
    """Sales reps may open and resolve disputes, and nothing else."""
    return user.role == Role.SALES or may_act(user, customer)


def _dunning(user, customer, today):
    """The dunning section: scenario, promises, what is planned and what was done, and
    the empty forms when the user may act on this customer."""
    scenario, source = assignment.scenario_for(customer)
    context = {
        "scenario": scenario, "scenario_source": source, "may_act": may_act(user, customer),
        "promises": Promise.objects.filter(customer=customer, status=PromiseStatus.OPEN)
        .prefetch_related("invoices").order_by("promised_for", "id"),
        "planned": planned_rows(preview.calendar(customer.company, today, customer=customer)),
        "actions": with_detail_links(dunning_actions.for_customer(customer)),
    }
    if context["may_act"]:
        context.update(
            scenario_form=ScenarioForm(customer), hold_form=HoldForm(today=today),
            promise_form=PromiseForm(customer, today=today),
            reminder_form=ManualReminderForm(customer, today=today, scenario=scenario))
    return context


def planned_rows(drafts):
    """What the preview's drafts show: the day, the step, the channel and the invoices."""
    return [{"day": d.day, "step": d.step, "channel": Channel(d.channel).label,
             "invoices": [line["number"] for line in d.summary["invoices"]],
             "amount": d.planned.amount, "currency": d.planned.currency,
             "needs_approval": d.status == ActionStatus.AWAITING_APPROVAL}
            for d in drafts]


def with_detail_links(actions):
    """The actions, each with `url`: its detail page, once the dunning app has one."""
    actions = list(actions)
    for action in actions:
        try:
            action.url = reverse("dunning:action", args=[action.pk])
        except NoReverseMatch:
            action.url = None
    return actions


def _aging_rows(customer, today):
    """(label, amount) per bucket over every open invoice, not only the ones shown."""
    pairs = (queries.open_invoices().filter(customer=customer, kind=InvoiceKind.INVOICE)
             .values_list("due_date", "open_amount"))
    totals = aging.age(pairs.iterator(), today)
    return [(aging.LABELS[key], key, amount) for key, amount in totals.items()]

