"""Forms of the dunning pages: the preview date, the calendar filter, a cancellation's
reason, and the edit of an action's text and recipient."""
import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from relance.compose import templating
from relance.dunning.models import ActionStatus, Channel
from relance.team.models import Role

PREVIEW_REACH = dt.timedelta(days=366)  # a dry run further away says nothing useful
ALL = ""


class PreviewForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(
        format="%Y-%m-%d", attrs={"type": "date"}))

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["date"].initial = today

    def clean_date(self):
        day = self.cleaned_data["date"]
        if abs(day - self.today) > PREVIEW_REACH:
            raise forms.ValidationError(_("Choose a date within a year of today."))
        return day


class CalendarFilterForm(forms.Form):
    """Whose customers the calendar shows; "" is everyone's."""

    owner = forms.ChoiceField(label=_("Collector"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        users = (get_user_model().objects.filter(is_active=True)
                 .exclude(role=Role.SALES).order_by("first_name", "last_name", "email"))
        self.fields["owner"].choices = [(ALL, _("All collectors"))] + [
            (str(u.pk), str(u)) for u in users]

    @classmethod
    def for_user(cls, query, user):
        """A collector who has not chosen sees their own customers."""
        data = query.copy()
        if "owner" not in data:
            data["owner"] = str(user.pk) if user.role == Role.COLLECTOR else ALL
        return cls(data)

    def owner_id(self):
        if not self.is_valid() or self.cleaned_data["owner"] == ALL:
            return None
        return int(self.cleaned_data["owner"])


class ActionLogForm(forms.Form):
    """The actions page's filters: a window of days (the last 30 by default), a
    channel, a status, a customer."""

    start = forms.DateField(label=_("From"), widget=forms.DateInput(
        format="%Y-%m-%d", attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(
        format="%Y-%m-%d", attrs={"type": "date"}))
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    customer = forms.CharField(label=_("Customer"), required=False, max_length=200,
                               widget=forms.TextInput(
                                   attrs={"placeholder": _("Reference or name")}))

    WINDOW = dt.timedelta(days=30)

    def __init__(self, query, *, today):
        data = query.copy()
        data.setdefault("start", (today - self.WINDOW).isoformat())
        data.setdefault("end", today.isoformat())
        super().__init__(data)
        self.fields["channel"].choices = [(ALL, _("All channels")), *Channel.choices]
        self.fields["status"].choices = [(ALL, _("All statuses")), *ActionStatus.choices]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("The last day comes after the first."))
        return cleaned


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.TextInput(
        attrs={"placeholder": _("Why is this reminder cancelled?")}))


class ActionEditForm(forms.Form):
    """What an open action will say and to whom.

    The subject and body start from the step's template; a text left equal to the
    template (or emptied) keeps following it. Both are checked with the sample context
    (`templating.check`) and with the action's own context, and each problem goes on
    its field with its line.
    """

    subject = forms.CharField(label=_("Subject"), max_length=300, required=False)
    body = forms.CharField(label=_("Body"), required=False,
                           widget=forms.Textarea(attrs={"rows": 18}))
    contact = forms.ModelChoiceField(label=_("Recipient"), required=False, queryset=None,
                                     empty_label=_("No named recipient"))
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, action, template, language, context_for, **kwargs):
        self.template = template            # (subject, body) sources of the step
        self.language = language
        self.context_for = context_for      # contact -> the action's render context
        initial = {"subject": action.subject or template[0],
                   "body": action.body or template[1], "note": action.note,
                   "contact": action.contact_id}
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["contact"].queryset = action.customer.contacts.order_by("name")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        data["body"] = data["body"].replace("\r\n", "\n")  # browsers send CRLF
        subject = data["subject"].strip() or self.template[0]
        body = data["body"].strip() or self.template[1]
        problems = templating.check(subject, body, self.language)
        if not problems:
            problems = self._render_problems(subject, body, data["contact"])
        for problem in problems:
            self.add_error(problem.field, _describe(problem))
        return data

    def _render_problems(self, subject, body, contact):
        """A text that passes on the sample may still fail on this customer's data
        (no named recipient, say)."""
        try:
            templating.render(subject, body, self.context_for(contact), self.language)
        except templating.TemplateProblem as problem:
            return [problem]
        return []

    def texts(self):
        """(subject, body) to store: "" where the text is the template's own."""
        subject, body = self.cleaned_data["subject"], self.cleaned_data["body"]
        return (_own(subject, self.template[0]), _own(body, self.template[1]))


def _own(text, template_text):
    return "" if text.strip() == template_text.strip() else text


def _describe(problem):
    if problem.line is None:
        return problem.message
    return _("Line %(line)s: %(message)s") % {"line": problem.line,
                                              "message": problem.message}
