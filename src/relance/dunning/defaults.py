"""The scenarios Relance ships, derived from how good collection works in France
(../shared/DOMAIN.md). They are ordinary rows: the company edits them freely."""
from decimal import Decimal

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_noop as N_

from relance.dunning import templating
from relance.dunning.models import Channel, Scenario, Step, StepTemplate, Tone, Trigger

AP = "accounts_payable"
PURCHASING = "purchasing"
SALES = "sales"
MANAGEMENT = "management"


def _step(name, days, channel, tone, text, **options):
    return dict(name=name, days=days, channel=channel, tone=tone, text=text, **options)


# name, description, steps. Names are stored in the company's language at install time.
SHIPPED = [
    (N_("Standard"), N_("Preventive email, two reminders, a call, a firm email, a formal "
                        "notice by registered letter, then escalation."), True, [
        _step(N_("Preventive reminder"), -5, Channel.EMAIL, Tone.COURTEOUS, "preventive"),
        _step(N_("Friendly reminder"), 1, Channel.EMAIL, Tone.COURTEOUS, "reminder_1",
              attach_invoices=True),
        _step(N_("Second reminder"), 8, Channel.EMAIL, Tone.COURTEOUS, "reminder_2",
              attach_invoices=True),
        _step(N_("Call accounts payable"), 15, Channel.CALL, Tone.FIRM, "call",
              roles=[AP, PURCHASING]),
        _step(N_("Firm reminder"), 22, Channel.EMAIL, Tone.FIRM, "firm",
              attach_invoices=True),
        _step(N_("Formal notice"), 30, Channel.REGISTERED_LETTER, Tone.FORMAL_NOTICE,
              "formal_notice", needs_approval=True, deadline_days=15,
              roles=[MANAGEMENT, AP]),
        _step(N_("Escalation"), 45, Channel.TASK, Tone.LEGAL, "escalation",
              repeat_every_days=30),
    ]),
    (N_("Key accounts"), N_("Gentler wording, an earlier call, the sales rep in copy, no "
                            "formal notice without approval."), False, [
        _step(N_("Preventive reminder"), -7, Channel.EMAIL, Tone.COURTEOUS,
              "key_preventive", copy_sales_rep=True),
        _step(N_("Friendly reminder"), 3, Channel.EMAIL, Tone.COURTEOUS, "key_reminder_1",
              copy_sales_rep=True, attach_invoices=True),
        _step(N_("Call accounts payable"), 10, Channel.CALL, Tone.COURTEOUS, "call",
              roles=[AP, PURCHASING]),
        _step(N_("Second reminder"), 20, Channel.EMAIL, Tone.COURTEOUS, "key_reminder_2",
              copy_sales_rep=True, attach_invoices=True),
        _step(N_("Firm reminder"), 30, Channel.EMAIL, Tone.FIRM, "key_firm",
              copy_sales_rep=True, needs_approval=True),
        _step(N_("Formal notice"), 45, Channel.REGISTERED_LETTER, Tone.FORMAL_NOTICE,
              "formal_notice", needs_approval=True, deadline_days=15,
              copy_sales_rep=True, roles=[MANAGEMENT, AP]),
        _step(N_("Escalation"), 60, Channel.TASK, Tone.LEGAL, "escalation",
              needs_approval=True, repeat_every_days=30),
    ]),
    (N_("Risky"), N_("Shorter delays and a call at day 5."), False, [
        _step(N_("Preventive reminder"), -7, Channel.EMAIL, Tone.COURTEOUS, "preventive"),
        _step(N_("Friendly reminder"), 1, Channel.EMAIL, Tone.COURTEOUS, "risky_reminder_1",
              attach_invoices=True),
        _step(N_("Call accounts payable"), 5, Channel.CALL, Tone.FIRM, "call",
              roles=[AP, MANAGEMENT], repeat_every_days=7),
        _step(N_("Firm reminder"), 10, Channel.EMAIL, Tone.FIRM, "firm",
              attach_invoices=True),
        _step(N_("Formal notice"), 15, Channel.REGISTERED_LETTER, Tone.FORMAL_NOTICE,
              "formal_notice", needs_approval=True, deadline_days=8,
              roles=[MANAGEMENT, AP]),
        _step(N_("Escalation"), 25, Channel.TASK, Tone.LEGAL, "escalation",
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
    return templating.load_shipped(key, language)
