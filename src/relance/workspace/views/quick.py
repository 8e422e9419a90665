"""The customer view's quick actions that are not a case form of their own: a call
logged by hand, a dispute opened from the customer, a statement sent by email, a note;
and the notifications those notes bring.

Same shape as relance.workspace.views.cases: parse, call the service, go back to the page;
a form with errors shows the page again with the errors and nothing changed.
"""
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relance.cases import services
from relance.ledger import timeline
from relance.team import access, notes
from relance.team.models import Notification
from relance.workspace.forms_quick import CallLogForm, CustomerDisputeForm, NoteForm, StatementForm
from relance.workspace.views.cases import _customer_page, customer_for_action, submit
from relance.workspace.views.customers import render_customer


@require_POST
def log_call(request, pk):
    customer = customer_for_action(request, pk)
    return submit(request, CallLogForm(request.POST),
                  lambda data: _record_call(customer, request.user, data),
                  _("The call was logged."), _customer_page(customer, "timeline", "tabs"),
                  lambda form: render_customer(request, customer, call_form=form))


def _record_call(customer, user, data):
    """A call made outside the call list: only the timeline keeps it (call.<outcome>,
    the same types as the call tasks' outcomes)."""
    timeline.record(customer.company, f"call.{data['outcome']}", customer=customer,
                    actor=user, message=data["note"], data={"logged_by_hand": True})


@require_POST
def open_customer_dispute(request, pk):
    customer = customer_for_action(request, pk, access.can_handle_disputes)
    form = CustomerDisputeForm(customer, request.POST)
    return submit(request, form,
                  lambda data: services.open_dispute(data["invoice"], data["reason"],
                                                     data["comment"], timezone.localdate(),
                                                     request.user),
                  _("The dispute was opened: reminders on this invoice pause."),
                  _customer_page(customer),
                  lambda form: render_customer(request, customer, dispute_form=form))


@require_POST
def send_statement(request, pk):
    from relance.delivery import statement_mail

    customer = customer_for_action(request, pk)
    form = StatementForm(customer, request.POST)
    return submit(request, form,
                  lambda data: statement_mail.send(customer, data["contact"], request.user,
                                                   timezone.localdate(), note=data["note"]),
                  _("The statement will be emailed: it is in the outbox."),
                  _customer_page(customer, "timeline", "tabs"),
                  lambda form: render_customer(request, customer, statement_form=form))


@require_POST
def add_note(request, pk):
    customer = access.customer_or_404(request.user, pk)
    access.require(access.can_add_note(request.user, customer))
    return submit(request, NoteForm(request.POST),
                  lambda data: notes.add_note(customer, request.user, data["text"]),
                  _("The note was added."), _customer_page(customer, "notes", "tabs"),
                  lambda form: render_customer(request, customer, "notes", note_form=form))


# Notifications

def notification_list(request):
    found = (Notification.objects.filter(user=request.user)
             .select_related("note__author").order_by("-created_at", "-id")[:100])
    return render(request, "web/notifications.html",
                  {"section": "notifications", "notifications": found})


@require_POST
def read_notification(request, pk):
    """Mark it read and open what it is about."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    notes.mark_read(request.user, notification.pk)
    return redirect(notification.link or "web:notifications")


@require_POST
def read_all_notifications(request):
    count = notes.mark_read(request.user)
    messages.success(request, _("%(count)s notification(s) marked read.") % {"count": count})
    return redirect("web:notifications")
