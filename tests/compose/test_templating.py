"""Reminder templates: the shipped texts, the filters, and the sandbox around user edits.

The world is `templating.sample_context`: Atelier Durand SAS (Lyon) reminds Boulangeries
Martin SARL of invoices FA-2026-0142 and FA-2026-0187, with FA-2026-0098 also overdue
and partly paid; 7 024,56 EUR open on 22 May 2026.
"""
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation
from stdnum import iso11649

from relance.compose import templating
from relance.compose.templating import TemplateProblem, check, render, sample_context
from relance.dunning import shipped
from relance.dunning.shipped import load_shipped

LANGUAGES = shipped.LANGUAGES
SHIPPED = [(key, language) for key in shipped.SHIPPED_KEYS for language in LANGUAGES]
TOTAL = {"fr": "7\u202f024,56\xa0€", "en": "€7,024.56"}
INTERNAL_KEYS = {"escalation"}  # a task for the team, not a text for the customer


def body_only(body, language="fr", **context):
    """Render a body alone against the sample context, with some variables replaced."""
    return render("Subject", body, {**templating.sample_context(language), **context},
                  language).body


def problem_of(subject, body, language="fr"):
    with pytest.raises(TemplateProblem) as caught:
        render(subject, body, templating.sample_context(language), language)
    return caught.value


def sparse_context(language):
    """A customer with no named contact, no portal, no deadline, nothing else overdue."""
    context = templating.sample_context(language)
    invoices = context["invoices"]
    totals = [{"currency": "EUR", "amount": sum(i["open_amount"] for i in invoices)}]
    return {**context, "contact": None, "portal_url": "", "deadline": None,
            "other_overdue": [], "totals": totals, "total": totals[0]}


# The shipped texts ----------------------------------------------------------------------

@pytest.mark.parametrize("key, language", SHIPPED)
def test_shipped_text_names_the_invoices_the_total_and_ends_with_the_signature(
        key, language):
    context = templating.sample_context(language)
    rendered = render(*load_shipped(key, language), context, language)

    for number in ("FA-2026-0142", "FA-2026-0187"):
        assert number in rendered.body
    due = {"fr": "15 avril 2026", "en": "15 April 2026"}[language]
    assert "15/04/2026" in rendered.body or due in rendered.body  # short_date or date
    assert TOTAL[language] in rendered.subject + rendered.body
    assert rendered.body.rstrip().endswith(context["collector"]["signature"])
    assert "\n" not in rendered.subject and rendered.subject.strip()


@pytest.mark.parametrize("key, language", SHIPPED)
def test_shipped_text_passes_the_check(key, language):
    assert check(*load_shipped(key, language), language) == []


@pytest.mark.parametrize("key, language", SHIPPED)
def test_shipped_text_gives_payment_details_and_the_portal_link_when_there_is_one(
        key, language):
    context = templating.sample_context(language)
    body = render(*load_shipped(key, language), context, language).body
    if key in INTERNAL_KEYS:
        return
    assert context["payment"]["iban"] in body
    assert context["payment"]["reference"] in body
    assert context["portal_url"] in body


@pytest.mark.parametrize("key, language", SHIPPED)
def test_shipped_text_renders_for_a_customer_without_contact_portal_or_deadline(
        key, language):
    rendered = render(*load_shipped(key, language), sparse_context(language), language)

    assert "https://" not in rendered.body
    assert "None" not in rendered.body
    assert "FA-2026-0098" not in rendered.body


@pytest.mark.parametrize("language", LANGUAGES)
def test_formal_notice_states_penalties_indemnities_total_and_deadline(language):
    body = render(*load_shipped("formal_notice", language),
                  templating.sample_context(language), language).body
    expected = {
        "fr": ["MISE EN DEMEURE", "12,15 %", "85,15\xa0€", "120,00\xa0€",
               "7\u202f229,71\xa0€", "6 juin 2026", "1344-1", "injonction de payer",
               "recommandée"],
        "en": ["FORMAL NOTICE (mise en demeure)", "12.15%", "€85.15", "€120.00",
               "€7,229.71", "6 June 2026", "1344-1", "injonction de payer", "Registered letter"],
    }[language]
    for text in expected:
        assert text in body


@pytest.mark.parametrize("language", LANGUAGES)
def test_formal_notice_without_a_deadline_gives_fifteen_days_from_receipt(language):
    body = render(*load_shipped("formal_notice", language), sparse_context(language),
                  language).body
    assert {"fr": "quinze jours", "en": "fifteen days"}[language] in body


@pytest.mark.parametrize("language", LANGUAGES)
def test_formal_notice_names_itself_the_law_and_what_follows(language):
    body = render(*load_shipped("formal_notice", language),
                  templating.sample_context(language), language).body
    expected = {
        "fr": ["mise en demeure", "principal : 7\u202f024,56\xa0€", "L441-10", "D441-5",
               "40 euros par facture", "au plus tard le 6 juin 2026",
               "recouvrement judiciaire", "injonction de payer"],
        "en": ["formal notice", "principal: €7,024.56", "L441-10", "D441-5",
               "40 euros per invoice", "by 6 June 2026 at the latest",
               "judicial recovery", "order for payment (injonction de payer)"],
    }[language]
    for text in expected:
        assert text in body, text


COURTEOUS_KEYS = ("preventive", "reminder_1", "key_preventive", "key_reminder_1",
                  "key_reminder_2")
FIRMER_KEYS = ("reminder_2", "firm", "key_firm", "risky_reminder_1", "formal_notice")


@pytest.mark.parametrize("language", LANGUAGES)
def test_courteous_texts_leave_penalties_out_and_firmer_ones_state_their_rate(language):
    context = templating.sample_context(language)
    rate = {"fr": "12,15 %", "en": "12.15%"}[language]
    for key in COURTEOUS_KEYS:
        assert rate not in render(*load_shipped(key, language), context, language).body, key
    for key in FIRMER_KEYS:
        body = render(*load_shipped(key, language), context, language).body
        assert rate in body and "40 euros" in body, key


@pytest.mark.parametrize("language", LANGUAGES)
def test_reminders_give_the_collectors_phone_only_when_there_is_one(language):
    context = templating.sample_context(language)
    phone = "06 11 22 33 44"   # not the one in the signature
    direct = {**context, "collector": {**context["collector"], "phone": phone}}
    silent = {**context, "collector": {**context["collector"], "phone": ""}}
    for key in ("preventive", "reminder_1", "reminder_2", "key_reminder_1"):
        source = load_shipped(key, language)
        assert phone in render(*source, direct, language).body, key
        body = render(*source, silent, language).body
        assert " au ." not in body and " on ." not in body and " au ;" not in body, key


def test_the_sample_payment_reference_is_a_valid_creditor_reference():
    reference = templating.sample_context("fr")["payment"]["reference"]
    assert iso11649.is_valid(reference) and reference.startswith("RF")

def test_every_shipped_file_has_a_key_and_every_key_a_file():
    for language in LANGUAGES:
        folder = Path(shipped.__file__).parent / "texts" / language
        assert sorted(p.stem for p in folder.glob("*.txt")) == sorted(shipped.SHIPPED_KEYS)


def test_load_shipped_refuses_an_unknown_key_or_language():
    with pytest.raises(ValueError):
        load_shipped("reminder_9", "fr")
    with pytest.raises(ValueError):
        load_shipped("reminder_1", "de")


# Filters and layout ---------------------------------------------------------------------

def test_french_amounts_and_dates_are_written_the_french_way():
    body = body_only("{{ amount|money('EUR') }}|{{ day|date }}|{{ day|short_date }}|"
                     "{{ first|date }}|{{ rate|number }}", amount=Decimal("1234.56"),
                     day=date(2026, 11, 23), first=date(2027, 1, 1), rate=Decimal("12.15"))
    assert body == "1\u202f234,56\xa0€|23 novembre 2026|23/11/2026|1er janvier 2027|12,15\n"


def test_english_amounts_and_dates_are_written_the_british_way():
    body = body_only("{{ amount|money('EUR') }}|{{ day|date }}|{{ day|short_date }}",
                     "en", amount=Decimal("1234.56"), day=date(2026, 11, 23))
    assert body == "€1,234.56|23 November 2026|23/11/2026\n"


def test_the_render_language_wins_over_the_active_language():
    with translation.override("fr"):
        body = body_only("{{ amount|money('EUR') }}", "en", amount=Decimal("1234.56"))
    assert body == "€1,234.56\n"


def test_money_without_a_currency_is_a_problem_not_a_guess():
    problem = problem_of("Subject", "{{ total.amount|money }}")
    assert (problem.field, problem.line) == ("body", 1)
    assert "currency" in problem.message


def test_subject_is_collapsed_to_one_line():
    rendered = render("  Invoices\n{% for i in invoices %}\n {{ i.number }}\n{% endfor %}",
                      "Body", templating.sample_context("en"), "en")
    assert rendered.subject == "Invoices FA-2026-0142 FA-2026-0187"


def test_a_line_of_tags_alone_vanishes_but_a_line_with_text_keeps_its_newline():
    body = body_only("Hello {% if contact %}{{ contact.name }}{% endif %}\n"
                     "{% for invoice in invoices %}\n- {{ invoice.number }}\n{% endfor %}\n"
                     "Bye")
    assert body == "Hello Claire Lefèvre\n- FA-2026-0142\n- FA-2026-0187\nBye\n"


# The sandbox ----------------------------------------------------------------------------

@pytest.mark.parametrize("snippet", [
    "{{ ''.__class__.__mro__ }}",
    "{{ company.__init__ }}",
    "{% include 'x' %}",
    "{% extends 'x' %}",
    "{% import 'x' as x %}",
    "{{ invoices.append(1) }}",
    "{{ company.update(name='x') }}",
    "{{ '{0.__class__}'.format(company) }}",
])
def test_the_sandbox_refuses_with_field_and_line(snippet):
    problem = problem_of("Subject", f"Hello,\n\n{snippet}\n")
    assert (problem.field, problem.line) == ("body", 3)
    assert problem.message


def test_a_misspelt_variable_is_reported_with_field_and_line():
    with translation.override("en"):
        problem = problem_of("Subject", "Hello,\n\n{{ invoicez }}\n")
        assert str(problem) == "body, line 3: 'invoicez' is undefined"


def test_a_misspelt_attribute_is_an_error_not_an_empty_string():
    problem = problem_of("Subject", "{{ company.nmae }}")
    assert problem.line == 1 and "nmae" in problem.message


def test_reading_an_absent_contact_is_a_problem():
    with pytest.raises(TemplateProblem) as caught:
        render("Subject", "Hello {{ contact.name }}", sparse_context("fr"), "fr")
    assert "name" in caught.value.message


def test_a_syntax_error_on_body_line_3_is_reported_on_line_3():
    problem = problem_of("Subject", "Hello,\n\n{% for invoice in invoices %}{{ invoice }}\n")
    assert (problem.field, problem.line) == ("body", 3)
    assert isinstance(problem, ValueError)


def test_a_problem_in_the_subject_names_the_subject():
    problem = problem_of("Invoice {{ invoice.number }}", "Body")
    assert (problem.field, problem.line) == ("subject", 1)


def test_any_other_rendering_error_is_a_template_problem():
    problem = problem_of("Subject", "\n{{ 1 / 0 }}")
    assert (problem.field, problem.line) == ("body", 2)


def test_check_reports_the_problems_of_both_fields_at_once():
    problems = check("Reminder {{ invoice.number }}", "Hello\n\n{% if %}", "fr")
    assert [(p.field, p.line) for p in problems] == [("subject", 1), ("body", 3)]


def test_check_reports_an_empty_subject():
    assert [p.field for p in check("  ", "Body", "en")] == ["subject"]


def test_the_context_must_be_plain_data():
    context = {**templating.sample_context("fr"), "customer": object()}
    with pytest.raises(TypeError, match="customer"):
        render("Subject", "Body", context, "fr")


@pytest.mark.parametrize("body, expected", [
    ("{{ " + "[" * 500 + "]" * 500 + " }}", "brackets are nested 500 deep; at most 40"),
    ("{{ 'ab' * 200000 }}", "the text would be longer than 200000 characters"),
    ("{{ [1] * 300000 }}", "the text would be longer than 200000 characters"),
    ("{{ 9 ** 99 }}", "the number would have more than 30 digits"),
    ("{{ range }}", "only text, numbers, amounts and dates can be printed"),
    ("{{ invoices }}", "only text, numbers, amounts and dates can be printed"),
    ("{{ cycler }}", "'cycler' is undefined"),
    ("{% for i in range(150) %}{% for j in range(150) %}x{% endfor %}{% endfor %}",
     "loops would run more than 20000 times"),
    ("{% for i in range(20000) %}{% for c in invoices %}{{ customer.name * 5 }}"
     "{% endfor %}{% endfor %}", "the text would be longer than 200000 characters"),
    ("{{ 'x'|center(10**9) }}", "1000000000 is too large a number here"),
    ("{{ 'x'.ljust(10**9) }}", "1000000000 is too large a number here"),
    ("{{ '%0999999999d'|format(1) }}", "0999999999 is too large a number here"),
    ("{{ '%0999999999d' % 1 }}", "0999999999 is too large a number here"),
    ("{{ '{:>999999999}'.format(1) }}", "999999999 is too large a number here"),
])
def test_a_template_cannot_grow_without_bound_nor_print_an_object(body, expected):
    with translation.override("en"), pytest.raises(TemplateProblem) as caught:
        render("Subject", body, sample_context("en"), "en")
    assert expected in caught.value.message


def test_what_stays_within_the_bounds_renders():
    text = render("Subject", "{% for i in range(3) %}{{ i }}{% endfor %} {{ 2 ** 10 }} "
                  "{{ '-' * 10 }} {{ '%05d' % 42 }} {{ '{:>4}'.format(7) }}",
                  sample_context("en"), "en").body
    assert text == "012 1024 ---------- 00042    7\n"
