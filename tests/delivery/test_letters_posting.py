"""Letters after the worker rendered them: the print batch, and recording them as
posted, one by one on the page or many at once from a CSV of tracking numbers.

The world: Ateliers Test SAS; Claire, a credit manager; Paul and Léa, collectors.
Paul's customers have no email address, so their reminders become letters: Boulangerie
Roux and Café Petit are one day late (simple letters), Garage Martin five weeks late (a
formal notice by registered letter, approved by Claire). Léa's Garage Lenoir gets a
simple letter too. The run plans them on Monday 15 June 2026; the worker renders them.
"""
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from relance.delivery import letters
from relance.delivery.channels import Postman
from relance.delivery.models import Message, MessageState
from relance.delivery.policy import Hours
from relance.delivery.sending import Config, Courier
from relance.dunning import actions
from relance.dunning.models import Action, ActionStatus
from relance.dunning.run import run_dunning
from relance.ledger.models import Event
from tests.dunning.world import D, creditor, customer, invoice, reminded, team
from tests.support.pdf import page_count, pdf_text

pytestmark = pytest.mark.django_db

MONDAY = D(2026, 6, 15)
TEN_AM = timezone.make_aware(dt.datetime(2026, 6, 15, 10, 0))
CONFIG = Config(Hours.parse("08:00-19:00"), lease_seconds=60, retry_seconds=60,
                max_attempts=3, max_per_minute=0)
TRACKING = "1A 123 456 7890 1"


@pytest.fixture
def world():
    company = creditor(email="relances@ateliers-test.example", city="Lyon")
    people = team("claire", "paul", "lea")
    found = {}
    for reference, name, owner, days_late in [
            ("ROUX", "Boulangerie Roux", "paul", 1), ("PETIT", "Café Petit", "paul", 1),
            ("MARTIN", "Garage Martin", "paul", 35), ("LENOIR", "Garage Lenoir", "lea", 1)]:
        found[reference] = customer(company, reference, emails=False, name=name,
                                    owner=people[owner],
                                    address_line1="12 rue des Lilas",
                                    postal_code="69003", city="Lyon")
        invoice(found[reference], "600.00", MONDAY - dt.timedelta(days=days_late),
                number=f"F-{reference}-1")
    reminded(found["MARTIN"], MONDAY - dt.timedelta(days=10))
    run_dunning(company, MONDAY)
    actions.approve(Action.objects.get(status=ActionStatus.AWAITING_APPROVAL),
                    people["claire"])
    courier = Courier(Postman(), CONFIG)
    while courier.handle_one(TEN_AM):
        pass
    return {"company": company, **people, **found}


def letter_of(customer):
    return Message.objects.get(action__customer=customer)


def as_user(client, user):
    client.force_login(user)
    return client


def today():
    return timezone.localdate()


def post_letters(client, chosen, posted_on=None, **tracking):
    data = {"letters": [letter.pk for letter in chosen],
            "posted_on": (posted_on or today()).isoformat(), **tracking}
    return client.post(reverse("outbox:letters"), data, HTTP_ACCEPT_LANGUAGE="en")


def import_csv(client, text, name="tracking.csv", posted_on=None):
    upload = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return client.post(reverse("outbox:import_tracking"),
                       {"file": upload, "posted_on": (posted_on or today()).isoformat()},
                       HTTP_ACCEPT_LANGUAGE="en")


def test_the_worker_rendered_every_letter_and_they_wait_in_the_print_batch(world):
    rendered = Message.objects.filter(state=MessageState.SENT, posted_on__isnull=True)
    assert sorted(rendered.values_list("channel", flat=True)) == [
        "letter", "letter", "letter", "registered_letter"]


def test_the_print_batch_pdf_has_the_pages_of_every_waiting_letter(client, world):
    response = as_user(client, world["claire"]).get(reverse("outbox:print_batch"),
                                                    HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (f'filename="print-batch-{today().isoformat()}.pdf"'
            in response["Content-Disposition"])
    batch = b"".join(response.streaming_content)
    sheets = 0
    for message in Message.objects.filter(state=MessageState.SENT):
        with message.attachments.get().file.open("rb") as handle:
            count = page_count(handle.read())
        sheets += count + count % 2      # duplex: every letter starts on a new sheet
    assert page_count(batch) == sheets
    text = pdf_text(batch)
    for number in ("F-ROUX-1", "F-PETIT-1", "F-MARTIN-1", "F-LENOIR-1"):
        assert number in text


def test_the_print_batch_of_one_day_is_named_after_it(client, world):
    response = as_user(client, world["paul"]).get(
        reverse("outbox:print_batch"), {"day": "2026-06-15"}, HTTP_ACCEPT_LANGUAGE="en")
    assert 'filename="print-batch-2026-06-15.pdf"' in response["Content-Disposition"]
    text = pdf_text(b"".join(response.streaming_content))
    assert "F-ROUX-1" in text and "F-MARTIN-1" in text
    assert "F-LENOIR-1" not in text       # Léa's customer, not Paul's


def test_the_letters_page_lists_a_collectors_waiting_letters_by_day(client, world):
    response = as_user(client, world["paul"]).get(reverse("outbox:letters"),
                                                  HTTP_ACCEPT_LANGUAGE="en")
    [(day, rows)] = response.context["days"]
    assert day == MONDAY
    assert {row[0].action.customer.name for row in rows} == {
        "Boulangerie Roux", "Café Petit", "Garage Martin"}
    assert letters.reference(letter_of(world["ROUX"])) in response.content.decode()


def test_posting_a_registered_letter_without_its_tracking_number_is_refused(client, world):
    notice = letter_of(world["MARTIN"])
    assert notice.channel == "registered_letter"
    response = post_letters(as_user(client, world["claire"]),
                            [notice, letter_of(world["ROUX"])])
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[f"tracking_{notice.pk}"] == [
        "A registered letter needs its tracking number."]
    assert "A registered letter needs its tracking number." in response.content.decode()
    assert not Message.objects.filter(posted_on__isnull=False).exists()
    assert not Event.objects.filter(type="letter.posted").exists()


def test_posting_letters_records_the_day_and_tracking_number_on_the_timeline(client,
                                                                             world):
    notice, simple = letter_of(world["MARTIN"]), letter_of(world["ROUX"])
    posted_on = D(2026, 6, 16)
    response = post_letters(as_user(client, world["paul"]), [notice, simple], posted_on,
                            **{f"tracking_{notice.pk}": TRACKING})
    assert response.status_code == 302
    notice.refresh_from_db()
    simple.refresh_from_db()
    assert (notice.posted_on, notice.tracking_number) == (posted_on, "1A12345678901")
    assert (simple.posted_on, simple.tracking_number) == (posted_on, "")
    event = Event.objects.get(type="letter.posted", customer=world["MARTIN"])
    assert event.actor == world["paul"]
    assert event.data == {"message": notice.pk, "action": notice.action_id,
                          "postage": "registered", "tracking_number": "1A12345678901",
                          "posted_on": "2026-06-16"}
    page = client.get(reverse("outbox:letters"), HTTP_ACCEPT_LANGUAGE="en")
    assert {row[0].pk for _, rows in page.context["days"] for row in rows} == {
        letter_of(world["PETIT"]).pk}
    again = post_letters(client, [notice], posted_on, **{f"tracking_{notice.pk}": TRACKING})
    assert again.status_code == 200 and "letters" in again.context["form"].errors


def test_a_posting_date_in_the_future_or_before_printing_is_refused(client, world):
    simple = letter_of(world["ROUX"])
    as_user(client, world["claire"])
    future = post_letters(client, [simple], today() + dt.timedelta(days=1))
    assert "posted_on" in future.context["form"].errors
    early = post_letters(client, [simple], MONDAY - dt.timedelta(days=1))
    assert "posted_on" in early.context["form"].errors
    simple.refresh_from_db()
    assert simple.posted_on is None


def test_a_tracking_csv_with_a_bad_line_changes_nothing_and_names_the_line(client, world):
    notice, simple = letter_of(world["MARTIN"]), letter_of(world["ROUX"])
    csv = ("letter;tracking_number;posted_on\n"
           f"{letters.reference(notice)};{TRACKING};16/06/2026\n"
           f"{simple.pk};1A-12;16/06/2026\n")
    response = import_csv(as_user(client, world["claire"]), csv)
    assert response.status_code == 400
    [problem] = response.context["report"].problems
    assert (problem.file, problem.line, problem.column) == ("tracking.csv", 3,
                                                            "tracking_number")
    assert "tracking.csv, line 3, column tracking_number" in response.content.decode()
    assert not Message.objects.filter(posted_on__isnull=False).exists()
    assert not Event.objects.filter(type="letter.posted").exists()


def test_a_tracking_csv_posts_its_letters_and_importing_it_again_changes_nothing(client,
                                                                                world):
    notice, simple = letter_of(world["MARTIN"]), letter_of(world["ROUX"])
    csv = ("Letter,Tracking number,Posted on\n"
           f"{letters.reference(notice)}.pdf,{TRACKING},2026-06-16\n"
           f"{simple.pk},,\n")
    as_user(client, world["paul"])
    assert import_csv(client, csv, posted_on=D(2026, 6, 17)).status_code == 302
    notice.refresh_from_db()
    simple.refresh_from_db()
    assert (notice.posted_on, notice.tracking_number) == (D(2026, 6, 16), "1A12345678901")
    assert (simple.posted_on, simple.tracking_number) == (D(2026, 6, 17), "")
    response = import_csv(client, csv, posted_on=D(2026, 6, 17))
    assert response.status_code == 302
    assert Event.objects.filter(type="letter.posted").count() == 2


def test_a_tracking_csv_cannot_post_another_collectors_letter(client, world):
    other = letter_of(world["LENOIR"])
    response = import_csv(as_user(client, world["paul"]),
                          f"message_id,tracking_number\n{other.pk},{TRACKING}\n")
    [problem] = response.context["report"].problems
    assert (problem.line, problem.column) == (2, "letter")
    other.refresh_from_db()
    assert other.posted_on is None


def test_a_tracking_csv_without_the_needed_columns_says_which(client, world):
    response = import_csv(as_user(client, world["claire"]), "number;date\n1;2026-06-16\n")
    [problem] = response.context["report"].problems
    assert problem.line == 1 and "tracking_number" in problem.message


@pytest.mark.parametrize("typed, kept", [
    ("1A 123 456 7890 1", "1A12345678901"),
    ("rr123456789fr", "RR123456789FR"),
    ("  12345678 ", "12345678"),
])
def test_tracking_numbers_lose_their_spaces(typed, kept):
    assert letters.normalise_tracking(typed) == kept


@pytest.mark.parametrize("typed", ["1A-123", "1234567", "1" * 21, "", "1A 12é 456 7890"])
def test_a_tracking_number_that_cannot_be_one_is_refused(typed):
    with pytest.raises(ValueError):
        letters.normalise_tracking(typed)


def test_a_file_that_is_not_text_is_refused_without_error(client, world):
    upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.7\x00\x01\x02", content_type="text/csv")
    response = as_user(client, world["claire"]).post(
        reverse("outbox:import_tracking"), {"file": upload, "posted_on": "2026-06-16"},
        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    [problem] = response.context["report"].problems
    assert problem.file == "scan.pdf" and "binary" in problem.message
