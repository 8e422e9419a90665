"""The payment list's GET filters. A bad value is shown as a field error and ignored,
as on the other lists, never an error page."""
from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from relance.ledger.models import Company


def _date_field(label):
    # type=date sends ISO dates, which Django accepts in every language.
    return forms.DateField(label=label, required=False, widget=forms.DateInput(
        attrs={"type": "date"}, format="%Y-%m-%d"))


class PaymentFilterForm(forms.Form):
    SORTS = ["date", "-date", "amount", "-amount"]

    q = forms.CharField(label=_("Search"), required=False, widget=forms.TextInput(
        attrs={"placeholder": _("Payment reference or customer"), "type": "search"}))
    date_from = _date_field(_("Received from"))
    date_to = _date_field(_("Received until"))
    currency = forms.CharField(
        label=_("Currency"), required=False, max_length=3,
        validators=[RegexValidator(r"^[A-Za-z]{3}$",
                                   _("A currency is three letters, such as EUR."))],
        widget=forms.TextInput(attrs={"placeholder": "EUR", "size": 4}))
    unapplied = forms.BooleanField(label=_("Unapplied only"), required=False)
    # With several creditor companies, one of them; the dashboard links with its own.
    company = forms.ModelChoiceField(label=_("Company"), required=False,
                                     queryset=Company.objects.order_by("name"),
                                     empty_label=_("All companies"))
    # The dashboard's figures of one collector's portfolio link here with it.
    owner = forms.ModelChoiceField(label=_("Collector"), required=False,
                                   queryset=get_user_model().objects.filter(is_active=True),
                                   widget=forms.HiddenInput)
    sort = forms.ChoiceField(required=False, choices=[(s, s) for s in SORTS],
                             widget=forms.HiddenInput)

    def clean_currency(self):
        return self.cleaned_data["currency"].upper()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period is before its start."))
        return cleaned

    def filters(self):
        """The cleaned values, or no filter at all when the query string is invalid."""
        return self.cleaned_data if self.is_valid() else {}
