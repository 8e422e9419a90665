"""The legal pages' forms: the statement of claim's and the dossier's date (GET), and
the hand-over to a collection agency, its reports and its end (POST)."""
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from relance.cases.models import HANDOVER_STOPS, HandoverStatus, ReportKind
from relance.web.forms import DateInput, InvoiceChoiceForm, PageForm


class StatementForm(forms.Form):
    as_of = forms.DateField(label=_("As of"), widget=forms.DateInput(attrs={"type": "date"}),
                            input_formats=["%Y-%m-%d"])
    paid_late = forms.BooleanField(
        label=_("Include the invoices paid late in full"), required=False,
        help_text=_("Their penalties and indemnity are still due."))

    def __init__(self, data, *, today):
        """`data` is the query string; without a date the statement is today's."""
        data = data.copy()
        data.setdefault("as_of", today.isoformat())
        super().__init__(data)


class DossierForm(StatementForm):
    """The dossier's GET form: its date and whom it is for."""

    purpose = forms.ChoiceField(label=_("For"), required=False,
                                choices=[("court", _("a court")),
                                         ("agency", _("a collection agency"))])

    def clean_purpose(self):
        return self.cleaned_data.get("purpose") or "court"


def _not_after_today(form, field):
    value = form.cleaned_data.get(field)
    if value is not None and value > form.today:
        raise forms.ValidationError(_("Choose today or an earlier date."), code="future")
    return value


class HandoverForm(InvoiceChoiceForm):
    id_prefix = "handover"

    agency_name = forms.CharField(label=_("Agency"), max_length=200)
    agency_reference = forms.CharField(label=_("Agency's reference"), max_length=100,
                                       required=False)
    handed_on = forms.DateField(label=_("Handed over on"), widget=DateInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    field_order = ("invoices", "agency_name", "agency_reference", "handed_on", "note")

    def __init__(self, customer, *args, today, **kwargs):
        super().__init__(customer, *args, today=today, **kwargs)
        # Invoices with an agency (or closed by one) cannot be handed over again.
        self.fields["invoices"].queryset = self.fields["invoices"].queryset.exclude(
            handovers__status__in=HANDOVER_STOPS)
        self.initial.setdefault("handed_on", today.isoformat())

    def clean_handed_on(self):
        return _not_after_today(self, "handed_on")


class ReportForm(PageForm):
    id_prefix = "report"

    reported_on = forms.DateField(label=_("Reported on"), widget=DateInput)
    kind = forms.ChoiceField(label=_("What the agency reports"), choices=ReportKind.choices)
    amount = forms.DecimalField(
        label=_("Amount"), required=False, min_value=Decimal("0.01"), max_digits=14,
        decimal_places=2, localize=True, help_text=_("For a promise or a payment."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.initial.setdefault("reported_on", today.isoformat())

    def clean_reported_on(self):
        return _not_after_today(self, "reported_on")


class EndHandoverForm(PageForm):
    id_prefix = "end"

    status = forms.ChoiceField(label=_("Outcome"), choices=[
        (HandoverStatus.RETURNED, _("Returned: our reminders resume")),
        (HandoverStatus.CLOSED, _("Closed: the agency is done, reminders stay stopped"))])
    ended_on = forms.DateField(label=_("Ended on"), widget=DateInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.initial.setdefault("ended_on", today.isoformat())

    def clean_ended_on(self):
        return _not_after_today(self, "ended_on")
