"""The debtor answers: dispute, promise, already paid, payment plan, contact. Each is a
form on a page of its own (the email's buttons open them); a refusal is a form error
and changes nothing."""
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from relance.cases.services import CaseRefused
from relance.ledger.models import ContactRole
from relance.portal import answers, forms, session
from relance.portal.statement import open_invoice_rows


def _page(request, form_class, template, act, done, initial=None):
    """GET shows the form; POST runs `act(cleaned_data)` in one transaction, then goes
    back to the statement with `done`; a CaseRefused is the form's error."""
    options = ({} if form_class is forms.ContactForm
               else {"invoices": open_invoice_rows(request.customer)})
    form = (form_class(request.POST, request.FILES, **options) if request.method == "POST"
            else form_class(initial=initial or {}, **options))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                act(form.cleaned_data)
        except CaseRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, done)
            return redirect("portal:home")
    status = 400 if request.method == "POST" else 200
    return render(request, template, {
        "customer": request.customer, "company": request.customer.company, "form": form,
        "limits": answers.policy_of(request.customer.company)}, status=status)


def _today():
    return timezone.localdate()


@session.portal_view
def dispute(request):
    def act(data):
        answers.dispute(request.customer, data["invoice"], data["reason"], data["comment"],
                        data.get("document"), _today())
    initial = {"invoice": request.GET.get("invoice")} if request.GET.get("invoice") else {}
    return _page(request, forms.DisputeForm, "portal/dispute.html", act,
                 _("Your dispute has been sent. Reminders on this invoice are paused."),
                 initial)


@session.portal_view
def promise(request):
    def act(data):
        answers.promise(request.customer, data["invoices"], data["amount"],
                        data["promised_for"], data["note"], _today())
    return _page(request, forms.PromiseForm, "portal/promise.html", act,
                 _("Thank you: your promise to pay has been recorded."))


@session.portal_view
def paid(request):
    def act(data):
        answers.declare_paid(request.customer, data["invoices"], data["amount"],
                             data["paid_on"], data["note"], data["proof"], _today())
    return _page(request, forms.PaidForm, "portal/paid.html", act,
                 _("Thank you: we will match your payment; reminders on these invoices "
                   "are held until then."))


@session.portal_view
def plan(request):
    def act(data):
        answers.request_plan(request.customer, data["invoices"], data["instalments"],
                             data["starts_on"], data["note"], _today())
    return _page(request, forms.PlanForm, "portal/plan.html", act,
                 _("Your request for a payment plan has been sent; we will answer it."))


@session.portal_view
def contact(request):
    def act(data):
        answers.update_contact(request.customer, data["name"], data["email"],
                               data["phone"])
    current = (request.customer.contacts.filter(role=ContactRole.ACCOUNTS_PAYABLE)
               .order_by("-preferred", "pk").first())
    initial = ({"name": current.name, "email": current.email, "phone": current.phone}
               if current else {})
    return _page(request, forms.ContactForm, "portal/contact.html", act,
                 _("Thank you: your accounts-payable contact has been updated."), initial)
