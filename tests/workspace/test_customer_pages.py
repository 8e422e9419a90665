"""A credit manager works through the customer list and opens a late payer's file
(collectors see their own portfolio only: tests/web/test_roles.py).

The world: Atelier Dupont sells on credit to a good payer (everything paid, one
invoice not yet due), a late payer (45 and 100 days late) and a disputing customer
(one invoice contested, 10 days late). Julien manages credit; he is also named the
late payer's collector.
"""
from decimal import Decimal

import pytest
from django.urls import reverse

from relance.ledger import timeline
from relance.ledger.models import Company, Contact, ContactRole, Customer
from relance.team.models import User
from tests.support.ledger_builders import days_ago, dispute, invoice, paid_invoice


@pytest.fixture
def julien(db):
    return User.objects.create_user("julien@atelier-dupont.fr", "pw", role="credit_manager",
                                    first_name="Julien", last_name="Petit")


@pytest.fixture
def world(db, julien):
    creditor = Company.objects.create(name="Atelier Dupont SAS")
    good = Customer.objects.create(company=creditor, reference="C-GOOD", name="Bon Payeur SA",
                                   segment="PME", siren="732829320")
    paid_invoice(good, "1200.00", due_days_ago=20, reference="VIR-001")
    invoice(good, "500.00", due_days_ago=-10)
    late = Customer.objects.create(company=creditor, reference="C-LATE", owner=julien,
                                   name="Retard & Fils", segment="Grands comptes")
    invoice(late, "3000.00", due_days_ago=45, number="F-LATE-45")
    invoice(late, "700.00", due_days_ago=100, number="F-LATE-100")
    Contact.objects.create(customer=late, name="Marie Compta", email="compta@retard.fr",
                           role=ContactRole.ACCOUNTS_PAYABLE, preferred=True,
                           email_bounced=True)
    timeline.record(creditor, "reminder.sent", customer=late, actor_label="system",
                    message="First reminder")
    contesting = Customer.objects.create(company=creditor, reference="C-DISP",
                                         name="Litigieux SARL", segment="PME")
    dispute(invoice(contesting, "900.00", due_days_ago=10, number="F-DISP-10"))
    return {"creditor": creditor, "good": good, "late": late, "contesting": contesting}


@pytest.fixture
def client_of(client, julien):
    client.force_login(julien)
    return client


def names_listed(response):
    return [c.name for c in response.context["page"].object_list]


def test_the_list_shows_each_customer_with_balance_and_overdue(client_of, world):
    response = client_of.get(reverse("web:customers"))

    assert response.status_code == 200
    assert names_listed(response) == ["Bon Payeur SA", "Litigieux SARL", "Retard & Fils"]
    late = response.context["page"].object_list[2]
    assert (late.balance, late.overdue, late.oldest_days_late) == (
        Decimal("3700.00"), Decimal("3700.00"), 100)
    good = response.context["page"].object_list[0]
    assert (good.balance, good.overdue, good.oldest_days_late) == (
        Decimal("500.00"), Decimal("0"), None)


def test_the_overdue_filter_leaves_out_a_customer_with_nothing_overdue(client_of, world):
    response = client_of.get(reverse("web:customers"), {"overdue": "on"})

    assert names_listed(response) == ["Litigieux SARL", "Retard & Fils"]


def test_search_finds_a_customer_by_reference_name_or_siren(client_of, world):
    url = reverse("web:customers")

    assert names_listed(client_of.get(url, {"q": "c-late"})) == ["Retard & Fils"]
    assert names_listed(client_of.get(url, {"q": "litig"})) == ["Litigieux SARL"]
    assert names_listed(client_of.get(url, {"q": "732 829"})) == ["Bon Payeur SA"]


def test_segment_and_collector_filters(client_of, world, julien):
    url = reverse("web:customers")

    assert names_listed(client_of.get(url, {"segment": "PME"})) == [
        "Bon Payeur SA", "Litigieux SARL"]
    assert names_listed(client_of.get(url, {"owner": julien.pk})) == ["Retard & Fils"]


def test_sorting_by_overdue_puts_the_latest_payer_first(client_of, world):
    url = reverse("web:customers")

    assert names_listed(client_of.get(url, {"sort": "-overdue"})) == [
        "Retard & Fils", "Litigieux SARL", "Bon Payeur SA"]
    assert names_listed(client_of.get(url, {"sort": "balance"})) == [
        "Bon Payeur SA", "Litigieux SARL", "Retard & Fils"]


def test_sorting_and_filtering_together_combine(client_of, world):
    response = client_of.get(reverse("web:customers"),
                             {"sort": "-balance", "overdue": "on", "segment": "PME"})

    assert names_listed(response) == ["Litigieux SARL"]


def test_a_bad_filter_value_is_ignored_not_an_error(client_of, world):
    response = client_of.get(reverse("web:customers"), {"sort": "drop table", "owner": "x"})

    assert response.status_code == 200
    assert len(names_listed(response)) == 3


def test_the_list_stays_at_a_fixed_number_of_queries(client_of, world,
                                                     django_assert_max_num_queries):
    creditor = world["creditor"]
    for n in range(60):
        customer = Customer.objects.create(company=creditor, reference=f"C-{n:03d}",
                                           name=f"Client {n:03d}")
        invoice(customer, "100.00", due_days_ago=n)

    # the page's own queries, plus the layout's counters a manager sees (awaiting
    # approval, calls, failed messages with their company, unread notifications)
    with django_assert_max_num_queries(14):
        response = client_of.get(reverse("web:customers"), {"sort": "-overdue"})
    with django_assert_max_num_queries(14):
        client_of.get(reverse("web:customers"), {"page": 2, "overdue": "on"})

    assert len(response.context["page"].object_list) == 50


def test_the_late_payers_file_shows_aging_contacts_and_timeline(client_of, world):
    url = reverse("web:customer", args=[world["late"].pk])
    response = client_of.get(url)

    assert response.status_code == 200
    aging = {key: amount for _label, key, amount in response.context["aging_rows"]}
    assert aging == {"not_due": 0, "1_30": 0, "31_60": Decimal("3000.00"),
                     "61_90": 0, "over_90": Decimal("700.00")}
    page = response.content.decode()
    assert "F-LATE-45" in page and "F-LATE-100" in page
    assert "compta@retard.fr" in client_of.get(url, {"tab": "contacts"}).content.decode()
    timeline_tab = client_of.get(url, {"tab": "timeline"}).content.decode()
    assert "reminder.sent" in timeline_tab and "First reminder" in timeline_tab


def test_a_disputed_invoice_carries_a_badge_on_the_customer_page(client_of, world):
    response = client_of.get(reverse("web:customer", args=[world["contesting"].pk]))

    [disputed] = response.context["open_invoices"]
    assert disputed.disputed is True
    assert 'class="badge danger"' in response.content.decode()


def test_the_good_payers_file_lists_its_payment(client_of, world):
    response = client_of.get(reverse("web:customer", args=[world["good"].pk]))

    assert "VIR-001" in response.content.decode()
    assert [i.disputed for i in response.context["open_invoices"]] == [False]


def test_an_unknown_customer_is_a_404(client_of, world):
    assert client_of.get(reverse("web:customer", args=[999999])).status_code == 404


def test_home_is_the_dashboard(client_of):
    # The dashboard (relance.insights, tests/insights/) replaced the redirect.
    assert client_of.get(reverse("web:home")).templates[0].name.startswith("insights/")


def test_only_a_hold_still_running_shows_in_the_list(client_of, world):
    Customer.objects.filter(pk=world["late"].pk).update(hold_reason="Negotiating",
                                                        hold_until=days_ago(-5))
    Customer.objects.filter(pk=world["good"].pk).update(hold_reason="Old hold",
                                                        hold_until=days_ago(5))

    customers = client_of.get(reverse("web:customers")).context["page"].object_list

    assert {c.name: c.on_hold for c in customers} == {
        "Bon Payeur SA": False, "Litigieux SARL": False, "Retard & Fils": True}


def test_timeline_events_read_in_words_in_french(client_of, world):
    timeline.record(world["creditor"], "dispute.opened", customer=world["contesting"],
                    actor_label="import")

    response = client_of.get(reverse("web:customer", args=[world["contesting"].pk]),
                             {"tab": "timeline"})

    assert '<span class="event-type" title="dispute.opened">Litige ouvert</span>' in (
        response.content.decode())
