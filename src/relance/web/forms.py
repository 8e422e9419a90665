"""Form pieces the pages of several apps share: the date picker, a form that shares
its page with others, the checkboxes of a customer's open invoices, and the promise
form (the customer page's and the call page's)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from relance.ledger.models import Invoice, InvoiceKind, InvoiceStatus


class DateInput(forms.DateInput):
    # The browser's date picker sends and expects ISO dates whatever the language.
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PageForm(forms.Form):
    """A form sharing its page with others: its own prefix keeps the HTML ids unique."""

    id_prefix = "form"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


def future_date(form, field):
    """The cleaned date of `field`, refused when it is before the form's `today`."""
    value = form.cleaned_data.get(field)
    if value is not None and value < form.today:
        raise forms.ValidationError(_("Choose today or a later date."), code="past")
    return value


def open_invoices_of(customer):
    """The invoices dunning can concern: open invoices, not credit notes."""
    return Invoice.objects.filter(customer=customer, status=InvoiceStatus.OPEN,
                                  kind=InvoiceKind.INVOICE)


class InvoicesField(forms.ModelMultipleChoiceField):
    """Checkboxes of invoices. Values that cannot be an id are refused before the query:
    SQLite fails on integers past 64 bits where PostgreSQL finds nothing."""

    def _check_values(self, value):
        for pk in value:
            if not (str(pk).isdigit() and int(pk) < 2 ** 63):
                raise forms.ValidationError(self.error_messages["invalid_pk_value"],
                                            code="invalid_pk_value", params={"pk": pk})
        return super()._check_values(value)


class InvoiceChoiceForm(PageForm):
    """A form whose `invoices` are checkboxes among the customer's open invoices; the
    overdue ones are ticked at first (template: web/_invoice_choices.html)."""

    invoices = InvoicesField(
        label=_("Invoices"), queryset=Invoice.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one invoice.")})

    def __init__(self, customer, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["invoices"].queryset = open_invoices_of(customer).order_by("due_date", "id")
        if not self.is_bound:
            self.initial.setdefault("invoices", list(
                open_invoices_of(customer).filter(due_date__lt=today)
                .values_list("pk", flat=True)))


class PromiseForm(InvoiceChoiceForm):
    id_prefix = "promise"

    amount = forms.DecimalField(
        label=_("Amount"), required=False, min_value=0.01, max_digits=14, decimal_places=2,
        localize=True, help_text=_("Empty: the total of the chosen invoices."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    promised_for = forms.DateField(label=_("Promised for"), widget=DateInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    field_order = ("invoices", "amount", "promised_for", "note")

    def clean_promised_for(self):
        return future_date(self, "promised_for")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("amount") is None and cleaned.get("invoices"):
            cleaned["amount"] = sum(i.open_amount for i in cleaned["invoices"])
        return cleaned
