"""Forms of the call pages: one small form per outcome of a call.

Each form's cleaned data are the keyword arguments `calls.log_outcome` takes for its
outcome, so the view only picks the form by the posted `outcome`. The forms check what
a user can get wrong; the services have the last word and their refusals are added to
the form.
"""
from django import forms
from django.utils.translation import gettext_lazy as _

from relance.cases.models import DisputeReason
from relance.delivery.calls import Outcome
from relance.ledger.models import Contact
from relance.web.forms import DateInput, InvoiceChoiceForm, PageForm, PromiseForm


NOTE = _("Note")


def _note(required=False, label=NOTE):
    return forms.CharField(label=label, required=required, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class CallForm(PageForm):
    """A form about one call (`action`), as of `today`."""

    def __init__(self, action, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.action, self.today = action, today


class ReachedForm(CallForm):
    outcome = Outcome.REACHED
    id_prefix = "reached"

    note = _note(required=True, label=_("What was said"))


class NoAnswerForm(CallForm):
    outcome = Outcome.NO_ANSWER
    id_prefix = "no-answer"

    note = _note()


class WrongNumberForm(CallForm):
    outcome = Outcome.WRONG_NUMBER
    id_prefix = "wrong-number"

    contact = forms.ModelChoiceField(label=_("Whose number"), queryset=Contact.objects.none(),
                                     empty_label=None)
    note = _note()

    def __init__(self, action, *args, today, **kwargs):
        kwargs.setdefault("initial", {"contact": action.contact_id})
        super().__init__(action, *args, today=today, **kwargs)
        self.fields["contact"].queryset = (Contact.objects.filter(customer=action.customer_id)
                                           .exclude(phone="").order_by("name"))
        self.fields["contact"].label_from_instance = lambda c: f"{c.name} – {c.phone}"


def _invoices_of(action):
    """The action's invoices, ticked at first in the forms that choose invoices."""
    return list(action.lines.values_list("invoice_id", flat=True))


class CallPromiseForm(PromiseForm):
    outcome = Outcome.PROMISE
    id_prefix = "promise"

    def __init__(self, action, *args, today, **kwargs):
        kwargs.setdefault("initial", {"invoices": _invoices_of(action)})
        super().__init__(action.customer, *args, today=today, **kwargs)


class CallDisputeForm(InvoiceChoiceForm):
    outcome = Outcome.DISPUTE
    id_prefix = "dispute"

    reason = forms.ChoiceField(label=_("Reason"), choices=DisputeReason.choices)
    comment = _note(label=_("Comment"))

    field_order = ("invoices", "reason", "comment")

    def __init__(self, action, *args, today, **kwargs):
        kwargs.setdefault("initial", {"invoices": _invoices_of(action)})
        super().__init__(action.customer, *args, today=today, **kwargs)


class SaysPaidForm(InvoiceChoiceForm):
    outcome = Outcome.SAYS_PAID
    id_prefix = "says-paid"

    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput)
    amount = forms.DecimalField(
        label=_("Amount"), required=False, min_value=0.01, max_digits=14, decimal_places=2,
        localize=True, help_text=_("Empty: the total of the chosen invoices."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    note = _note()

    field_order = ("invoices", "paid_on", "amount", "note")

    def __init__(self, action, *args, today, **kwargs):
        kwargs.setdefault("initial", {"invoices": _invoices_of(action)})
        super().__init__(action.customer, *args, today=today, **kwargs)

    def clean_paid_on(self):
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > self.today:
            raise forms.ValidationError(_("Choose today or an earlier date."), code="future")
        return paid_on

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("amount") is None and cleaned.get("invoices"):
            cleaned["amount"] = sum(i.open_amount for i in cleaned["invoices"])
        return cleaned


OUTCOME_FORMS = {form.outcome.value: form for form in (
    ReachedForm, NoAnswerForm, WrongNumberForm, CallPromiseForm, CallDisputeForm,
    SaysPaidForm)}


def outcome_forms(action, today):
    """An empty form for each outcome, in the order the page shows them."""
    return {outcome: form(action, today=today) for outcome, form in OUTCOME_FORMS.items()}


def bound_form(action, data, today):
    """The form of the posted outcome, bound to the data; None for an unknown outcome."""
    form = OUTCOME_FORMS.get(data.get("outcome"))
    return form(action, data, today=today) if form is not None else None

