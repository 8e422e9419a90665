"""A debtor tries to reach Autre SA's invoices, files and actions from Retard & Fils's
portal by changing every identifier in URLs and forms: each attempt is a 404 or a form
error, and nothing changes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from relance.cases.models import Dispute, PaymentDeclaration, PaymentPlan, Promise
from relance.portal import answers, links
from relance.portal.models import PortalUpload
from tests.portal import world

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="proof.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def nothing_recorded():
    return not (Dispute.objects.exists() or Promise.objects.exists()
                or PaymentDeclaration.objects.exists() or PaymentPlan.objects.exists())


def test_another_customers_invoice_pdf_is_not_found(debtor, story):
    assert debtor.get(reverse("portal:invoice_pdf", args=[story["foreign"].pk])).status_code == 404
    assert debtor.get(reverse("portal:invoice_pdf", args=[999999])).status_code == 404


def test_paying_another_customers_invoice_is_a_form_error(debtor, story):
    response = debtor.get(reverse("portal:pay"), {"invoices": [story["foreign"].pk]})
    assert response.status_code == 400 and "F-900" not in response.content.decode()
    qr = debtor.get(reverse("portal:qr_png"), {"invoices": [story["foreign"].pk]})
    assert qr.status_code == 400


def test_mixing_an_own_invoice_with_anothers_is_refused_too(debtor, story):
    response = debtor.get(reverse("portal:pay"),
                          {"invoices": [story["f1"].pk, story["foreign"].pk]})
    assert response.status_code == 400


@pytest.mark.parametrize("action, fields", [
    ("portal:dispute", {"invoice": "FOREIGN", "reason": "price", "comment": "x"}),
    ("portal:promise", {"invoices": "FOREIGN", "promised_for": "DATE", "amount": "10"}),
    ("portal:paid", {"invoices": "FOREIGN", "paid_on": "TODAY", "amount": "10"}),
    ("portal:plan", {"invoices": "FOREIGN", "instalments": "3", "starts_on": "DATE"}),
])
def test_answering_on_another_customers_invoice_changes_nothing(debtor, story, action, fields):
    values = {key: {"FOREIGN": story["foreign"].pk, "DATE": world.days_from_today(5),
                    "TODAY": world.days_from_today(0)}.get(value, value)
              for key, value in fields.items()}
    if action == "portal:paid":
        values["proof"] = pdf()
    response = debtor.post(reverse(action), values)
    assert response.status_code == 400
    assert nothing_recorded()


def test_a_session_of_one_customer_never_shows_anothers_statement(client, story):
    world.portal_client(client, story["other"])
    page = client.get(reverse("portal:home")).content.decode()
    assert "F-900" in page and "F-001" not in page


def test_opening_a_second_link_replaces_the_first_customer_entirely(client, story):
    world.portal_client(client, story["late"])
    world.portal_client(client, story["other"])
    assert client.get(reverse("portal:invoice_pdf", args=[story["f1"].pk])).status_code == 404


def test_a_tampered_session_link_id_opens_nothing(client, story):
    world.portal_client(client, story["late"])
    other_link, _token = links.issue(story["other"], timezone.now())
    links.revoke_all(story["other"], timezone.now())
    session = client.session
    session["portal_link"] = other_link.pk
    session.save()
    assert client.get(reverse("portal:home")).status_code == 403


def test_a_debtor_cannot_reach_the_back_office_actions(debtor, story):
    plan = PaymentPlan.objects.create(customer=story["other"], instalments=3,
                                      starts_on=world.days_from_today(3))
    upload = answers.uploads.store(pdf(), story["other"], "proof")
    for url in (reverse("portal:decide_plan", args=[plan.pk, "accept"]),
                reverse("portal:regenerate", args=[story["late"].pk]),
                reverse("portal:revoke", args=[story["late"].pk])):
        response = debtor.post(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert debtor.get(reverse("portal:upload", args=[upload.pk])).status_code == 302
    plan.refresh_from_db()
    assert plan.status == "proposed"


def test_another_collector_cannot_download_a_customers_upload(client, story):
    upload = answers.uploads.store(pdf(), story["late"], "proof")
    world.person("lea@ateliers.example", "collector")
    client.login(username="lea@ateliers.example", password=world.PASSWORD)
    assert client.get(reverse("portal:upload", args=[upload.pk])).status_code == 404


def test_the_owner_downloads_the_upload_as_it_was_sent(client, story):
    upload = answers.uploads.store(pdf("virement.pdf"), story["late"], "proof")
    client.login(username="paul@ateliers.example", password=world.PASSWORD)
    response = client.get(reverse("portal:upload", args=[upload.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "virement.pdf" in response["Content-Disposition"]


def test_a_sales_rep_may_not_regenerate_a_link(client, story):
    sam = world.person("sam@ateliers.example", "sales")
    story["late"].sales_rep = sam
    story["late"].save()
    client.login(username="sam@ateliers.example", password=world.PASSWORD)
    response = client.post(reverse("portal:regenerate", args=[story["late"].pk]))
    assert response.status_code == 403
    assert not story["late"].portal_links.exists()


def test_portal_forms_keep_csrf(story):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    world.portal_client(strict, story["late"])
    response = strict.post(reverse("portal:promise"), {})
    assert response.status_code == 403


def test_uploads_are_stored_outside_the_web_root(story, settings):
    upload = answers.uploads.store(pdf(), story["late"], "proof")
    path = answers.uploads.path_of(upload)
    assert str(path).startswith(str(settings.PORTAL_UPLOAD_ROOT))
    assert not str(path).startswith(str(settings.STATIC_ROOT))
    assert not str(path).startswith(str(settings.MEDIA_ROOT))
    assert path.read_bytes() == PDF
    assert PortalUpload.objects.get().sha256 in path.name


def test_a_tampered_upload_path_is_never_read(story):
    upload = answers.uploads.store(pdf(), story["late"], "proof")
    upload.path = "../../../../etc/passwd"
    with pytest.raises(FileNotFoundError):
        answers.uploads.path_of(upload)


def test_a_foreign_invoice_id_in_the_dispute_address_preselects_nothing(debtor, story):
    page = debtor.get(reverse("portal:dispute"), {"invoice": story["foreign"].pk})
    assert page.status_code == 200
    assert "F-900" not in page.content.decode()


def test_a_foreign_or_unknown_webhook_provider_is_not_found(client, story):
    response = client.post(reverse("portal:webhook", args=["paypal"]), b"{}",
                           content_type="application/json")
    assert response.status_code == 404
