"""A credit manager searches the invoices of the whole ledger and opens one
(a collector's list holds their own customers' invoices: tests/web/test_roles.py).

The world: a good payer with a paid invoice and one not due, a late payer 45 and 100
days late (one invoice partly paid, then credited), a disputing customer 10 days late.
"""
from decimal import Decimal

import pytest
from django.urls import reverse

from relance.dunning import stops
from relance.ledger import timeline
from relance.ledger.models import Allocation, Company, Customer, InvoiceKind, InvoiceStatus
from relance.team.models import User
from relance.workspace.views import invoices as invoice_views
from tests.support.ledger_builders import days_ago, dispute, invoice, paid_invoice


@pytest.fixture
def world(db):
    creditor = Company.objects.create(name="Atelier Dupont SAS")
    good = Customer.objects.create(company=creditor, reference="C-GOOD", name="Bon Payeur SA")
    paid_invoice(good, "1200.00", due_days_ago=20, reference="VIR-001", number="G-PAID")
    invoice(good, "500.00", due_days_ago=-10, number="G-NOT-DUE")
    late = Customer.objects.create(company=creditor, reference="C-LATE", name="Retard & Fils")
    partly_paid = invoice(late, "3000.00", due_days_ago=45, number="L-45",
                          open_amount=Decimal("2500.00"))
    credit = invoice(late, "500.00", due_days_ago=45, number="AV-1",
                     kind=InvoiceKind.CREDIT_NOTE, open_amount=Decimal("0"),
                     status=InvoiceStatus.PAID)
    Allocation.objects.create(invoice=partly_paid, credit_note=credit,
                              amount=Decimal("500.00"), date=days_ago(40))
    invoice(late, "700.00", due_days_ago=100, number="L-100")
    timeline.record(creditor, "invoice.imported", invoice=partly_paid, actor_label="import",
                    message="From invoices.csv")
    contesting = Customer.objects.create(company=creditor, reference="C-DISP",
                                         name="Litigieux SARL")
    disputed = invoice(contesting, "900.00", due_days_ago=10, number="D-10")
    dispute(disputed, comment="Unit price is wrong")
    return {"partly_paid": partly_paid, "credit": credit, "disputed": disputed}


@pytest.fixture
def client_of(client, db):
    client.force_login(User.objects.create_user("sophie@atelier-dupont.fr", "pw",
                                                role="credit_manager"))
    return client


def numbers(response):
    return [i.number for i in response.context["page"].rows]


def test_unfiltered_the_newest_invoices_come_first(client_of, world):
    response = client_of.get(reverse("web:invoices"))

    assert response.status_code == 200
    assert numbers(response) == ["D-10", "L-100", "AV-1", "L-45", "G-NOT-DUE", "G-PAID"]


@pytest.mark.parametrize(("params", "expected"), [
    ({"status": "open"}, {"D-10", "L-100", "L-45", "G-NOT-DUE"}),
    ({"status": "paid"}, {"AV-1", "G-PAID"}),
    ({"overdue": "on"}, {"D-10", "L-100", "L-45"}),
    ({"bucket": "1_30"}, {"D-10"}),
    ({"bucket": "31_60"}, {"L-45"}),
    ({"bucket": "over_90"}, {"L-100"}),
    ({"bucket": "not_due"}, {"G-NOT-DUE"}),
    ({"amount_min": "800", "amount_max": "1000"}, {"D-10"}),
    ({"q": "retard"}, {"L-45", "AV-1", "L-100"}),
    ({"q": "C-DISP"}, {"D-10"}),
    ({"q": "L-100"}, {"L-100"}),
])
def test_filters_narrow_the_list(client_of, world, params, expected):
    found = set(numbers(client_of.get(reverse("web:invoices"), params)))

    assert found == expected


def test_keyset_pages_walk_older_and_back_newer(client_of, world, monkeypatch):
    monkeypatch.setattr(invoice_views, "PAGE_SIZE", 4)
    url = reverse("web:invoices")

    first = client_of.get(url).context["page"]
    second = client_of.get(url, {"before": first.older_than}).context["page"]
    back = client_of.get(url, {"after": second.newer_than}).context["page"]

    assert len(first.rows) == 4 and first.newer_than is None
    assert len(second.rows) == 2 and second.older_than is None
    assert [i.pk for i in back.rows] == [i.pk for i in first.rows]
    assert back.newer_than is None


def test_the_list_marks_the_disputed_invoice(client_of, world):
    rows = client_of.get(reverse("web:invoices"), {"q": "D-10"}).context["page"].rows

    assert [i.disputed for i in rows] == [True]


def test_the_invoice_page_shows_its_allocations_and_timeline(client_of, world):
    response = client_of.get(reverse("web:invoice", args=[world["partly_paid"].pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "AV-1" in page and "invoice.imported" in page and "From invoices.csv" in page
    assert response.context["invoice"].late == 45


def test_the_credit_note_page_shows_what_it_was_applied_to(client_of, world):
    response = client_of.get(reverse("web:invoice", args=[world["credit"].pk]))

    assert [a.invoice.number for a in response.context["applied_to"]] == ["L-45"]


def test_the_invoice_page_shows_its_open_dispute(client_of, world):
    response = client_of.get(reverse("web:invoice", args=[world["disputed"].pk]))

    assert "Unit price is wrong" in response.content.decode()
    assert response.context["invoice"].disputed is True


def test_a_disputed_invoice_says_its_reminders_are_paused_and_why(client_of, world):
    response = client_of.get(reverse("web:invoice", args=[world["disputed"].pk]))
    assert response.context["reminders_stopped"] == stops.LABELS[stops.DISPUTED]
    assert 'class="reminders-state stopped"' in response.content.decode()


def test_an_open_invoice_nothing_stops_says_its_reminders_go_on(client_of, world):
    response = client_of.get(reverse("web:invoice", args=[world["partly_paid"].pk]))
    assert response.context["reminders_checked"] is True
    assert response.context["reminders_stopped"] is None


def test_a_paid_invoice_says_nothing_of_reminders(client_of, world):
    response = client_of.get(reverse("web:invoice", args=[world["credit"].pk]))
    assert "reminders_checked" not in response.context
    assert 'id="reminders-state"' not in response.content.decode()


def test_the_invoice_list_runs_a_fixed_number_of_queries(client_of, world,
                                                         django_assert_max_num_queries):
    # session, user, customers, invoices, disputes; the layout's counters (awaiting
    # approval, calls, failed messages with their company, unread notifications)
    with django_assert_max_num_queries(11):
        client_of.get(reverse("web:invoices"), {"status": "open", "q": "retard"})
