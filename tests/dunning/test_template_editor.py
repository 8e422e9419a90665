"""The scenarios page and the editor of a step's texts, through the Django test client.

The world, dated from today: Ateliers Test SAS with the shipped scenarios; Claire, a
credit manager; Paul, a collector; Sam, a sales rep. Boulangerie Roux owes invoice
F-ROUX-1 (1,200.00 EUR), five weeks late; Café Petit owes F-PETIT-1 (300.00 EUR), due
in ten days; Garage Lenoir has paid everything.
"""
import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relance.dunning import shipped
from relance.dunning.models import Scenario, Step, StepTemplate
from tests.dunning.world import creditor, customer, invoice, team

pytestmark = pytest.mark.django_db


def days_from_today(n):
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def world():
    company = creditor()
    people = team("claire", "paul", "sam")
    roux = customer(company, "ROUX", name="Boulangerie Roux", owner=people["paul"])
    petit = customer(company, "PETIT", name="Café Petit", owner=people["paul"])
    lenoir = customer(company, "LENOIR", name="Garage Lenoir")
    invoice(roux, "1200.00", days_from_today(-35), number="F-ROUX-1")
    invoice(petit, "300.00", days_from_today(10), number="F-PETIT-1")
    invoice(lenoir, "80.00", days_from_today(-5), number="F-LENOIR-1", open_amount=0)
    return {"company": company, **people, "roux": roux, "petit": petit}


def as_user(client, user):
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def shipped_step(world, tone="courteous"):
    """The first step of that tone in the default scenario ("Friendly reminder")."""
    return Step.objects.filter(scenario__company=world["company"], scenario__is_default=True,
                               tone=tone, days__gt=0).order_by("position").first()


def editor_url(step, language="en"):
    return reverse("dunning:step_templates", args=[step.pk]) + f"?language={language}"


def preview(client, step, body, customer, subject="Reminder", language="en"):
    return client.post(reverse("dunning:step_template_preview", args=[step.pk]),
                       {"subject": subject, "body": body, "customer": customer.pk,
                        "language": language})


def text_of(step, language):
    template = StepTemplate.objects.get(step=step, language=language)
    return template.subject, template.body


# The scenarios page ---------------------------------------------------------------------

def test_the_scenarios_tab_lists_every_step_with_when_how_and_a_link_to_its_texts(
        client, world):
    notice = shipped_step(world, "formal_notice")
    page = as_user(client, world["claire"]).get(reverse("dunning:scenarios")).content.decode()

    for text in ("Standard", "Key accounts", "Risky", "Formal notice",
                 "30 days after the due date", "5 days before the due date",
                 "Registered letter", "Needs approval", "Accounts payable",
                 reverse("dunning:step_templates", args=[notice.pk])):
        assert text in page, text
    assert 'aria-current="page">Scenarios' in page


def test_a_collector_sees_the_scenarios_without_the_links_to_edit_them(client, world):
    page = as_user(client, world["paul"]).get(reverse("dunning:scenarios"))
    assert page.status_code == 200
    assert "Formal notice" in page.content.decode()
    assert "Edit the texts" not in page.content.decode()


def test_a_sales_rep_does_not_see_the_scenarios(client, world):
    assert as_user(client, world["sam"]).get(reverse("dunning:scenarios")).status_code == 403


# Who may edit ---------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["paul", "sam"])
def test_only_managers_may_open_edit_preview_or_reset_a_text(client, world, who):
    step = shipped_step(world)
    before = text_of(step, "en")
    as_user(client, world[who])

    assert client.get(editor_url(step)).status_code == 403
    assert client.post(editor_url(step), {"subject": "x", "body": "y"}).status_code == 403
    assert preview(client, step, "{{ customer.name }}", world["roux"]).status_code == 403
    assert client.post(reverse("dunning:reset_step_template", args=[step.pk]),
                       {"language": "en"}).status_code == 403
    assert text_of(step, "en") == before


def test_saving_without_the_csrf_token_is_refused(world):
    step = shipped_step(world)
    before = text_of(step, "en")
    client = as_user(Client(enforce_csrf_checks=True), world["claire"])

    response = client.post(editor_url(step), {"subject": "Pay", "body": "Now"})
    assert response.status_code == 403
    assert text_of(step, "en") == before


# The editor and its preview -------------------------------------------------------------

def test_the_editor_shows_the_text_the_variables_and_a_preview_for_the_first_overdue_customer(
        client, world):
    step = shipped_step(world)
    subject, _body = text_of(step, "en")
    page = as_user(client, world["claire"]).get(editor_url(step)).content.decode()

    assert "Friendly reminder" in page
    assert "{{ invoices|map(attribute=&quot;number&quot;)|join(&quot;, &quot;) }}" in page
    assert "payment.reference" in page and "structured creditor reference" in page
    assert "htmx.min.js" in page and 'hx-trigger="keyup changed delay:400ms"' in page
    assert '<option value="{}" selected>Boulangerie Roux'.format(world["roux"].pk) in page
    assert "Reminder: invoice F-ROUX-1 now due" in page     # the rendered subject
    assert "€1,200.00" in page
    assert "Garage Lenoir" not in page                      # nothing open: no preview


def test_the_french_form_edits_the_french_text(client, world):
    step = shipped_step(world)
    page = as_user(client, world["claire"]).get(editor_url(step, "fr")).content.decode()
    assert "Sauf erreur de notre part" in page
    assert "Rappel : facture F-ROUX-1" in page


def test_the_preview_renders_the_typed_text_for_the_chosen_customer(client, world):
    step = shipped_step(world)
    body = "{% for i in invoices %}{{ i.number }}: {{ i.open_amount|money(i.currency) }}" \
           "{% endfor %}\nRef {{ payment.reference }}"
    as_user(client, world["claire"])

    roux = preview(client, step, body, world["roux"]).content.decode()
    assert "F-ROUX-1: €1,200.00" in roux and "Ref RF74 ROUX" in roux
    petit = preview(client, step, body, world["petit"], language="fr").content.decode()
    assert "F-PETIT-1: 300,00\xa0€" in petit


def test_a_preview_with_an_unknown_variable_shows_the_problem_and_its_line(client, world):
    step = shipped_step(world)
    as_user(client, world["claire"])

    response = preview(client, step, "Hello,\n\n{{ settings.SECRET_KEY }}", world["roux"])
    assert response.status_code == 200
    assert "body, line 3: &#x27;settings&#x27; is undefined" in response.content.decode()


def test_a_preview_with_a_syntax_error_in_the_subject_names_the_subject(client, world):
    step = shipped_step(world)
    response = preview(as_user(client, world["claire"]), step, "Body", world["roux"],
                       subject="Invoice {% if %}")
    assert "subject, line 1" in response.content.decode()


# Saving and resetting -------------------------------------------------------------------

def test_saving_a_valid_text_replaces_the_steps_text_in_that_language_only(client, world):
    step = shipped_step(world)
    french = text_of(step, "fr")
    response = as_user(client, world["claire"]).post(editor_url(step), {
        "language": "en", "subject": "Invoice {{ invoices[0].number }}",
        "body": "Dear customer,\n\nPlease pay {{ total.amount|money(total.currency) }}.\n"})

    assert response.status_code == 302
    assert text_of(step, "en") == ("Invoice {{ invoices[0].number }}",
                                   "Dear customer,\n\nPlease pay "
                                   "{{ total.amount|money(total.currency) }}.\n")
    assert text_of(step, "fr") == french


def test_saving_creates_the_text_of_a_language_the_step_had_none_in(client, world):
    step = shipped_step(world)
    StepTemplate.objects.filter(step=step, language="en").delete()
    as_user(client, world["claire"]).post(editor_url(step), {
        "language": "en", "subject": "Reminder", "body": "Hello {{ customer.name }}"})
    assert text_of(step, "en") == ("Reminder", "Hello {{ customer.name }}")


@pytest.mark.parametrize("body, expected", [
    ("Hello,\n\n{{ settings }}", "body, line 3: &#x27;settings&#x27; is undefined"),
    ("Hello,\n{{ custmer.name }}", "body, line 2: &#x27;custmer&#x27; is undefined"),
    ("Hello,\n{% include 'x' %}", "body, line 2: the &#x27;include&#x27; tag"),
    ("{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}", "body: brackets are nested 3000 deep"),
    ("{{ 'x' * 10**8 }}", "the text would be longer than 200000 characters"),
    ("{{ lipsum }}", "body, line 1: &#x27;lipsum&#x27; is undefined"),
    ("{{ &#x27;a&#x27;.format_map }}".replace("&#x27;", "'"),
     "only text, numbers, amounts and dates can be printed"),
    ("{% for i in range(9999) %}{% for j in range(9999) %}x{% endfor %}{% endfor %}",
     "loops would run more than 20000 times"),
])
def test_a_broken_text_is_not_saved_and_the_form_says_where_it_breaks(
        client, world, body, expected):
    step = shipped_step(world)
    before = text_of(step, "en")
    response = as_user(client, world["claire"]).post(
        editor_url(step), {"language": "en", "subject": "Reminder", "body": body})

    assert response.status_code == 200
    page = response.content.decode()
    assert expected in page
    assert 'data-field="body"' in page
    assert text_of(step, "en") == before


def test_an_empty_subject_is_not_saved(client, world):
    step = shipped_step(world)
    before = text_of(step, "en")
    response = as_user(client, world["claire"]).post(
        editor_url(step), {"language": "en", "subject": "", "body": "Hello"})
    assert 'data-field="subject"' in response.content.decode()
    assert text_of(step, "en") == before


def test_reset_puts_back_the_shipped_text(client, world):
    step = shipped_step(world)
    StepTemplate.objects.filter(step=step, language="fr").update(subject="Payez", body="Vite")
    response = as_user(client, world["claire"]).post(
        reverse("dunning:reset_step_template", args=[step.pk]), {"language": "fr"})

    assert response.status_code == 302
    assert text_of(step, "fr") == shipped.load_shipped("reminder_1", "fr")


def test_a_step_the_company_made_itself_has_no_shipped_text_to_reset_to(client, world):
    scenario = Scenario.objects.create(company=world["company"], name="Export")
    step = Step.objects.create(scenario=scenario, position=1, name="Relance export",
                               days=10, channel="email")
    StepTemplate.objects.create(step=step, language="en", subject="Ours", body="Ours")
    as_user(client, world["claire"])

    assert "Reset to the shipped text" not in client.get(editor_url(step)).content.decode()
    client.post(reverse("dunning:reset_step_template", args=[step.pk]), {"language": "en"})
    assert text_of(step, "en") == ("Ours", "Ours")
