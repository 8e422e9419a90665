"""The context a reminder is rendered with, built from a real action, or from a
customer and a step for the template editor's preview.

The world: Ateliers Test SAS reminds Boulangerie Roux (followed by Julien, a collector
with a signature) of two late invoices, one of them partly paid, while a third one is
overdue too; and Import Export Ltd owes in euros and in dollars.
"""
import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from relance.compose import templating
from relance.compose.context import (
    PLACEHOLDER_TOKEN,
    build_context,
    context_for_customer,
    preview_portal_url,
)
from relance.dunning.models import Action, Step, StepTemplate
from relance.portal import links as portal_links
from relance.portal.models import PortalLink
from relance.team.models import User
from tests.dunning.world import D, creditor, customer, invoice

pytestmark = pytest.mark.django_db

TODAY = D(2026, 6, 15)
PORTAL = "https://relance.test/p/the-token/"  # what the caller gives as the portal link


@pytest.fixture
def company():
    company = creditor()
    company.address_line1 = "3 quai Saint-Antoine"
    company.postal_code, company.city = "69002", "Lyon"
    company.email, company.phone = "compta@ateliers-test.example", "04 72 00 00 00"
    company.save()
    return company


@pytest.fixture
def julien():
    return User.objects.create_user("julien@ateliers-test.example", "pw", role="collector",
                                    first_name="Julien", last_name="Roux",
                                    signature="Julien Roux\nService recouvrement")


@pytest.fixture
def roux(company, julien):
    return customer(company, "ROUX", name="Boulangerie Roux", owner=julien,
                    address_line1="4 avenue Jean Jaurès", postal_code="33000",
                    city="Bordeaux", siren="498765437")


def step(company, tone="courteous"):
    return Step.objects.filter(scenario__company=company, scenario__is_default=True,
                               tone=tone).order_by("position").first()


def action_for(customer, step, invoices, others=(), currency="EUR"):
    """An action as the run writes it: the summary names the invoices by id."""
    return Action.objects.create(
        company=customer.company, customer=customer, step=step, planned_on=TODAY,
        currency=currency, channel=step.channel, tone=step.tone,
        contact=customer.contacts.order_by("pk").first(),
        amount=sum(i.open_amount for i in invoices),
        summary={"scenario": step.scenario.name, "step": step.name,
                 "invoices": [i.pk for i in invoices], "others": [i.pk for i in others]})


def context_of(action):
    return build_context(action, TODAY, portal_url=PORTAL)


def preview_of(customer, step):
    return context_for_customer(customer, step, TODAY, portal_url=PORTAL)


def keys_of(value):
    """The shape of a context: keys, and keys of nested dicts and list items."""
    if isinstance(value, dict):
        return {k: keys_of(v) for k, v in value.items()}
    if isinstance(value, list):
        return [keys_of(value[0])] if value else []
    return None


def test_the_context_has_the_documented_shape(company, roux):
    a = invoice(roux, "1000.00", TODAY - dt.timedelta(days=30))
    b = invoice(roux, "500.00", TODAY - dt.timedelta(days=3))
    context = context_of(action_for(roux, step(company), [a], [b]))

    assert keys_of(context) == keys_of(templating.sample_context("fr"))
    assert context["customer"]["address"] == "4 avenue Jean Jaurès\n33000 Bordeaux"
    assert context["company"]["address"] == "3 quai Saint-Antoine\n69002 Lyon"
    assert context["contact"] == {"name": "Compta ROUX", "email": "compta@roux.example"}
    assert context["payment"] == {"iban": company.iban, "bic": company.bic,
                                  "reference": "RF74 ROUX", "plain_reference": "ROUX"}
    assert context["collector"] == {"name": "Julien Roux",
                                    "email": "julien@ateliers-test.example", "phone": "",
                                    "signature": "Julien Roux\nService recouvrement"}
    assert context["today"] == TODAY
    assert context["portal_url"] == PORTAL
    assert context["step"] == {"name": step(company).name, "tone": "courteous"}


def test_invoices_carry_todays_open_amount_and_days_late(company, roux):
    partly_paid = invoice(roux, "1000.00", TODAY - dt.timedelta(days=30),
                          open_amount=Decimal("400.00"))
    not_yet_due = invoice(roux, "90.00", TODAY + dt.timedelta(days=5))
    context = context_of(action_for(roux, step(company), [partly_paid, not_yet_due]))

    first, second = context["invoices"]
    assert (first["number"], first["amount"], first["open_amount"], first["days_late"]) == (
        partly_paid.number, Decimal("1000.00"), Decimal("400.00"), 30)
    assert first["issue_date"] == partly_paid.issue_date
    assert second["days_late"] == -5


def test_totals_are_per_currency_the_actions_first(company):
    abroad = customer(company, "EXPORT", name="Import Export Ltd")
    euros = invoice(abroad, "100.00", TODAY - dt.timedelta(days=10))
    dollars = invoice(abroad, "250.00", TODAY - dt.timedelta(days=10), currency="USD")
    more_dollars = invoice(abroad, "50.00", TODAY - dt.timedelta(days=40), currency="USD")
    context = context_of(action_for(abroad, step(company), [dollars, more_dollars],
                                    [euros], currency="USD"))

    assert context["totals"] == [{"currency": "USD", "amount": Decimal("300.00")},
                                 {"currency": "EUR", "amount": Decimal("100.00")}]
    assert context["total"] == context["totals"][0]
    assert context["penalties"]["currency"] == "USD"


def test_penalties_are_simple_interest_plus_forty_per_late_invoice(company, roux):
    late = invoice(roux, "1000.00", TODAY - dt.timedelta(days=30))
    later = invoice(roux, "2000.00", TODAY - dt.timedelta(days=73))
    not_due = invoice(roux, "700.00", TODAY + dt.timedelta(days=2))
    context = context_of(action_for(roux, step(company), [late, later, not_due]))

    # 1000 × 12.15 × 30 / 36500 = 9.99 ; 2000 × 12.15 × 73 / 36500 = 48.60
    assert context["penalties"] == {
        "rate": Decimal("12.15"), "amount": Decimal("58.59"),
        "indemnity": Decimal("80.00"), "indemnity_currency": "EUR", "late_invoices": 2,
        "total": Decimal("138.59"), "currency": "EUR"}


def test_each_half_year_of_lateness_is_charged_at_its_own_statutory_rate(company, roux):
    invoice(roux, "1000.00", D(2025, 6, 20))
    context = preview_of(roux, step(company))

    # 21-30 June 2025, 10 days at 3.15 + 10: 1000 × 13.15 × 10 / 36500 = 3.60
    # July-December 2025, 184 days at 2.15 + 10: 1000 × 12.15 × 184 / 36500 = 61.25
    # 1 January-15 June 2026, 166 days at 2.15 + 10: 1000 × 12.15 × 166 / 36500 = 55.26
    assert context["penalties"]["amount"] == Decimal("120.11")
    assert context["penalties"]["rate"] == Decimal("12.15")   # today's half-year


def test_a_consumer_or_a_customer_in_insolvency_proceedings_owes_no_indemnity(
        company, roux):
    late = invoice(roux, "1000.00", TODAY - dt.timedelta(days=30))
    action = action_for(roux, step(company), [late])
    for flag in ("is_consumer", "insolvency_proceedings"):
        setattr(action.customer, flag, True)
        penalties = context_of(action)["penalties"]
        assert (penalties["amount"], penalties["indemnity"]) == (Decimal("9.99"),
                                                                 Decimal("0.00"))
        setattr(action.customer, flag, False)


def test_a_contractual_rate_replaces_the_statutory_one(company, roux):
    company.penalty_policy, company.contractual_rate = "contractual", Decimal("15")
    company.save()
    late = invoice(roux, "3650.00", TODAY - dt.timedelta(days=10))
    penalties = context_of(action_for(roux, step(company), [late]))["penalties"]

    assert penalties["rate"] == Decimal("15")
    assert penalties["amount"] == Decimal("15.00")


def test_a_formal_notice_gives_a_deadline_and_a_reminder_none(company, roux):
    late = invoice(roux, "1000.00", TODAY - dt.timedelta(days=40))
    notice = context_of(action_for(roux, step(company, "formal_notice"), [late]))
    reminder = context_of(action_for(roux, step(company), [late]))

    assert notice["deadline"] == TODAY + dt.timedelta(days=15)
    assert notice["step"]["tone"] == "formal_notice"
    assert reminder["deadline"] is None


def test_without_a_collector_or_a_contact_the_company_signs_to_nobody_in_particular(company):
    orphan = customer(company, "ORPHAN")
    late = invoice(orphan, "100.00", TODAY - dt.timedelta(days=3))
    action = action_for(orphan, step(company), [late])
    action.contact = None
    context = context_of(action)

    assert context["contact"] is None
    assert context["collector"]["name"] == company.name
    assert context["collector"]["signature"] == company.name


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_shipped_step_template_renders_with_it(company, roux, language):
    late = invoice(roux, "1000.00", TODAY - dt.timedelta(days=30))
    other = invoice(roux, "250.00", TODAY - dt.timedelta(days=50))
    templates = StepTemplate.objects.filter(step__scenario__company=company,
                                            language=language).select_related("step")
    assert templates.count() > 10
    for template in templates:
        context = context_of(action_for(roux, template.step, [late], [other]))
        rendered = templating.render(template.subject, template.body, context, language)
        assert rendered.subject.strip(), template
        assert "Boulangerie Roux" in rendered.subject + rendered.body or \
            late.number in rendered.subject + rendered.body, template


def test_the_preview_is_about_the_invoices_the_step_has_reached_and_lists_the_others(
        company, roux):
    reached = invoice(roux, "1000.00", TODAY - dt.timedelta(days=40))
    not_yet = invoice(roux, "300.00", TODAY - dt.timedelta(days=3))
    invoice(roux, "90.00", TODAY + dt.timedelta(days=20))   # open, not due: not listed
    notice = step(company, "formal_notice")                 # 30 days after the due date
    context = preview_of(roux, notice)

    assert [i["number"] for i in context["invoices"]] == [reached.number]
    assert [i["number"] for i in context["other_overdue"]] == [not_yet.number]
    assert context["total"] == {"currency": "EUR", "amount": Decimal("1300.00")}
    assert context["deadline"] == TODAY + dt.timedelta(days=15)


def test_when_the_step_reached_nothing_the_preview_shows_the_overdue_invoices(
        company, roux):
    late = invoice(roux, "500.00", TODAY - dt.timedelta(days=2))
    context = preview_of(roux, step(company, "formal_notice"))

    assert [i["number"] for i in context["invoices"]] == [late.number]
    assert context["other_overdue"] == []


def test_the_preview_addresses_the_contact_the_run_would_choose(company, roux):
    invoice(roux, "500.00", TODAY - dt.timedelta(days=40))
    notice = step(company, "formal_notice")   # management first, then accounts payable
    assert preview_of(roux, notice)["contact"]["name"] == "Compta ROUX"

    roux.contacts.create(name="Direction ROUX", role="management", email="dg@roux.example")
    assert preview_of(roux, notice)["contact"]["name"] == "Direction ROUX"


def test_a_collector_without_a_phone_number_leaves_it_empty(company, roux):
    invoice(roux, "500.00", TODAY - dt.timedelta(days=4))
    collector = preview_of(roux, step(company))["collector"]
    assert collector["phone"] == "" and collector["name"] == "Julien Roux"


# The portal link of a preview ------------------------------------------------------------

def test_a_preview_shows_the_customers_usable_portal_link(roux):
    now = timezone.now()
    _link, token = portal_links.issue(roux, now)

    assert preview_portal_url(roux, now) == portal_links.url(token)
    assert PortalLink.objects.filter(customer=roux).count() == 1


def test_without_a_usable_link_a_preview_shows_a_marked_placeholder_and_issues_none(roux):
    now = timezone.now()
    portal_links.issue(roux, now, days=settings.PORTAL_LINK_MIN_DAYS_LEFT - 1)

    assert preview_portal_url(roux, now) == portal_links.url(PLACEHOLDER_TOKEN)
    assert PLACEHOLDER_TOKEN in preview_portal_url(roux, now)
    assert PortalLink.objects.filter(customer=roux).count() == 1
