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
from relance.web.forms import DateInput, InvoiceChoiceForm, PageForm, future_date


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
        return future_date(self, "until")


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
