"""One claim: on a date, every document that claims a customer's late invoices shows
the same figure for them, to the cent (docs/legal.md, "One claim").

A property over random histories: a few invoices due over several half-years, some
partly paid (one payment or two), some corrected by a credit note, some paid in full,
some not yet due. The customer is then sent a formal notice about every late open
invoice, and on that day:

- the formal notice's text and its letter (the PDF that is posted),
- the statement of claim (its totals and its CSV),
- the court's dossier (cerfa-12946.json) and the agency's (agency-mandate.json),
- the debtor's portal (what the last formal notice claims as of today)

must claim one total. Histories are drawn from seeded generators: a failure names its
seed, and the same seed draws the same history again.
"""
import csv
import datetime as dt
import io
import json
import random
import zipfile
from decimal import Decimal

import pytest
from django.utils import timezone

from relance.compose import formatting
from relance.compose.documents.letters import letter_pdf
from relance.compose.documents.rendering import Formats
from relance.compose.documents.statement import statement_csv_text
from relance.compose.wording import message_for
from relance.delivery.models import Message, MessageState
from relance.dunning.models import Action, ActionStatus, Channel, Step
from relance.ledger.claims import customer_statement
from relance.ledger.models import Allocation, Invoice, InvoiceKind, InvoiceStatus, Payment
from relance.portal.statement import claimed
from relance.recovery.dossier import AGENCY, COURT, write_dossier
from tests.dunning.world import D, creditor, customer, invoice
from tests.support.pdf import pdf_text, plain

pytestmark = pytest.mark.django_db

TODAY = D(2026, 6, 15)
CENT = Decimal("0.01")
SEEDS = range(8)


def history(rnd, lenoir):
    """Draw the customer's invoices, payments and credit notes; the first invoice is
    always late and open, so that there is something to claim."""
    for index in range(rnd.randint(1, 5)):
        amount = Decimal(rnd.randint(10_000, 900_000)) * CENT
        due = TODAY - dt_days(rnd.randint(1, 520) if index == 0 or rnd.random() < .8
                              else -rnd.randint(0, 30))
        billed = invoice(lenoir, str(amount), due, number=f"F-{index + 1}")
        left = amount
        for kind in rnd.sample(["payment", "payment", "credit", "none", "none"], 2):
            if kind == "none" or left <= 2:
                continue
            part = (Decimal(rnd.randint(1, int(left * 100) - 1)) * CENT
                    if index == 0 or rnd.random() < .8 else left)
            day = min(TODAY - dt_days(1), due + dt_days(rnd.randint(-20, 200)))
            if kind == "credit":
                note = Invoice.objects.create(
                    company=lenoir.company, customer=lenoir, kind=InvoiceKind.CREDIT_NOTE,
                    number=f"AV-{index + 1}", issue_date=day, due_date=day, currency="EUR",
                    amount_excl_tax=part, vat=0, amount_total=part, open_amount=0,
                    status=InvoiceStatus.PAID)
                Allocation.objects.create(invoice=billed, credit_note=note, amount=part,
                                          date=day)
            else:
                payment = Payment.objects.create(
                    company=lenoir.company, customer=lenoir, reference=f"VIR-{index}-{day}",
                    date=day, currency="EUR", amount=part, unapplied_amount=0)
                Allocation.objects.create(invoice=billed, payment=payment, amount=part,
                                          date=day)
            left -= part
        billed.open_amount = left
        if left == 0:
            billed.status, billed.paid_on = InvoiceStatus.PAID, TODAY - dt_days(1)
        billed.save()


def dt_days(days):
    return dt.timedelta(days=days)


def formal_notice(lenoir):
    """The formal notice about every late open invoice, as the run writes it."""
    step = Step.objects.get(scenario__company=lenoir.company, scenario__is_default=True,
                            tone="formal_notice")
    late = list(Invoice.objects.filter(customer=lenoir, kind=InvoiceKind.INVOICE,
                                       open_amount__gt=0, due_date__lt=TODAY)
                .order_by("due_date", "number"))
    return Action.objects.create(
        company=lenoir.company, customer=lenoir, step=step, planned_on=TODAY,
        currency="EUR", channel=Channel.REGISTERED_LETTER, tone=step.tone,
        contact=lenoir.contacts.order_by("pk").first(),
        amount=sum(i.open_amount for i in late),
        summary={"scenario": step.scenario.name, "step": step.name,
                 "invoices": [i.pk for i in late], "others": []})


def dossier_json(lenoir, purpose, member):
    out = io.BytesIO()
    write_dossier(lenoir, TODAY, out, purpose=purpose, language="en")
    with zipfile.ZipFile(out) as archive:
        return json.loads(archive.read(member))


@pytest.mark.parametrize("seed", SEEDS)
def test_every_document_claims_the_same_total_on_the_same_day(seed):
    lenoir = customer(creditor(), "LENOIR", name="Garage Lenoir")
    history(random.Random(seed), lenoir)
    action = formal_notice(lenoir)

    wording = message_for(action, TODAY, portal_url="")
    assert wording.problem == ""
    total = wording.context["claim"]["total"]
    in_text = formatting.money(total, "EUR", formatting.locale(wording.language))
    assert in_text in wording.body

    letter = letter_pdf(wording.context, wording.subject, wording.body, wording.language,
                        registered=True)
    assert plain(Formats(wording.language).money(total, "EUR")) in pdf_text(letter)

    statement = customer_statement(lenoir, TODAY)
    assert statement.totals["EUR"].total == total
    rows = list(csv.reader(io.StringIO(statement_csv_text(statement, french=False))))
    assert Decimal(rows[-1][-1]) == total

    court = dossier_json(lenoir, COURT, "cerfa-12946.json")
    agency = dossier_json(lenoir, AGENCY, "agency-mandate.json")
    assert Decimal(court["amounts"]["total"]) == total
    assert Decimal(agency["breakdown"]["total"]) == total

    at = timezone.make_aware(dt.datetime(2026, 6, 15, 9, 0))
    Message.objects.create(company=lenoir.company, action=action,
                           channel=Channel.REGISTERED_LETTER, state=MessageState.SENT,
                           available_at=at, created_at=at, sent_at=at,
                           invoices=action.summary["invoices"])
    action.status = ActionStatus.DONE
    action.save()
    on_portal = claimed(lenoir, TODAY)
    assert (on_portal.notice_sent_on, on_portal.totals[0]["total"]) == (TODAY, total)
