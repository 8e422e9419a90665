"""The action log as data: `relance actions export` and the actions page list every
action planned or sent in a window of days, with its customer, step, channel, status
and the invoices it claimed.

The world: Ateliers Test runs its dunning on Monday 15 June 2026 for Late SARL (one
invoice a day late: a friendly email) and Paul's customer Other SA (a letter), and
once more on Monday 1 June for an older reminder of Late SARL, which went out on the
16th."""
import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from relance.delivery.models import MessageState
from relance.dunning.models import Action
from relance.dunning.run import run_dunning
from tests.dunning.world import D, creditor, customer, invoice, team

pytestmark = pytest.mark.django_db

MONDAY = D(2026, 6, 15)


@pytest.fixture
def world():
    company = creditor()
    people = team("claire", "paul", "lea", "sam")
    late = customer(company, "LATE", name="Late SARL", owner=people["lea"])
    other = customer(company, "OTHER", name="Other SA", owner=people["paul"], emails=False)
    early = invoice(late, "500.00", D(2026, 5, 31), number="F-EARLY")
    run_dunning(company, D(2026, 6, 1))
    older = Action.objects.get()
    message = older.messages.get()
    message.state, message.sent_at = MessageState.SENT, timezone.make_aware(
        dt.datetime(2026, 6, 16, 9, 30))
    message.save()
    early.open_amount, early.status = 0, "paid"
    early.save()
    invoice(late, "120.00", MONDAY - dt.timedelta(days=1), number="F-LATE")
    invoice(other, "80.00", MONDAY - dt.timedelta(days=1), number="F-OTHER")
    run_dunning(company, MONDAY)
    return {"company": company, "people": people, "older": older}


def export(*args):
    out = io.StringIO()
    call_command("actions", "export", *args, stdout=out)
    return out.getvalue()


def test_the_json_export_lists_each_action_of_the_window_with_its_invoices(world):
    entries = json.loads(export("--from", "2026-06-15", "--to", "2026-06-15", "--json"))
    by_customer = {e["customer_ref"]: e for e in entries}
    assert set(by_customer) == {"LATE", "OTHER"}
    late = by_customer["LATE"]
    assert (late["planned_on"], late["channel"], late["status"]) == (
        "2026-06-15", "email", "planned")
    assert late["step"] == "Friendly reminder"
    assert late["invoices"] == [{"number": "F-LATE", "amount": "120.00"}]
    assert by_customer["OTHER"]["channel"] == "letter"


def test_an_action_planned_before_the_window_counts_when_it_went_out_in_it(world):
    entries = json.loads(export("--from", "2026-06-16", "--to", "2026-06-30", "--json"))
    [older] = entries
    assert older["planned_on"] == "2026-06-01" and older["sent_at"].startswith("2026-06-16")
    assert older["invoices"] == [{"number": "F-EARLY", "amount": "500.00"}]
    assert json.loads(export("--from", "2026-05-01", "--to", "2026-05-31", "--json")) == []


def test_without_json_the_export_is_csv_one_row_an_action(world):
    rows = list(csv.DictReader(io.StringIO(export("--from", "2026-06-01", "--to",
                                                  "2026-06-15")), delimiter=";"))
    assert [r["customer_ref"] for r in rows] == ["LATE", "LATE", "OTHER"]
    assert rows[0]["invoices"] == "F-EARLY (500.00)"


@pytest.mark.parametrize("args, said", [
    (["--from", "2026-06-31", "--to", "2026-07-01"], "--from 2026-06-31: not a date"),
    (["--from", "2026-06-15", "--to", "15/06/2026"], "--to 15/06/2026: not a date"),
    (["--from", "2026-06-16", "--to", "2026-06-15"], "is after --to"),
])
def test_a_bad_window_is_refused_with_the_option_named(world, args, said):
    with pytest.raises(CommandError, match=said):
        export(*args)


# The actions page

def page(client, user, **query):
    client.force_login(user)
    return client.get(reverse("dunning:actions"), query)


def test_the_page_filters_the_window_by_channel_and_exports_what_it_shows(client, world):
    claire = world["people"]["claire"]
    shown = page(client, claire, start="2026-06-01", end="2026-06-30", channel="letter")
    assert [a.customer.reference for a in shown.context["page"].object_list] == ["OTHER"]
    exported = page(client, claire, start="2026-06-01", end="2026-06-30", channel="email",
                    format="csv")
    text = b"".join(exported.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 3 and all(row[1] == "LATE" for row in rows[1:])
    assert "F-EARLY (500.00)" in text and "F-LATE (120.00)" in text


def test_a_collector_sees_the_actions_of_their_own_customers_only(client, world):
    shown = page(client, world["people"]["paul"], start="2026-06-01", end="2026-06-30")
    assert [a.customer.reference for a in shown.context["page"].object_list] == ["OTHER"]


def test_a_window_ending_before_it_starts_is_a_form_error_and_lists_nothing(client, world):
    shown = page(client, world["people"]["claire"], start="2026-06-30", end="2026-06-01")
    assert shown.status_code == 200
    assert "end" in shown.context["form"].errors
    assert list(shown.context["page"].object_list) == []


def test_sales_reps_do_not_see_the_actions_page(client, world):
    assert page(client, world["people"]["sam"]).status_code == 403
