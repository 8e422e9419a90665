"""The outbox's forms: cancelling a message, recording letters as posted, importing
tracking numbers. The rules themselves are in relance.delivery.letters."""
from django import forms
from django.utils.translation import gettext_lazy as _

from relance.delivery import letters as letter_service

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
MAX_CSV_BYTES = 5 * 1024 * 1024


def _date_field(today, label):
    return forms.DateField(label=label, initial=today, input_formats=DATE_FORMATS,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class CancelMessageForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class PostingForm(forms.Form):
    """Chosen letters from the print batch, posted on one day; a tracking number
    field per letter (`tracking_<id>`), required for a registered letter."""

    def __init__(self, letters, today, data=None):
        super().__init__(data)
        self.letters, self.today = {letter.pk: letter for letter in letters}, today
        self.fields["posted_on"] = _date_field(today, _("Posted on"))
        self.fields["letters"] = forms.TypedMultipleChoiceField(
            label=_("Letters"), coerce=int, choices=[(pk, pk) for pk in self.letters],
            error_messages={"required": _("Choose the letters that were posted.")})
        for pk in self.letters:
            self.fields[self.tracking_name(pk)] = forms.CharField(
                label=_("Tracking number"), required=False, max_length=60)

    @staticmethod
    def tracking_name(pk):
        return f"tracking_{pk}"

    def tracking_field(self, letter):
        return self[self.tracking_name(letter.pk)]

    def chosen(self, letter):
        return self.is_bound and str(letter.pk) in self.data.getlist("letters")

    def clean(self):
        cleaned = super().clean()
        posted_on = cleaned.get("posted_on")
        self.postings = []
        if posted_on is None:
            return cleaned
        for pk in cleaned.get("letters", []):
            letter = self.letters[pk]
            name = self.tracking_name(pk)
            tracking, problems = letter_service.posting_problems(
                letter, posted_on, cleaned.get(name, ""), self.today)
            for field, reason in problems.items():
                if field == "posted_on":
                    reason = f"{letter_service.reference(letter)}: {reason}"
                self.add_error(name if field == "tracking_number" else field, reason)
            self.postings.append(letter_service.Posting(letter, posted_on, tracking))
        return cleaned


class TrackingImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file of tracking numbers"))

    def __init__(self, today, data=None, files=None):
        super().__init__(data, files)
        self.fields["posted_on"] = _date_field(
            today, _("Posted on, for the lines without a date"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload
