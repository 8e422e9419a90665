"""The dunning pages of the back office, through the Django test client.

The world, dated from today since "Run now" runs for today: Ateliers Test SAS; Claire,
a credit manager; Paul and Léa, collectors; Sam, a sales rep. Paul follows Boulangerie
Roux, five weeks late (a formal notice, which needs approval) and Café Petit, a few days
late (a friendly reminder); Léa follows Garage Lenoir, five weeks late as well.
"""
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from relance.dunning.models import Action, ActionStatus, Run, StepTemplate
from relance.dunning.run import run_dunning
from relance.ledger.models import Event
from tests.dunning.world import creditor, customer, invoice, reminded, team

pytestmark = pytest.mark.django_db


def days_ago(n):
    return timezone.localdate() - dt.timedelta(days=n)


@pytest.fixture
def world():
    company = creditor()
    people = team()
    roux = customer(company, "ROUX", name="Boulangerie Roux", owner=people["paul"])
    petit = customer(company, "PETIT", name="Café Petit", owner=people["paul"])
    lenoir = customer(company, "LENOIR", name="Garage Lenoir", owner=people["lea"])
    invoice(roux, "1200.00", days_ago(35), number="F-ROUX-1")
    invoice(petit, "300.00", days_ago(2), number="F-PETIT-1")
    invoice(lenoir, "800.00", days_ago(35), number="F-LENOIR-1")
    for written_to in (roux, lenoir):   # in writing before: the formal notice may follow
        reminded(written_to, days_ago(10))
    return {"company": company, **people, "roux": roux, "petit": petit, "lenoir": lenoir}


@pytest.fixture
def planned(world):
    """The day's run has been made: two formal notices await approval."""
    run_dunning(world["company"], timezone.localdate())
    return world


def notice_of(customer):
    return Action.objects.get(customer=customer, tone="formal_notice")


def reminder_of(customer):
    return Action.objects.get(customer=customer, tone="courteous")


def as_user(client, user):
    """The client logged in as `user`, reading the pages in English."""
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def page_urls(world):
    """Each page with a text it shows once the day's run is made."""
    notice = notice_of(world["roux"])
    in_ten_days = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    return [(reverse("dunning:home"), "Run now"),
            (reverse("dunning:home") + f"?date={in_ten_days}", "Café Petit"),
            (reverse("dunning:calendar"), "Café Petit"),
            (reverse("dunning:review"), "Boulangerie Roux"),
            (reverse("dunning:action", args=[notice.pk]), "F-ROUX-1")]


def post_urls(world):
    notice = notice_of(world["roux"])
    return [reverse("dunning:run"), reverse("dunning:approve", args=[notice.pk]),
            reverse("dunning:cancel", args=[notice.pk]),
            reverse("dunning:action", args=[notice.pk])]


def events(action, event_type):
    return Event.objects.filter(type=event_type, data__action=action.pk).count()


# Who may see what ----------------------------------------------------------------------

def test_every_page_renders_for_a_credit_manager(client, planned):
    as_user(client, planned["claire"])
    for url, text in page_urls(planned):
        response = client.get(url)
        assert response.status_code == 200, url
        assert text in response.content.decode(), url


def test_an_anonymous_visitor_is_sent_to_the_login(client, planned):
    for url, _text in page_urls(planned):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_a_sales_rep_gets_403_on_every_page_and_every_post(client, planned):
    as_user(client, planned["sam"])
    for url, _text in page_urls(planned):
        assert client.get(url).status_code == 403, url
    for url in post_urls(planned):
        assert client.post(url, {"reason": "no"}).status_code == 403, url
    assert Run.objects.count() == 1
    assert notice_of(planned["roux"]).status == ActionStatus.AWAITING_APPROVAL


def test_the_nav_shows_managers_how_many_actions_await_approval(client, planned):
    nav_count = '<span class="nav-count"'
    manager_page = as_user(client, planned["claire"]).get(reverse("web:customers"))
    assert nav_count in manager_page.content.decode()
    assert reverse("dunning:home") in manager_page.content.decode()
    collector_page = as_user(client, planned["paul"]).get(reverse("web:customers"))
    assert nav_count not in collector_page.content.decode()
    sales_page = as_user(client, planned["sam"]).get(reverse("web:customers"))
    assert reverse("dunning:home") not in sales_page.content.decode()


def test_a_collector_sees_only_their_customers_actions_in_the_queue(client, planned):
    page = as_user(client, planned["paul"]).get(reverse("dunning:review")).content.decode()
    assert "Boulangerie Roux" in page and "F-ROUX-1" in page   # its invoices' numbers
    assert "Garage Lenoir" not in page
    manager_page = as_user(client, planned["claire"]).get(reverse("dunning:review"))
    assert "Garage Lenoir" in manager_page.content.decode()


def test_a_collector_cannot_see_nor_decide_another_collectors_action(client, planned):
    theirs = notice_of(planned["lenoir"])
    as_user(client, planned["paul"])
    assert client.get(reverse("dunning:action", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("dunning:approve", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("dunning:cancel", args=[theirs.pk]),
                       {"reason": "mine now"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ActionStatus.AWAITING_APPROVAL


def test_a_collector_may_not_start_a_run(client, world):
    response = as_user(client, world["paul"]).post(reverse("dunning:run"))
    assert response.status_code == 403
    assert Run.objects.count() == 0


def test_state_changes_refuse_get(client, planned):
    notice = notice_of(planned["roux"])
    as_user(client, planned["claire"])
    for url in (reverse("dunning:run"), reverse("dunning:approve", args=[notice.pk]),
                reverse("dunning:cancel", args=[notice.pk])):
        assert client.get(url).status_code == 405, url
    notice.refresh_from_db()
    assert notice.status == ActionStatus.AWAITING_APPROVAL and Run.objects.count() == 1


# Runs and previews ---------------------------------------------------------------------

def test_run_now_creates_a_run_and_its_actions_and_says_what_was_planned(client, world):
    response = as_user(client, world["claire"]).post(reverse("dunning:run"), follow=True)

    run = Run.objects.get()
    assert (run.origin, run.triggered_by, run.actions) == ("web", world["claire"], 3)
    assert Action.objects.filter(run=run).count() == 3
    message = str(list(response.context["messages"])[0])
    assert "3" in message and "2" in message   # three planned, two awaiting approval
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("dunning:home")
    assert world["claire"].first_name in page.split("<tbody>")[1]  # the runs table


def test_the_preview_lists_what_a_run_would_do_and_writes_nothing(client, world):
    as_user(client, world["claire"])
    counts = (Action.objects.count(), Run.objects.count(), Event.objects.count())
    response = client.get(reverse("dunning:home"),
                          {"date": timezone.localdate().isoformat()})

    assert response.status_code == 200
    rows = response.context["preview"]["page"].object_list
    assert {r["customer"].name for r in rows} == {"Boulangerie Roux", "Café Petit",
                                                  "Garage Lenoir"}
    assert sum(r["needs_approval"] for r in rows) == 2
    page = response.content.decode()
    assert "F-ROUX-1" in page and reverse("web:customer", args=[world["roux"].pk]) in page
    assert (Action.objects.count(), Run.objects.count(), Event.objects.count()) == counts


def test_the_preview_says_why_invoices_were_left_alone(client, world):
    world["petit"].hold_reason = "receivership"
    world["petit"].save()
    response = as_user(client, world["claire"]).get(
        reverse("dunning:home"), {"date": timezone.localdate().isoformat()})
    assert [(str(label), n) for label, n in response.context["preview"]["stopped"]] == [
        ("Customer on hold", 1)]
    assert "Customer on hold" in response.content.decode()


@pytest.mark.parametrize("bad", ["2026-13-45", "tomorrow", "", "1900-01-01"])
def test_a_bad_preview_date_is_a_form_error_not_a_crash(client, world, bad):
    response = as_user(client, world["claire"]).get(reverse("dunning:home"), {"date": bad})
    assert response.status_code == 200
    assert response.context["form"].errors["date"]
    assert "preview" not in response.context


def test_the_calendar_shows_a_collector_their_own_customers_unless_asked(client, world):
    as_user(client, world["lea"])
    own = client.get(reverse("dunning:calendar")).content.decode()
    everyone = client.get(reverse("dunning:calendar"), {"owner": ""}).content.decode()

    assert "Garage Lenoir" in own and "Boulangerie Roux" not in own
    assert "Garage Lenoir" in everyone and "Boulangerie Roux" in everyone


# Decisions -----------------------------------------------------------------------------

def test_approving_from_the_queue_plans_the_action_and_tells_the_timeline(client, planned):
    notice = notice_of(planned["roux"])
    response = as_user(client, planned["paul"]).post(
        reverse("dunning:approve", args=[notice.pk]), {"next": reverse("dunning:review")})

    assert response.status_code == 302 and response["Location"] == reverse("dunning:review")
    notice.refresh_from_db()
    assert notice.status == ActionStatus.PLANNED and notice.decided_by == planned["paul"]
    assert events(notice, "action.approved") == 1


def test_approving_twice_is_refused_with_a_message(client, planned):
    notice = notice_of(planned["roux"])
    as_user(client, planned["claire"])
    client.post(reverse("dunning:approve", args=[notice.pk]))
    response = client.post(reverse("dunning:approve", args=[notice.pk]), follow=True)
    assert response.status_code == 200
    assert "Only an action awaiting approval can be approved." in response.content.decode()
    assert events(notice, "action.approved") == 1


def test_cancelling_needs_a_reason_and_records_it(client, planned):
    notice = notice_of(planned["roux"])
    as_user(client, planned["claire"])
    client.post(reverse("dunning:cancel", args=[notice.pk]), {"reason": "  "})
    notice.refresh_from_db()
    assert notice.status == ActionStatus.AWAITING_APPROVAL

    client.post(reverse("dunning:cancel", args=[notice.pk]), {"reason": "paid by cheque"})
    notice.refresh_from_db()
    assert notice.status == ActionStatus.CANCELLED
    event = Event.objects.get(type="action.cancelled", data__action=notice.pk)
    assert event.message == "paid by cheque" and event.actor == planned["claire"]


def test_a_redirect_after_a_decision_never_leaves_the_site(client, planned):
    notice = notice_of(planned["roux"])
    response = as_user(client, planned["claire"]).post(
        reverse("dunning:approve", args=[notice.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("dunning:action", args=[notice.pk])


# The action page -----------------------------------------------------------------------

def test_the_action_page_shows_the_facts_and_the_message_as_it_will_read(client, planned):
    notice = notice_of(planned["roux"])
    response = as_user(client, planned["claire"]).get(
        reverse("dunning:action", args=[notice.pk]))
    page = response.content.decode()

    assert response.context["message"].problem == ""
    assert "MISE EN DEMEURE" in response.context["message"].subject
    assert "RF74 ROUX" in response.context["message"].body
    assert "F-ROUX-1" in page and "Compta ROUX" in page


def test_an_english_customer_reads_the_english_template(client, planned):
    planned["roux"].language = "en"
    planned["roux"].save()
    notice = notice_of(planned["roux"])
    response = as_user(client, planned["claire"]).get(
        reverse("dunning:action", args=[notice.pk]))
    message = response.context["message"]
    assert message.language == "en"
    assert "FORMAL NOTICE" in message.subject.upper()


def test_editing_an_action_saves_its_text_and_recipient_and_tells_the_timeline(
        client, planned):
    reminder = reminder_of(planned["petit"])
    buyer = planned["petit"].contacts.get(role="purchasing")
    response = as_user(client, planned["paul"]).post(
        reverse("dunning:action", args=[reminder.pk]),
        {"subject": "Facture {{ invoices[0].number }}",
         "body": "Bonjour,\n\nMerci de régler {{ total.amount|money(total.currency) }}.\n",
         "note": "called, they want it in writing", "contact": buyer.pk})

    assert response.status_code == 302
    reminder.refresh_from_db()
    assert reminder.subject == "Facture {{ invoices[0].number }}"
    assert reminder.contact == buyer and reminder.note.startswith("called")
    assert events(reminder, "action.edited") == 1
    page = client.get(reverse("dunning:action", args=[reminder.pk]))
    assert page.context["message"].subject == "Facture F-PETIT-1"


def test_saving_the_template_unchanged_keeps_following_the_template(client, planned):
    reminder = reminder_of(planned["petit"])
    template = StepTemplate.objects.get(step=reminder.step, language="fr")
    as_user(client, planned["paul"]).post(
        reverse("dunning:action", args=[reminder.pk]),
        {"subject": template.subject, "body": template.body.replace("\n", "\r\n"),
         "note": "", "contact": reminder.contact_id})
    reminder.refresh_from_db()
    assert (reminder.subject, reminder.body) == ("", "")
    assert events(reminder, "action.edited") == 1


def test_a_template_error_is_shown_on_its_field_with_its_line_and_changes_nothing(
        client, planned):
    reminder = reminder_of(planned["petit"])
    response = as_user(client, planned["paul"]).post(
        reverse("dunning:action", args=[reminder.pk]),
        {"subject": "Rappel", "body": "Bonjour,\n\n{{ invoicez[0].number }}\n",
         "note": "", "contact": reminder.contact_id})

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["body"]
    assert "Line 3" in errors["body"][0] and "invoicez" in errors["body"][0]
    assert "Line 3" in response.content.decode()
    reminder.refresh_from_db()
    assert (reminder.subject, reminder.body) == ("", "")
    assert events(reminder, "action.edited") == 0


def test_a_text_that_fails_only_on_this_customers_data_is_refused_too(client, planned):
    reminder = reminder_of(planned["petit"])
    response = as_user(client, planned["paul"]).post(
        reverse("dunning:action", args=[reminder.pk]),
        {"subject": "Pour {{ contact.name }}", "body": "Bonjour\n", "note": "",
         "contact": ""})   # no named recipient: contact is None
    assert response.status_code == 200
    assert "subject" in response.context["form"].errors
    reminder.refresh_from_db()
    assert reminder.subject == "" and reminder.contact is not None


def test_a_broken_stored_template_shows_an_error_box_not_a_crash(client, planned):
    reminder = reminder_of(planned["petit"])
    Action.objects.filter(pk=reminder.pk).update(body="Hello {{ customer.nope }}\n")
    response = as_user(client, planned["claire"]).get(
        reverse("dunning:action", args=[reminder.pk]))
    assert response.status_code == 200
    assert "nope" in response.context["message"].problem
    assert "dn-error-box" in response.content.decode()


def test_a_decided_action_cannot_be_edited(client, planned):
    notice = notice_of(planned["roux"])
    as_user(client, planned["claire"])
    client.post(reverse("dunning:cancel", args=[notice.pk]), {"reason": "settled"})
    response = client.post(reverse("dunning:action", args=[notice.pk]),
                           {"subject": "x", "body": "y", "note": "", "contact": ""})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.subject == "" and events(notice, "action.edited") == 0
