"""Who may see the back office, and in which language.

The world: one creditor with a late payer and one invoice, and Claire, a credit
manager whose browser says nothing about languages (French is the default).
"""
import pytest
from django.urls import reverse

from relance.ledger.models import Company, Customer
from relance.team.models import User
from tests.support.ledger_builders import invoice


@pytest.fixture
def world(db):
    creditor = Company.objects.create(name="Atelier Dupont SAS")
    late = Customer.objects.create(company=creditor, reference="C-LATE", name="Retard & Fils")
    return {"late": late, "invoice": invoice(late, "700.00", due_days_ago=100)}


@pytest.fixture
def claire(db):
    return User.objects.create_user("claire@atelier-dupont.fr", "pw", role="credit_manager",
                                    first_name="Claire", last_name="Martin")


def page_urls(world):
    return [reverse("web:home"), reverse("web:customers"), reverse("web:invoices"),
            reverse("web:customer", args=[world["late"].pk]),
            reverse("web:invoice", args=[world["invoice"].pk])]


def test_every_page_sends_an_anonymous_visitor_to_the_login(client, world):
    for url in page_urls(world):
        response = client.get(url)

        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_every_page_renders_for_a_logged_in_user(client, world, claire):
    client.force_login(claire)

    for url in page_urls(world):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert "Claire Martin" in response.content.decode(), url


def test_logging_in_with_email_and_password_opens_the_dashboard(client, world, claire):
    response = client.post(reverse("login"), {"username": "claire@atelier-dupont.fr",
                                              "password": "pw"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("web:home")
    assert "Retard &amp; Fils" in response.content.decode()   # its top overdue customer


def test_the_login_page_speaks_french_by_default(client, db):
    page = client.get(reverse("login")).content.decode()

    assert "Se connecter" in page and "Mot de passe" in page


def test_the_pages_speak_french_by_default(client, world, claire):
    client.force_login(claire)

    page = client.get(reverse("web:customers")).content.decode()
    detail = client.get(reverse("web:customer", args=[world["late"].pk])).content.decode()

    assert "Clients" in page and "Encours" in page and "Se déconnecter" in page
    assert "Balance âgée" in detail and "Plus de 90 jours" in detail


def test_switching_to_english_translates_the_pages(client, world, claire):
    client.force_login(claire)

    client.post(reverse("set_language"), {"language": "en", "next": "/customers/"})
    page = client.get(reverse("web:customers")).content.decode()
    detail = client.get(reverse("web:customer", args=[world["late"].pk])).content.decode()

    assert "Customers" in page and "Open balance" in page and "Log out" in page
    assert "Aging balance" in detail and "Over 90 days" in detail


def test_the_admin_link_is_shown_to_staff_only(client, world, claire):
    client.force_login(claire)
    assert reverse("admin:index") not in client.get(reverse("web:customers")).content.decode()

    claire.is_staff = True
    claire.save()
    assert reverse("admin:index") in client.get(reverse("web:customers")).content.decode()
