"""POST forms of the customer and invoice pages: the records that stop dunning (holds,
promises, disputes), the scenario a customer follows and a reminder sent by hand.

The forms check what a user can get wrong (a date in the past, an amount that is not a
positive number, no invoice chosen); the services in relance.cases and relance.dunning
have the last word, and their refusals are added to the form as errors.
"""
from django import forms
from django.utils.translation import gettext_lazy as _

from relance.cases.models import DisputeReason
from relance.dunning.models import Channel, Scenario, Step, Trigger
from relance.ledger.models import Invoice, InvoiceKind, InvoiceStatus


class DateInput(forms.DateInput):
    # The browser's date picker sends and expects ISO dates whatever the language.
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _future_date(form, field):
    """The cleaned date of `field`, refused when it is before the form's `today`."""
    value = form.cleaned_data.get(field)
    if value is not None and value < form.today:
        raise forms.ValidationError(_("Choose today or a later date."), code="past")
    return value


class PageForm(forms.Form):
    """A form sharing its page with others: its own prefix keeps the HTML ids unique."""

    id_prefix = "form"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class ScenarioForm(PageForm):
    id_prefix = "scenario"

    scenario = forms.ModelChoiceField(label=_("Own scenario"), required=False,
                                      queryset=Scenario.objects.none(),
                                      empty_label=_("None: segment or company default"))

    def __init__(self, customer, *args, **kwargs):
        kwargs.setdefault("initial", {"scenario": customer.scenario_id})
        super().__init__(*args, **kwargs)
        self.fields["scenario"].queryset = Scenario.objects.filter(
            company_id=customer.company_id).order_by("name")


class HoldForm(PageForm):
    id_prefix = "hold"

    reason = forms.CharField(label=_("Reason"), max_length=200)
    until = forms.DateField(label=_("Until"), required=False, widget=DateInput,
                            help_text=_("Empty: until released."))

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_until(self):
        return _future_date(self, "until")


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
    overdue ones are ticked at first."""

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
        return _future_date(self, "promised_for")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("amount") is None and cleaned.get("invoices"):
            cleaned["amount"] = sum(i.open_amount for i in cleaned["invoices"])
        return cleaned


class ManualReminderForm(InvoiceChoiceForm):
    id_prefix = "reminder"

    step = forms.TypedChoiceField(label=_("Step"), coerce=int)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Kept with the reminder, for your colleagues."))

    field_order = ("step", "invoices", "note")

    def __init__(self, customer, *args, scenario=None, **kwargs):
        super().__init__(customer, *args, **kwargs)
        steps = list(Step.objects.filter(scenario__company_id=customer.company_id)
                     .select_related("scenario").order_by("scenario__name", "position"))
        self.steps = {step.pk: step for step in steps}
        self.fields["step"].choices = _grouped_by_scenario(steps)
        if not self.is_bound:
            self.initial.setdefault("step", _first_email_step(steps, scenario))

    def clean_step(self):
        return self.steps[self.cleaned_data["step"]]


def _grouped_by_scenario(steps):
    groups = {}
    for step in steps:
        label = f"{step.position}. {step.name} ({step.get_channel_display()})"
        groups.setdefault(step.scenario.name, []).append((step.pk, label))
    return list(groups.items())


def _first_email_step(steps, scenario):
    """The customer's scenario's first email step after the due date (a preventive
    reminder makes little sense for late invoices), else its first step."""
    mine = [s for s in steps if scenario is not None and s.scenario_id == scenario.pk]
    late_emails = [s for s in mine if s.channel == Channel.EMAIL
                   and (s.trigger != Trigger.DUE_DATE or s.days >= 0)]
    chosen = (late_emails or mine or steps or [None])[0]
    return chosen and chosen.pk


class DisputeForm(PageForm):
    id_prefix = "dispute"

    reason = forms.ChoiceField(label=_("Reason"), choices=DisputeReason.choices)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class ResolveDisputeForm(PageForm):
    id_prefix = "resolve"

    resolution = forms.CharField(label=_("Resolution"), max_length=2000,
                                 widget=forms.Textarea(attrs={"rows": 2}))
