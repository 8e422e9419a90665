"""Customer pages: the list of debtors and one debtor's file."""
import importlib.util

from django.core.paginator import Paginator
from django.db.models import F, Q
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from relance.cases.models import (
    DeclarationStatus, PaymentDeclaration, Promise, PromiseStatus,
)
from relance.dunning import actions as dunning_actions
from relance.dunning import assignment, preview
from relance.dunning.models import ActionStatus, Channel
from relance.ledger import aging, queries, timeline
from relance.ledger.models import Customer, InvoiceKind
from relance.recovery.views_handover import may_view_legal
from relance.team import access
from relance.team.models import Note
from relance.web import exports
from relance.workspace.forms import CustomerFilterForm
from relance.web.forms import PromiseForm
from relance.workspace.forms_cases import HoldForm, ManualReminderForm, ScenarioForm
from relance.workspace.forms_quick import CallLogForm, CustomerDisputeForm, NoteForm, StatementForm
from relance.workspace.views.common import mark_invoices

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
    customers = _filtered_customers(filters, today).filter(access.customer_scope(request.user))
    if sort.lstrip("-") != "name" or exports.wanted(request):
        customers = queries.annotate_open_totals(customers, today)
    if exports.wanted(request):
        return exports.response(request, customers.order_by(*ORDERINGS[sort]),
                                CUSTOMER_COLUMNS, "customers")
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
    if filters.get("over_limit"):
        over = queries.annotate_open_totals(
            Customer.objects.filter(credit_limit__isnull=False), today)
        customers = customers.filter(
            pk__in=over.filter(open_balance__gt=F("credit_limit")).values("pk"))
    return customers


def _attach_totals(customers, today):
    """Aggregate open invoices for the customers of this page only: one query."""
    totals = queries.open_totals_for([c.pk for c in customers], today)
    for customer in customers:
        row = totals.get(customer.pk, {})
        customer.balance = row.get("balance") or queries.ZERO
        customer.overdue = row.get("overdue") or queries.ZERO
        customer.others = row.get("others", [])
        customer.on_hold = customer.is_on_hold(today)
        oldest = row.get("oldest_due")
        customer.oldest_days_late = aging.days_late(oldest, today) if oldest else None


# Columns of the customer list's export: (header, value of a row, kind).
CUSTOMER_COLUMNS = [
    exports.Column(_("Reference"), "reference"),
    exports.Column(_("Name"), "name"),
    exports.Column(_("SIREN"), "siren"),
    exports.Column(_("Segment"), "segment"),
    exports.Column(_("Collector"), lambda c: str(c.owner) if c.owner_id else ""),
    exports.Column(_("Open balance (EUR)"), "open_balance", exports.NUMBER),
    exports.Column(_("Overdue (EUR)"), "overdue_amount", exports.NUMBER),
]

TABS = ("invoices", "contacts", "timeline", "notes", "portal", "legal")


def customer_detail(request, pk):
    customer = access.customer_or_404(
        request.user, pk, Customer.objects.select_related("owner", "sales_rep"))
    return render_customer(request, customer)


def render_customer(request, customer, tab=None, **submitted):
    """The customer's file: the header with its quick actions, and one tab (`?tab=`).
    `submitted` holds a posted form that has errors: it replaces the empty one so the
    user sees what to correct."""
    today = timezone.localdate()
    tabs = _tab_links(request.user, customer)
    tab = tab or request.GET.get("tab")
    tab = tab if tab in dict(tabs) else TABS[0]
    context = {
        "section": "customers", "customer": customer, "today": today, "tab": tab,
        "tabs": tabs, "risk_template": RISK_TEMPLATE,
        "risk_summary": _risk_summary(customer, today),
        "totals": queries.open_totals_for([customer.pk], today).get(customer.pk, {}),
        "on_hold": customer.is_on_hold(today),
        **_header(request.user, customer, today),
        **TAB_CONTEXT[tab](request.user, customer, today),
    }
    if tab == "invoices" and request.GET.get("planned"):
        # without JavaScript, the placeholder's link asks for the planned actions inline
        context.update(planned=_planned(customer, today), planned_inline=True)
    context.update(submitted)
    return render(request, "web/customer.html", context)


@require_GET
def customer_planned(request, pk):
    """What the next 30 days would bring for this customer: the fragment the invoices
    tab loads after the page. Previewing reads the run's inputs (its stop rules over
    the company's cases), the slowest part of the page at a million invoices, so the
    page is served first and this section follows."""
    customer = access.customer_or_404(request.user, pk, Customer.objects.all())
    context = {"customer": customer, "planned": _planned(customer, timezone.localdate())}
    return render(request, "web/customer/_planned.html", context)


def _tab_links(user, customer):
    """The tabs this user may open: everyone who sees the customer sees its portal
    (its buttons are for managers and its collector); the legal tab is for managers
    and its collector (`recovery.views_handover.may_view_legal`)."""
    tabs = [("invoices", _("Invoices")), ("contacts", _("Contacts")),
            ("timeline", _("Timeline")), ("notes", _("Notes")), ("portal", _("Portal"))]
    if may_view_legal(user, customer):
        tabs.append(("legal", _("Legal")))
    return tabs


def _invoices_tab(user, customer, today):
    open_docs = list(queries.open_invoices().filter(customer=customer)
                     .order_by("due_date", "id")[:OPEN_INVOICES_SHOWN])
    mark_invoices(open_docs, today)
    return {"open_invoices": open_docs,
            "open_invoices_capped": len(open_docs) == OPEN_INVOICES_SHOWN,
            "aging_rows": _aging_rows(customer, today),
            "payments": customer.payments.order_by("-date", "-id")[:20],
            **_dunning(customer, today)}


def _contacts_tab(user, customer, today):
    return {"contacts": customer.contacts.order_by("-preferred", "name")}


def _timeline_tab(user, customer, today):
    return {"events": timeline.for_customer(customer, limit=100)}


def _notes_tab(user, customer, today):
    return {"notes": Note.objects.filter(customer=customer).select_related("author")
            .prefetch_related("mentioned")[:200]}


def _own_data_tab(user, customer, today):
    return {}   # the portal and legal sections read their own data (template tags)


TAB_CONTEXT = {"invoices": _invoices_tab, "contacts": _contacts_tab,
               "timeline": _timeline_tab, "notes": _notes_tab,
               "portal": _own_data_tab, "legal": _own_data_tab}

# The risk panel comes from relance.insights when that app is installed; the page
# works without it.
RISK_TEMPLATE = ("insights/_customer_risk.html"
                 if importlib.util.find_spec("relance.insights.behaviour") else None)


def _risk_summary(customer, today):
    if RISK_TEMPLATE is None:
        return None
    from relance.insights.behaviour import summary_for

    return summary_for(customer, today)


def _header(user, customer, today):
    """The header: scenario, what the user may do, and the quick actions' empty forms."""
    scenario, source = assignment.scenario_for(customer)
    context = {"scenario": scenario, "scenario_source": source,
               "may_act": access.can_act_on(user, customer),
               "may_dispute": access.can_handle_disputes(user, customer),
               "may_note": access.can_add_note(user, customer)}
    if context["may_act"]:
        context.update(
            scenario_form=ScenarioForm(customer), hold_form=HoldForm(today=today),
            promise_form=PromiseForm(customer, today=today),
            reminder_form=ManualReminderForm(customer, today=today, scenario=scenario),
            call_form=CallLogForm(), statement_form=StatementForm(customer))
    if context["may_dispute"]:
        context["dispute_form"] = CustomerDisputeForm(customer)
    if context["may_note"]:
        context["note_form"] = NoteForm()
    return context


def _dunning(customer, today):
    """The dunning section: promises and what was done; what is planned comes after
    the page (`customer_planned`)."""
    return {
        "promises": Promise.objects.filter(customer=customer, status=PromiseStatus.OPEN)
        .prefetch_related("invoices").order_by("promised_for", "id"),
        "declarations": PaymentDeclaration.objects
        .filter(customer=customer, status=DeclarationStatus.PENDING)
        .prefetch_related("invoices").order_by("created_at", "id"),
        "actions": with_detail_links(dunning_actions.for_customer(customer)),
    }


def _planned(customer, today):
    return planned_rows(preview.calendar(customer.company, today, customer=customer))


def planned_rows(drafts):
    """What the preview's drafts show: the day, the step, the channel and the invoices."""
    return [{"day": d.day, "step": d.step, "channel": Channel(d.channel).label,
             "invoices": d.invoice_numbers,
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
    """(label, amount) per bucket over every open invoice in euros, not only the ones
    shown (other currencies are in the header, never added to euros)."""
    pairs = (queries.open_invoices().filter(customer=customer, kind=InvoiceKind.INVOICE,
                                            currency=queries.HOME_CURRENCY)
             .values_list("due_date", "open_amount"))
    totals = aging.age(pairs.iterator(), today)
    return [(aging.LABELS[key], key, amount) for key, amount in totals.items()]

