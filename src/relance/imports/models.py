"""What the web import remembers: how each source's columns map onto our fields, and
every run with its verdict."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relance.imports.schema import SCHEMAS

ENTITY_CHOICES = [(entity, schema.label) for entity, schema in SCHEMAS.items()]


class ImportSource(models.Model):
    """A kind of file a company imports again and again ("Sage export"), with the
    column mapping last used for it, so the next upload of it is prefilled."""

    company = models.ForeignKey("ledger.Company", on_delete=models.CASCADE,
                                related_name="import_sources", verbose_name=_("company"))
    name = models.CharField(_("name"), max_length=100)
    entity = models.CharField(_("contents"), max_length=20, choices=ENTITY_CHOICES)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("import source")
        verbose_name_plural = _("import sources")
        constraints = [models.UniqueConstraint(fields=["company", "name", "entity"],
                                               name="imports_source_unique_name")]

    def __str__(self):
        return f"{self.name} ({self.get_entity_display()})"


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    AWAITING = "awaiting", _("Waiting for confirmation")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportRun(models.Model):
    """One import of one file from the web, committed or not. A large file is
    imported in the background (imports/views.py): the run says how far it is, and
    keeps the problems and changes its page shows once it is done."""

    company = models.ForeignKey("ledger.Company", on_delete=models.CASCADE,
                                related_name="import_runs", verbose_name=_("company"))
    source = models.ForeignKey(ImportSource, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="runs", verbose_name=_("source"))
    entity = models.CharField(_("contents"), max_length=20, choices=ENTITY_CHOICES)
    filename = models.CharField(_("file"), max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+", verbose_name=_("user"))
    started_at = models.DateTimeField(_("started at"))
    committed = models.BooleanField(_("imported"), default=False)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    status = models.CharField(_("status"), max_length=12, choices=RunStatus.choices,
                              default=RunStatus.DONE)
    lines_total = models.PositiveIntegerField(_("lines"), default=0)
    # [file, line, column, message] of the first problems, and the changes waiting for
    # confirmation: what the page of a background run shows
    problems = models.JSONField(_("problems found"), default=list, blank=True)
    changes = models.JSONField(_("changes"), default=list, blank=True)
    token = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        indexes = [models.Index(fields=["company", "-started_at"],
                                name="imports_run_recent")]

    def __str__(self):
        return f"{self.filename} ({self.started_at:%Y-%m-%d %H:%M})"
