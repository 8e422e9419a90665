"""The scenarios Relance ships, derived from how good collection works in France
(../shared/DOMAIN.md). They are ordinary rows: the company edits them freely."""
from decimal import Decimal

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_noop

from relance.dunning import shipped
from relance.dunning.models import Channel, Scenario, Step, StepTemplate, Tone, Trigger

AP = "accounts_payable"
PURCHASING = "purchasing"
SALES = "sales"
MANAGEMENT = "management"


def _step(name, days, channel, tone, text, **options):
    return dict(name=name, days=days, channel=channel, tone=tone, text=text, **options)


# Step names, marked for translation; stored in the company's language at install time.
PREVENTIVE = gettext_noop("Preventive reminder")
FRIENDLY = gettext_noop("Friendly reminder")
SECOND = gettext_noop("Second reminder")
CALL = gettext_noop("Call accounts payable")
FIRM = gettext_noop("Firm reminder")
FORMAL_NOTICE = gettext_noop("Formal notice")
ESCALATION = gettext_noop("Escalation")

# name, description, is the default, steps.
SHIPPED = [
    (gettext_noop("Standard"),
     gettext_noop("Preventive email, two reminders, a call, a firm email, a formal notice "
                  "by registered letter, then escalation."), True, [
        _step(PREVENTIVE, -5, Channel.EMAIL, Tone.COURTEOUS, "preventive"),
        _step(FRIENDLY, 1, Channel.EMAIL, Tone.COURTEOUS, "reminder_1",
              attach_invoices=True),
        _step(SECOND, 8, Channel.EMAIL, Tone.COURTEOUS, "reminder_2",
              attach_invoices=True),
        _step(CALL, 15, Channel.CALL, Tone.FIRM, "call",
              roles=[AP, PURCHASING]),
        _step(FIRM, 22, Channel.EMAIL, Tone.FIRM, "firm",
              attach_invoices=True),
        _step(FORMAL_NOTICE, 30, Channel.REGISTERED_LETTER, Tone.FORMAL_NOTICE,
              "formal_notice", needs_approval=True, deadline_days=15,
              roles=[MANAGEMENT, AP]),
        _step(ESCALATION, 45, Channel.TASK, Tone.LEGAL, "escalation",
              repeat_every_days=30),
    ]),
    (gettext_noop("Key accounts"),
     gettext_noop("Gentler wording, an earlier call, the sales rep in copy, no formal "
                  "notice without approval."), False, [
        _step(PREVENTIVE, -7, Channel.EMAIL, Tone.COURTEOUS,
              "key_preventive", copy_sales_rep=True),
        _step(FRIENDLY, 3, Channel.EMAIL, Tone.COURTEOUS, "key_reminder_1",
              copy_sales_rep=True, attach_invoices=True),
        _step(CALL, 10, Channel.CALL, Tone.COURTEOUS, "call",
              roles=[AP, PURCHASING]),
        _step(SECOND, 20, Channel.EMAIL, Tone.COURTEOUS, "key_reminder_2",
              copy_sales_rep=True, attach_invoices=True),
        _step(FIRM, 30, Channel.EMAIL, Tone.FIRM, "key_firm",
              copy_sales_rep=True, needs_approval=True),
        _step(FORMAL_NOTICE, 45, Channel.REGISTERED_LETTER, Tone.FORMAL_NOTICE,
              "formal_notice", needs_approval=True, deadline_days=15,
              copy_sales_rep=True, roles=[MANAGEMENT, AP]),
        _step(ESCALATION, 60, Channel.TASK, Tone.LEGAL, "escalation",
              needs_approval=True, repeat_every_days=30),
    ]),
    (gettext_noop("Risky"), gettext_noop("Shorter delays and a call at day 5."), False, [
        _step(PREVENTIVE, -7, Channel.EMAIL, Tone.COURTEOUS, "preventive"),
        _step(FRIENDLY, 1, Channel.EMAIL, Tone.COURTEOUS, "risky_reminder_1",
              attach_invoices=True),
        _step(CALL, 5, Channel.CALL, Tone.FIRM, "call",
              roles=[AP, MANAGEMENT], repeat_every_days=7),
        _step(FIRM, 10, Channel.EMAIL, Tone.FIRM, "firm",
              attach_invoices=True),
        _step(FORMAL_NOTICE, 15, Channel.REGISTERED_LETTER, Tone.FORMAL_NOTICE,
              "formal_notice", needs_approval=True, deadline_days=8,
              roles=[MANAGEMENT, AP]),
        _step(ESCALATION, 25, Channel.TASK, Tone.LEGAL, "escalation",
              repeat_every_days=30),
    ]),
]


def ensure_scenarios(company):
    """Install the shipped scenarios for a company that has none yet."""
    if not Scenario.objects.filter(company=company).exists():
        install(company)


@transaction.atomic
def install(company, language="fr"):
    with translation.override(language):
        for name, description, is_default, steps in SHIPPED:
            scenario = Scenario.objects.create(
                company=company, name=translation.gettext(name),
                description=translation.gettext(description), is_default=is_default)
            for position, spec in enumerate(steps, start=1):
                _create_step(scenario, position, dict(spec))


def _create_step(scenario, position, spec):
    text = spec.pop("text")
    roles = spec.pop("roles", [AP, PURCHASING])
    step = Step.objects.create(
        scenario=scenario, position=position, name=translation.gettext(spec.pop("name")),
        trigger=Trigger.DUE_DATE, recipient_roles=",".join(roles),
        min_amount=Decimal(0), **spec)
    for language in ("fr", "en"):
        subject, body = shipped_text(text, language)
        StepTemplate.objects.create(step=step, language=language, subject=subject,
                                    body=body)
    return step


def shipped_text(key, language):
    return shipped.load_shipped(key, language)
