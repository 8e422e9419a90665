"""The web import in a real browser: an administrator uploads a small customer export
through the form, keeps the guessed mapping, imports, and reads the counts."""
import pytest
from django.urls import reverse

from relance.ledger.models import Company, Customer

pytestmark = pytest.mark.browser

EXPORT = ("Code client;Raison sociale;SIREN\r\n"
          "B1;Brasserie Lefèvre;552081317\r\n"
          "B2;Menuiserie Roux;\r\n").encode("cp1252")


def test_an_admin_uploads_maps_and_imports_a_customer_file(logged_in_page, tmp_path):
    Company.objects.create(name="Atelier Dupont SAS")
    export = tmp_path / "clients.csv"
    export.write_bytes(EXPORT)
    page = logged_in_page

    page.goto(reverse("imports:upload"))
    page.select_option('select[name="entity"]', "customers")
    page.fill('input[name="source"]', "EBP clients")
    page.set_input_files('input[name="file"]', str(export))
    with page.expect_navigation():
        page.click('form.filters button[type="submit"]')

    assert page.text_content("dd.encoding") == "cp1252"
    assert page.input_value('select[name="customer_ref"]') == "Code client"
    assert page.input_value('select[name="name"]') == "Raison sociale"
    assert page.input_value('select[name="siren"]') == "SIREN"
    with page.expect_navigation():
        page.click('form.card button[type="submit"]')

    assert page.text_content('[data-count="created"]') == "2"
    assert page.text_content('[data-count="rejected"]') == "0"
    assert Customer.objects.get(reference="B1").name == "Brasserie Lefèvre"
