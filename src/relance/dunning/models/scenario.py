"""Scenarios: the ordered steps a company takes to get an invoice paid."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from relance.ledger.models.customer import ContactRole
from relance.ledger.models.fields import amount_field


class Trigger(models.TextChoices):
    DUE_DATE = "due_date", _("days from the due date")
    PREVIOUS_STEP = "previous_step", _("days after the previous step")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    LETTER = "letter", _("Letter")
    REGISTERED_LETTER = "registered_letter", _("Registered letter")
    CALL = "call", _("Phone call")
    TASK = "task", _("Manual task")


class Tone(models.TextChoices):
    COURTEOUS = "courteous", _("Courteous")
    FIRM = "firm", _("Firm")
    FORMAL_NOTICE = "formal_notice", _("Formal notice")
    LEGAL = "legal", _("Legal")


class Scenario(models.Model):
    """An ordered list of steps. Each company has exactly one default scenario."""

    company = models.ForeignKey("ledger.Company", on_delete=models.CASCADE,
                                related_name="scenarios")
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    is_default = models.BooleanField(_("company default"), default=False)

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["company", "name"],
                                    name="scenario_name_unique_per_company"),
            models.UniqueConstraint(fields=["company"], condition=Q(is_default=True),
                                    name="one_default_scenario_per_company"),
        ]

    def __str__(self):
        return self.name


class Step(models.Model):
    """One thing to do at one moment of a scenario.

    `position` orders the steps; an invoice moves through them in that order. A step
    triggered from the due date acts `days` after it (negative: before, a preventive
    reminder); a step triggered from the previous step acts `days` after that step was
    taken for the invoice.
    """

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=100)
    trigger = models.CharField(_("trigger"), max_length=20, choices=Trigger.choices,
                               default=Trigger.DUE_DATE)
    days = models.SmallIntegerField(_("days"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    tone = models.CharField(_("tone"), max_length=20, choices=Tone.choices,
                            default=Tone.COURTEOUS)
    recipient_roles = models.CharField(
        _("recipients"), max_length=200, blank=True,
        default=f"{ContactRole.ACCOUNTS_PAYABLE},{ContactRole.PURCHASING}",
        help_text=_("contact roles in order of preference, separated by commas; any "
                    "contact when none of them can be reached"))
    copy_sales_rep = models.BooleanField(_("sales rep in copy"), default=False)
    attach_invoices = models.BooleanField(_("attach the invoices"), default=False)
    min_amount = amount_field(_("minimum open amount"))
    needs_approval = models.BooleanField(_("needs approval"), default=False)
    repeat_every_days = models.PositiveSmallIntegerField(
        _("repeat every (days)"), null=True, blank=True,
        help_text=_("repeat this step every N days until the next one is due"))
    deadline_days = models.PositiveSmallIntegerField(
        _("payment deadline (days)"), null=True, blank=True,
        help_text=_("the deadline given to the debtor, for a formal notice"))

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["scenario", "position"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "position"],
                                    name="step_position_unique_per_scenario"),
        ]

    def __str__(self):
        return f"{self.scenario} / {self.name}"

    @property
    def roles(self):
        return [r.strip() for r in self.recipient_roles.split(",") if r.strip()]


class StepTemplate(models.Model):
    """What a step says, in one language: a subject and a body (sandboxed Jinja2)."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="templates")
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))

    class Meta:
        verbose_name = _("step template")
        verbose_name_plural = _("step templates")
        constraints = [
            models.UniqueConstraint(fields=["step", "language"],
                                    name="one_template_per_step_and_language"),
        ]

    def __str__(self):
        return f"{self.step} ({self.language})"


class SegmentRule(models.Model):
    """Customers of a segment follow this scenario unless they have their own."""

    company = models.ForeignKey("ledger.Company", on_delete=models.CASCADE,
                                related_name="segment_rules")
    segment = models.CharField(_("segment"), max_length=50)
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE,
                                 related_name="segment_rules")

    class Meta:
        verbose_name = _("segment rule")
        verbose_name_plural = _("segment rules")
        constraints = [
            models.UniqueConstraint(fields=["company", "segment"],
                                    name="one_scenario_per_segment"),
        ]

    def __str__(self):
        return f"{self.segment} → {self.scenario}"
