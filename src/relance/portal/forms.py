"""The debtor's forms. Invoice choices are the customer's own open invoices only: an id
of anybody else's is "not one of the available choices", never a lookup."""
from django import forms
from django.utils.translation import gettext_lazy as _

from relance.cases.models import DisputeReason
from relance.portal import uploads
from relance.web.templatetags.relance_web import money


class InvoiceLabel:
    def label_from_instance(self, invoice):
        return f"{invoice.number} — {money(invoice.open_amount, invoice.currency)}"


class InvoiceChoices(InvoiceLabel, forms.ModelMultipleChoiceField):
    pass


class InvoiceChoice(InvoiceLabel, forms.ModelChoiceField):
    pass


def _file_checked(field_name):
    def clean(self):
        upload = self.cleaned_data.get(field_name)
        if upload:
            try:
                uploads.check(upload)
            except uploads.UploadRefused as refusal:
                raise forms.ValidationError(str(refusal)) from None
        return upload
    return clean


class ForCustomer(forms.Form):
    def __init__(self, *args, invoices, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("invoices", "invoice"):
            if name in self.fields:
                self.fields[name].queryset = invoices

    def clean_invoices(self):
        chosen = list(self.cleaned_data["invoices"])
        if len({i.currency for i in chosen}) > 1:
            raise forms.ValidationError(_("Choose invoices in one currency."))
        return chosen


class PayForm(ForCustomer):
    invoices = InvoiceChoices(queryset=None, label=_("Invoices"),
                              widget=forms.CheckboxSelectMultiple)
    amount = forms.DecimalField(label=_("Amount"), min_value=0.01, max_digits=12,
                                decimal_places=2, required=False,
                                help_text=_("empty: what is open on these invoices"))

    def __init__(self, *args, credit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.credit = credit or {}     # currency -> credit notes not used yet
        self.credited = 0              # what the default amount deducted

    def clean(self):
        data = super().clean()
        chosen = data.get("invoices") or []
        most = sum((i.open_amount for i in chosen), 0)
        if data.get("amount") and chosen and data["amount"] > most:
            self.add_error("amount", _("At most what is open on these invoices."))
        elif chosen and not data.get("amount"):
            data["amount"] = self._less_credit(most, chosen[0].currency)
            self.credited = most - data["amount"]
        return data

    def _less_credit(self, most, currency):
        """What the chosen invoices leave to pay once the available credit notes are
        deducted; all of it when the credit notes would cover everything (the
        collector applies them)."""
        net = most - self.credit.get(currency, 0)
        return net if net > 0 else most


class DisputeForm(ForCustomer):
    invoice = InvoiceChoice(queryset=None, label=_("Invoice"))
    reason = forms.ChoiceField(label=_("Reason"), choices=DisputeReason.choices)
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 4}),
                              max_length=4000)
    document = forms.FileField(label=_("Document (PDF, PNG or JPEG)"), required=False)
    clean_document = _file_checked("document")


class PromiseForm(ForCustomer):
    invoices = InvoiceChoices(queryset=None, label=_("Invoices"),
                              widget=forms.CheckboxSelectMultiple)
    promised_for = forms.DateField(label=_("I will pay on"),
                                   widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(label=_("Amount"), min_value=0.01, max_digits=12,
                                decimal_places=2)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class PaidForm(ForCustomer):
    invoices = InvoiceChoices(queryset=None, label=_("Invoices"),
                              widget=forms.CheckboxSelectMultiple)
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(label=_("Amount"), min_value=0.01, max_digits=12,
                                decimal_places=2)
    proof = forms.FileField(label=_("Proof of payment (PDF, PNG or JPEG)"))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    clean_proof = _file_checked("proof")


class PlanForm(ForCustomer):
    invoices = InvoiceChoices(queryset=None, label=_("Invoices"),
                              widget=forms.CheckboxSelectMultiple)
    instalments = forms.IntegerField(label=_("Number of instalments"), min_value=2,
                                     max_value=60)
    starts_on = forms.DateField(label=_("First instalment on"),
                                widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("Email"))
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
