"""POST handlers of the customer and invoice pages: holds, promises, disputes, the
customer's scenario and a reminder sent by hand.

Each one parses its form, calls the service and goes back to the page. A form with
errors, or one the service refuses, shows the page again (200) with the errors in
place, and nothing has changed. Who may do what: relance.team.access (a customer out
of the user's scope is a 404, a forbidden action on a visible one a 403).
"""
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relance.cases import services
from relance.cases.models import (
    Dispute, DisputeStatus, PaymentDeclaration, Promise, PromiseStatus,
)
from relance.cases.services import CaseRefused
from relance.dunning import actions as dunning_actions
from relance.dunning import assignment
from relance.dunning.actions import ActionRefused
from relance.ledger.models import Customer, Invoice
from relance.team import access
from relance.web.forms import PromiseForm
from relance.workspace.forms_cases import (
    DisputeForm, HoldForm, ManualReminderForm, ResolveDisputeForm, ScenarioForm,
)
from relance.workspace.views.customers import render_customer
from relance.workspace.views.invoices import render_invoice


def customer_for_action(request, pk, allowed=access.can_act_on):
    customer = access.customer_or_404(
        request.user, pk, Customer.objects.select_related("owner", "sales_rep", "company"))
    access.require(allowed(request.user, customer))
    return customer


def _invoice(request, pk, allowed=access.can_act_on):
    invoice = get_object_or_404(access.scoped(
        Invoice.objects.select_related("customer", "company"), request.user), pk=pk)
    access.require(allowed(request.user, invoice.customer))
    return invoice



def _customer_page(customer, tab="invoices", anchor="dunning"):
    return reverse("web:customer", args=[customer.pk]) + f"?tab={tab}#{anchor}"


def _invoice_page(invoice, anchor="cases"):
    return reverse("web:invoice", args=[invoice.pk]) + f"#{anchor}"


def submit(request, form, act, done, back, show_again):
    """Call `act(cleaned_data)` when the form is valid and go `back` with the `done`
    message; otherwise, or when the service refuses, `show_again(form)`."""
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except (CaseRefused, ActionRefused) as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, done)
            return redirect(back)
    return show_again(form)


# The customer page

@require_POST
def change_scenario(request, pk):
    customer = customer_for_action(request, pk)
    form = ScenarioForm(customer, request.POST)
    return submit(request, form,
                   lambda data: assignment.assign(customer, data["scenario"], request.user),
                   _("The customer's scenario was changed."), _customer_page(customer),
                   lambda form: render_customer(request, customer, scenario_form=form))


@require_POST
def put_customer_on_hold(request, pk):
    customer = customer_for_action(request, pk)
    return _put_on_hold(request, customer, _customer_page(customer),
                        lambda form: render_customer(request, customer, hold_form=form))


@require_POST
def release_customer_hold(request, pk):
    customer = customer_for_action(request, pk)
    _release(request, customer)
    return redirect(_customer_page(customer))


def _put_on_hold(request, target, back, show_again):
    today = timezone.localdate()
    form = HoldForm(request.POST, today=today)
    return submit(request, form,
                   lambda data: services.put_on_hold(target, data["reason"], data["until"],
                                                     today, request.user),
                   _("Reminders are on hold."), back, show_again)


def _release(request, target):
    if not target.hold_reason:
        messages.info(request, _("There was no hold to release."))
        return
    services.release_hold(target, request.user)
    messages.success(request, _("The hold was released."))


@require_POST
def record_promise(request, pk):
    customer = customer_for_action(request, pk)
    today = timezone.localdate()
    form = PromiseForm(customer, request.POST, today=today)
    return submit(request, form,
                   lambda data: services.record_promise(
                       customer, data["invoices"], data["amount"], data["promised_for"],
                       today, data["note"], request.user),
                   _("The promise was recorded."), _customer_page(customer),
                   lambda form: render_customer(request, customer, promise_form=form))


@require_POST
def cancel_promise(request, pk, promise_pk):
    customer = customer_for_action(request, pk)
    promise = get_object_or_404(Promise.objects.select_related("customer__company"),
                                pk=promise_pk, customer=customer)
    if promise.status != PromiseStatus.OPEN:
        messages.info(request, _("This promise was no longer open."))
    else:
        services.cancel_promise(promise, request.user)
        messages.success(request, _("The promise was cancelled."))
    return redirect(_customer_page(customer))


@require_POST
def reject_declaration(request, pk, declaration_pk):
    customer = customer_for_action(request, pk)
    declaration = get_object_or_404(PaymentDeclaration.objects.select_related("customer"),
                                    pk=declaration_pk, customer=customer)
    try:
        services.reject_declaration(declaration, request.POST.get("reason", "")[:200],
                                    request.user)
    except CaseRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The declared payment was rejected: reminders resume."))
    return redirect(_customer_page(customer))


@require_POST
def send_reminder(request, pk):
    customer = customer_for_action(request, pk)
    today = timezone.localdate()
    form = ManualReminderForm(customer, request.POST, today=today)
    return submit(request, form,
                   lambda data: dunning_actions.send_manual(
                       customer, data["step"], data["invoices"], request.user,
                       as_of=today, note=data["note"]),
                   _("The reminder is planned for today."), _customer_page(customer),
                   lambda form: render_customer(request, customer, reminder_form=form))


# The invoice page

@require_POST
def open_dispute(request, pk):
    invoice = _invoice(request, pk, access.can_handle_disputes)
    form = DisputeForm(request.POST)
    return submit(request, form,
                   lambda data: services.open_dispute(invoice, data["reason"], data["comment"],
                                                      timezone.localdate(), request.user),
                   _("The dispute was opened: reminders on this invoice pause."),
                   _invoice_page(invoice),
                   lambda form: render_invoice(request, invoice, dispute_form=form))


@require_POST
def resolve_dispute(request, pk, dispute_pk):
    invoice = _invoice(request, pk, access.can_handle_disputes)
    dispute = get_object_or_404(Dispute, pk=dispute_pk, invoice=invoice)
    form = ResolveDisputeForm(request.POST)
    return submit(request, form,
                   lambda data: _resolve(dispute, data["resolution"], request.user),
                   _("The dispute was resolved."), _invoice_page(invoice),
                   lambda form: render_invoice(request, invoice, resolve_form=form))


def _resolve(dispute, resolution, user):
    if dispute.status != DisputeStatus.OPEN:
        raise CaseRefused(_("This dispute is already resolved."))
    services.resolve_dispute(dispute, resolution, timezone.localdate(), user)


@require_POST
def put_invoice_on_hold(request, pk):
    invoice = _invoice(request, pk)
    return _put_on_hold(request, invoice, _invoice_page(invoice, "dunning"),
                        lambda form: render_invoice(request, invoice, hold_form=form))


@require_POST
def release_invoice_hold(request, pk):
    invoice = _invoice(request, pk)
    _release(request, invoice)
    return redirect(_invoice_page(invoice, "dunning"))
