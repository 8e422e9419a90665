"""GET filter forms of the lists. A bad value is ignored rather than an error page."""
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from relance.ledger import aging
from relance.ledger.models import Customer, InvoiceStatus


class CustomerFilterForm(forms.Form):
    SORTS = ["name", "-name", "balance", "-balance", "overdue", "-overdue"]

    q = forms.CharField(label=_("Search"), required=False, widget=forms.TextInput(
        attrs={"placeholder": _("Reference, name or SIREN"), "type": "search"}))
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    over_limit = forms.BooleanField(label=_("Over credit limit"), required=False)
    segment = forms.ChoiceField(label=_("Segment"), required=False)
    owner = forms.ModelChoiceField(label=_("Collector"), required=False,
                                   queryset=get_user_model().objects.none(),
                                   empty_label=_("All collectors"))
    sort = forms.ChoiceField(required=False, choices=[(s, s) for s in SORTS],
                             widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segment"].choices = [("", _("All segments"))] + [
            (s, s) for s in segments()]
        self.fields["owner"].queryset = (get_user_model().objects.filter(is_active=True)
                                         .order_by("first_name", "last_name", "email"))

    def filters(self):
        """The cleaned values, or no filter at all when the query string is invalid."""
        return self.cleaned_data if self.is_valid() else {}


def segments():
    # The segment column is indexed, so DISTINCT reads the index, not the table.
    return (Customer.objects.exclude(segment="").order_by("segment")
            .values_list("segment", flat=True).distinct())


class InvoiceFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, widget=forms.TextInput(
        attrs={"placeholder": _("Invoice number or customer"), "type": "search"}))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *InvoiceStatus.choices])
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    bucket = forms.ChoiceField(label=_("Aging"), required=False,
                               choices=[("", _("All ages")), *aging.LABELS.items()])
    amount_min = forms.DecimalField(label=_("Min. amount"), required=False, min_value=0,
                                    decimal_places=2)
    amount_max = forms.DecimalField(label=_("Max. amount"), required=False, min_value=0,
                                    decimal_places=2)
    disputed = forms.BooleanField(label=_("Disputed only"), required=False)
    # The dashboard's figures of one collector's portfolio link here with it.
    owner = forms.ModelChoiceField(label=_("Collector"), required=False,
                                   queryset=get_user_model().objects.filter(is_active=True),
                                   widget=forms.HiddenInput)

    def filters(self):
        return self.cleaned_data if self.is_valid() else {}
