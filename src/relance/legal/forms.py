"""The statement of claim's GET form: the date it is drawn up on."""
from django import forms
from django.utils.translation import gettext_lazy as _


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
