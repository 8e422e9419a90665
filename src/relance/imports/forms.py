"""The two forms of the web import: the upload, then the column mapping."""
from pathlib import Path

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from relance.imports.models import ENTITY_CHOICES

EXTENSIONS = (".csv", ".txt", ".xlsx")


class UploadForm(forms.Form):
    entity = forms.ChoiceField(label=_("The file holds"), choices=ENTITY_CHOICES)
    source = forms.CharField(
        label=_("Source"), max_length=100,
        help_text=_("Where the file comes from, e.g. “Sage export”: its column mapping is "
                    "remembered for the next upload."),
        widget=forms.TextInput(attrs={"list": "import-sources", "autocomplete": "off"}))
    file = forms.FileField(label=_("File"), help_text=_("CSV (.csv) or Excel (.xlsx)"),
                           widget=forms.FileInput(attrs={"accept": ",".join(EXTENSIONS)}))

    def clean_source(self):
        return " ".join(self.cleaned_data["source"].split())

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix == ".xls":
            raise forms.ValidationError(_("Old Excel files (.xls) cannot be read: save the "
                                          "sheet as .xlsx or .csv."))
        if suffix not in EXTENSIONS:
            raise forms.ValidationError(_("Only CSV (.csv) and Excel (.xlsx) files can be "
                                          "imported."))
        if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is too large (%(size)s); the limit is %(limit)s.")
                % {"size": filesizeformat(upload.size),
                   "limit": filesizeformat(settings.IMPORT_MAX_UPLOAD_BYTES)})
        return upload


class MappingForm(forms.Form):
    """One select per schema field, listing the file's columns; required fields must be
    mapped, optional ones may stay "not in the file"."""

    def __init__(self, schema, columns, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in the file —"))] + [(c, c) for c in columns]
        for f in schema.fields:
            self.fields[f.name] = forms.ChoiceField(
                label=f.label, choices=choices, required=f.required,
                error_messages={"required": _("Choose the column that holds this field.")})

    def mapping(self):
        """{field name: column} of the mapped fields."""
        return {name: column for name, column in self.cleaned_data.items() if column}
