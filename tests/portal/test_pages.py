"""Retard & Fils opens its portal: the statement, the PDFs, the language; the portal
needs no back-office login and closes as soon as its link is no longer valid."""
from django.urls import reverse
from django.utils import timezone

from relance.portal import links
from relance.portal.models import PortalLink
from tests.portal import world
from tests.support.pdf import page_texts, pdf_text


def test_the_statement_lists_open_invoices_credit_notes_payments_and_the_total_due(debtor):
    page = debtor.get(reverse("portal:home")).content.decode()
    assert "F-001" in page and "F-002" in page and "AV-001" in page
    assert "1\u202f400,00\u00a0€" in page or "1\u00a0400,00\u00a0€" in page   # 1200 + 300 - 100
    assert "F-900" not in page              # Autre SA's invoice


def test_the_portal_needs_no_back_office_login(client, story):
    world.portal_client(client, story["late"])
    assert client.get(reverse("portal:home")).status_code == 200
    assert client.get(reverse("web:customers")).status_code == 302      # still login-only


def test_without_a_link_the_portal_is_closed(client, story):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 403
    assert "Retard" not in response.content.decode()


def test_an_email_button_opens_the_portal_on_its_action_and_drops_the_token(client, story):
    _link, token = links.issue(story["late"], timezone.now())
    response = client.get(reverse("portal:open_action", args=[token, "promise"]))
    assert response.status_code == 302 and response["Location"] == reverse("portal:promise")
    assert token not in response["Location"]


def test_an_unknown_action_in_a_link_opens_nothing(client, story):
    _link, token = links.issue(story["late"], timezone.now())
    assert client.get(reverse("portal:open_action", args=[token, "admin"])).status_code == 404


def test_revoking_the_link_closes_an_open_portal_at_once(debtor, story):
    links.revoke_all(story["late"], timezone.now())
    assert debtor.get(reverse("portal:home")).status_code == 403
    assert debtor.get(reverse("portal:statement_pdf")).status_code == 403


def test_an_expired_link_closes_an_open_portal(debtor, story):
    PortalLink.objects.update(expires_at=timezone.now())
    assert debtor.get(reverse("portal:home")).status_code == 403


def test_an_expired_link_does_not_open(client, story):
    link, token = links.issue(story["late"], timezone.now())
    PortalLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())
    assert client.get(reverse("portal:open", args=[token])).status_code == 404


def test_each_invoice_downloads_as_a_pdf(debtor, story):
    response = debtor.get(reverse("portal:invoice_pdf", args=[story["f1"].pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = page_texts(b"".join(response.streaming_content)
                      if response.streaming else response.content)[0]
    assert "F-001" in text and "Retard & Fils" in text


def test_the_statement_downloads_as_a_pdf_with_the_total_and_how_to_pay(debtor):
    response = debtor.get(reverse("portal:statement_pdf"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "F-001" in text and "F-002" in text and "AV-001" in text
    assert "1 400,00" in text                     # French: the customer's language
    assert "FR76 3000 6000 0112 3456 7890 189" in text


def test_the_portal_speaks_the_customers_language_and_switches_on_request(debtor):
    assert 'lang="fr"' in debtor.get(reverse("portal:home")).content.decode()
    response = debtor.post(reverse("portal:language"), {"language": "en",
                                                        "next": reverse("portal:pay")})
    assert response["Location"] == reverse("portal:pay")
    page = debtor.get(reverse("portal:home")).content.decode()
    assert 'lang="en"' in page and "Your statement" in page


def test_an_english_customer_gets_the_portal_in_english(client, story):
    story["late"].language = "en"
    story["late"].save()
    world.portal_client(client, story["late"])
    assert 'lang="en"' in client.get(reverse("portal:home")).content.decode()


def test_the_language_switch_sends_back_only_inside_the_portal(debtor):
    response = debtor.post(reverse("portal:language"),
                           {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == reverse("portal:home")


def test_the_statement_shows_what_the_debtor_already_answered(debtor, story):
    debtor.post(reverse("portal:dispute"), {"invoice": story["f1"].pk, "reason": "price",
                                            "comment": "prix"})
    debtor.post(reverse("portal:promise"), {"invoices": [story["f2"].pk], "amount": "300",
                                            "promised_for": world.days_from_today(9)})
    page = debtor.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    row_f1 = page.split('data-invoice="F-001"')[1].split("</tr>")[0]
    row_f2 = page.split('data-invoice="F-002"')[1].split("</tr>")[0]
    assert "answered-dispute" in row_f1 and "answered-promise" not in row_f1
    assert "answered-promise" in row_f2 and "answered-dispute" not in row_f2
