"""POST forms of the customer view's quick actions that the case forms do not cover:
a call logged by hand, a dispute opened from the customer, a statement sent, a note."""
from django import forms
from django.utils.translation import gettext_lazy as _

from relance.delivery.calls import Outcome
from relance.ledger.models import Invoice
from relance.team.notes import MAX_LENGTH
from relance.web.forms import PageForm, open_invoices_of
from relance.workspace.forms_cases import DisputeForm

# A call logged from the customer view records what happened; a promise or a dispute
# heard on the phone has its own quick action, which records it for what it is.
LOGGED_OUTCOMES = [Outcome.REACHED, Outcome.NO_ANSWER, Outcome.WRONG_NUMBER]


class CallLogForm(PageForm):
    id_prefix = "call"

    outcome = forms.ChoiceField(label=_("Outcome"),
                                choices=[(o.value, o.label) for o in LOGGED_OUTCOMES])
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class CustomerDisputeForm(DisputeForm):
    """A dispute opened from the customer view: the invoice is chosen in the form."""

    id_prefix = "cdispute"

    invoice = forms.ModelChoiceField(label=_("Invoice"), queryset=Invoice.objects.none(),
                                     empty_label=None)
    field_order = ("invoice", "reason", "comment")

    def __init__(self, customer, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invoice"].queryset = open_invoices_of(customer).order_by("due_date", "id")


class StatementForm(PageForm):
    id_prefix = "statement"

    contact = forms.ModelChoiceField(label=_("To"), queryset=None, empty_label=None)
    note = forms.CharField(label=_("Message"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Added above the statement in the email."))

    def __init__(self, customer, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = (customer.contacts.exclude(email="")
                                           .order_by("-preferred", "name"))


class NoteForm(PageForm):
    id_prefix = "note"

    text = forms.CharField(label=_("Note"), max_length=MAX_LENGTH, strip=True,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Mention a teammate with @ and their first name, "
                                       "full name or email name."))
