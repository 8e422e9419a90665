"""Forms of the template editor: a step's text in one language, and its live preview.

Both check the sources with `templating` and put each problem on the field it is in,
with its line, so that a broken template is shown, never saved, never a server error.
"""
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from relance.compose import templating
from relance.dunning.models import StepTemplate
from relance.ledger.models import Customer, Invoice
from relance.ledger.models.invoice import InvoiceKind

LANGUAGES = (("fr", _("French")), ("en", _("English")))
PREVIEW_CUSTOMERS = 100   # customers offered in the preview's select; search for others


class StepTemplateForm(forms.Form):
    """A subject and a body; valid only when `templating.check` finds nothing."""

    subject = forms.CharField(label=_("Subject"), max_length=300, strip=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    body = forms.CharField(label=_("Body"), strip=False,
                           widget=forms.Textarea(attrs={"rows": 24}))

    def __init__(self, *args, language, **kwargs):
        super().__init__(*args, **kwargs)
        self.language = language

    def clean(self):
        cleaned = super().clean()
        if "subject" in cleaned and "body" in cleaned:
            for problem in templating.check(cleaned["subject"], cleaned["body"],
                                            self.language):
                self.add_error(problem.field, str(problem))
        return cleaned

    def save(self, step):
        """Create or update the step's template in the form's language."""
        template, _created = StepTemplate.objects.update_or_create(
            step=step, language=self.language,
            defaults={"subject": self.cleaned_data["subject"],
                      "body": self.cleaned_data["body"]})
        return template


class PreviewForm(forms.Form):
    """What the editor posts on each keystroke: the sources and a real customer."""

    customer = forms.ModelChoiceField(label=_("Preview for"), queryset=Customer.objects.none())
    subject = forms.CharField(required=False, strip=False)
    body = forms.CharField(required=False, strip=False)

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers_with_open_invoices(company)


def customers_with_open_invoices(company, search=""):
    """The customers a preview can be made for, by name; `search` narrows them by name
    or reference."""
    open_invoices = Invoice.objects.filter(customer=OuterRef("pk"), open_amount__gt=0) \
        .exclude(kind=InvoiceKind.CREDIT_NOTE)
    customers = Customer.objects.filter(Exists(open_invoices), company=company)
    if search:
        customers = customers.filter(name__icontains=search) | \
            customers.filter(reference__icontains=search)
    return customers.order_by("name", "pk")


def default_customer(company, today, search=""):
    """The first customer (by name) with an overdue invoice, else the first with an open
    one; None when nobody owes anything."""
    customers = customers_with_open_invoices(company, search)
    overdue = Invoice.objects.filter(customer=OuterRef("pk"), open_amount__gt=0,
                                     due_date__lt=today) \
        .exclude(kind=InvoiceKind.CREDIT_NOTE)
    return customers.filter(Exists(overdue)).first() or customers.first()
