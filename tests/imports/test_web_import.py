"""The web import, told from the desk of Claire, credit manager at Atelier Dupont.

She uploads her accounting software's exports (Windows-1252, semicolons, French headers,
decimal commas), checks the guessed mapping, imports, and reads the verdict. Paul, a
collector, may look at the ledger but not import into it.
"""
import io
import re
import time
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from relance.imports.models import ImportRun, ImportSource
from relance.ledger.models import Company, Customer, Invoice
from relance.team.models import User

CORPUS = Path(__file__).parent / "corpus"
FRENCH_CUSTOMERS = "Code client;Raison sociale;SIREN;Pays;Langue;Délai de paiement;Segment"
FRENCH_INVOICES = ("N° facture;Code client;Date de facture;Date d'échéance;Devise;Montant HT;"
                   "TVA;Montant TTC;Litige")

pytestmark = pytest.mark.django_db


@pytest.fixture
def company(db):
    return Company.objects.create(name="Atelier Dupont SAS")


@pytest.fixture
def claire(company):
    user = User.objects.create_user("claire@atelier-dupont.fr", "pw", role="credit_manager")
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


@pytest.fixture
def paul(company):
    user = User.objects.create_user("paul@atelier-dupont.fr", "pw", role="collector")
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def with_header(path, header):
    """A corpus file with its header line replaced, in Windows-1252 like the original."""
    lines = path.read_bytes().decode("cp1252").splitlines()
    return "\r\n".join([header, *lines[1:]]).encode("cp1252") + b"\r\n"


def upload(client, content, filename, entity, source="Sage export"):
    return client.post(reverse("imports:upload"), {
        "entity": entity, "source": source,
        "file": _named(content, filename)})


def _named(content, filename):
    f = io.BytesIO(content)
    f.name = filename
    return f


def mapping_url(response):
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def import_as_guessed(client, content, filename, entity, source="Sage export"):
    """Upload, accept the prefilled mapping as it is, and return the result page."""
    url = mapping_url(upload(client, content, filename, entity, source))
    form = client.get(url).context["form"]
    return client.post(url, {name: form.initial.get(name, "") for name in form.fields})


def french_ledger(client):
    import_as_guessed(client, with_header(CORPUS / "windows_1252" / "customers.csv",
                                          FRENCH_CUSTOMERS), "clients.csv", "customers")
    return import_as_guessed(client, with_header(CORPUS / "windows_1252" / "invoices.csv",
                                                 FRENCH_INVOICES), "factures.csv", "invoices")


def test_a_windows_1252_export_with_french_headers_is_mapped_and_imported(claire, company):
    content = with_header(CORPUS / "windows_1252" / "invoices.csv", FRENCH_INVOICES)
    import_as_guessed(claire, with_header(CORPUS / "windows_1252" / "customers.csv",
                                          FRENCH_CUSTOMERS), "clients.csv", "customers")
    url = mapping_url(upload(claire, content, "factures.csv", "invoices"))

    page = claire.get(url)
    assert page.context["source"].encoding == "cp1252"
    assert page.context["source"].delimiter == ";"
    assert page.context["preview"][0][:2] == ["F-ÉTÉ-01", "C001"]
    assert page.context["form"].initial == {
        "number": "N° facture", "customer_ref": "Code client",
        "issue_date": "Date de facture", "due_date": "Date d'échéance", "currency": "Devise",
        "amount_excl_tax": "Montant HT", "vat": "TVA", "amount_total": "Montant TTC",
        "disputed": "Litige"}

    result = claire.post(url, page.context["form"].initial)

    assert result.context["run"].committed
    assert result.context["run"].counts == {"created": 2, "updated": 0, "unchanged": 0,
                                            "rejected": 0}
    summer = Invoice.objects.get(number="F-ÉTÉ-01")
    assert summer.customer.name == "Société Française d'Équipement SARL"
    assert summer.amount_total == Decimal("1481.40")
    assert str(summer.due_date) == "2026-10-01"
    assert summer.customer.company == company


def test_importing_the_same_file_again_changes_nothing(claire):
    french_ledger(claire)

    again = import_as_guessed(claire, with_header(CORPUS / "windows_1252" / "invoices.csv",
                                                  FRENCH_INVOICES), "factures.csv", "invoices")

    assert again.context["run"].counts == {"created": 0, "updated": 0, "unchanged": 2,
                                           "rejected": 0}
    assert Invoice.objects.count() == 2


def test_the_mapping_saved_for_a_source_is_prefilled_on_its_next_upload(claire, company):
    odd = "Tiers;Nom du tiers\nC9;Quincaillerie Martin\n".encode()
    chosen = {"customer_ref": "Tiers", "name": "Nom du tiers"}
    url = mapping_url(upload(claire, odd, "tiers.csv", "customers", source="EBP clients"))
    assert claire.get(url).context["form"].initial == {}  # nothing to guess from
    claire.post(url, chosen)

    again = mapping_url(upload(claire, odd, "tiers.csv", "customers", source="EBP clients"))
    other = mapping_url(upload(claire, odd, "tiers.csv", "customers", source="Autre"))

    assert claire.get(again).context["form"].initial == chosen
    assert claire.get(other).context["form"].initial == {}
    saved = ImportSource.objects.get(company=company, name="EBP clients", entity="customers")
    assert saved.mapping == chosen
    assert Customer.objects.get().name == "Quincaillerie Martin"


def test_a_saved_mapping_that_does_not_fit_the_file_is_not_applied_silently(claire):
    full = "Code;Nom;HT;TVA;TTC;Emission;Echeance;Client\n"
    url = mapping_url(upload(claire, "Tiers;Nom du tiers\nC9;Martin\n".encode(), "t.csv",
                             "customers", source="EBP"))
    claire.post(url, {"customer_ref": "Tiers", "name": "Nom du tiers"})
    invoices = {"number": "Code", "customer_ref": "Client", "issue_date": "Emission",
                "due_date": "Echeance", "amount_excl_tax": "HT", "vat": "TVA",
                "amount_total": "TTC"}
    url = mapping_url(upload(claire, (full + "F1;x;100,00;20,00;120,00;01/10/2026;"
                                      "31/10/2026;C9\n").encode(), "f.csv", "invoices",
                             source="EBP"))
    claire.post(url, invoices)
    assert Invoice.objects.get().vat == Decimal("20.00")

    lean = "Code;TTC;Emission;Echeance;Client\nF1;130,00;01/10/2026;31/10/2026;C9\n"
    url = mapping_url(upload(claire, lean.encode(), "f2.csv", "invoices", source="EBP"))
    page = claire.get(url)

    warning = page.content.decode()
    assert "The mapping saved for EBP was not applied: this file has no columns HT, TVA." \
        in warning
    assert "amount_excl_tax" not in page.context["form"].initial
    lean_mapping = {name: invoices[name] for name in
                    ("number", "customer_ref", "issue_date", "due_date", "amount_total")}
    asked = claire.post(url, lean_mapping)
    assert [(c["field"], c["new"]) for c in asked.context["changes"]] == [
        ("amount_total", "130.00")]
    result = claire.post(url, {**lean_mapping, "confirm": "1"})
    assert result.context["run"].committed
    invoice = Invoice.objects.get()
    # the file had no VAT columns: the stored split stays, the new total is taken
    assert (invoice.amount_total, invoice.amount_excl_tax, invoice.vat) == (
        Decimal("130.00"), Decimal("100.00"), Decimal("20.00"))


def test_bad_rows_are_listed_with_their_line_and_column_and_nothing_is_imported(claire):
    import_as_guessed(claire, with_header(CORPUS / "windows_1252" / "customers.csv",
                                          FRENCH_CUSTOMERS), "clients.csv", "customers")
    bad = (FRENCH_INVOICES + "\r\n"
           "F-01;C001;01/09/2026;01/10/2026;EUR;100,00;20,00;120,00;0\r\n"
           "F-02;C001;31/02/2026;01/10/2026;EUR;100,00;20,00;120,00;0\r\n"
           "F-03;C001;01/09/2026;01/10/2026;EUR;100,00;20,00;cent euros;0\r\n"
           "F-04;C404;01/09/2026;01/10/2026;EUR;100,00;20,00;120,00;0\r\n")

    result = import_as_guessed(claire, bad.encode("cp1252"), "factures.csv", "invoices")

    html = result.content.decode()
    assert "nothing was imported" in html
    problems = [(p.file, p.line, p.column) for p in result.context["report"].problems]
    assert ("factures.csv", 3, "Date de facture") in problems
    assert ("factures.csv", 4, "Montant TTC") in problems
    assert ("factures.csv", 5, "Code client") in problems
    assert "impossible date: 31/02/2026" in html
    assert "<td>Montant TTC</td>" in html
    assert Invoice.objects.count() == 0
    run = ImportRun.objects.get(entity="invoices")
    assert not run.committed and run.problem_count == 3 and run.counts["rejected"] == 3


def test_an_excel_workbook_is_imported(claire):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Code client", "Raison sociale", "SIREN", "Délai de paiement"])
    sheet.append(["X1", "Boulangerie Petit", "552081317", 30])
    sheet.append(["X2", "Garage Leroy", None, 60])
    content = io.BytesIO()
    book.save(content)

    result = import_as_guessed(claire, content.getvalue(), "clients.xlsx", "customers")

    assert result.context["run"].committed
    assert Customer.objects.get(reference="X2").payment_terms_days == 60
    assert Customer.objects.get(reference="X1").siren == "552081317"


def test_a_required_field_left_unmapped_is_an_error_on_that_field(claire):
    url = mapping_url(upload(claire, b"ref,nom\nC1,Alpha\n", "c.csv", "customers"))

    page = claire.post(url, {"customer_ref": "ref", "name": ""})

    assert page.status_code == 200
    assert page.context["form"].errors == {
        "name": ["Choose the column that holds this field."]}
    assert Customer.objects.count() == 0


def test_the_upload_waits_outside_the_web_root_and_is_removed_after_the_import(claire):
    uploads = Path(settings.HOME) / "uploads"
    before = set(uploads.iterdir()) if uploads.exists() else set()
    url = mapping_url(upload(claire, b"customer_ref,name\nC1,Alpha\n", "c.csv", "customers"))

    waiting = set(uploads.iterdir()) - before
    assert len(waiting) == 1
    assert re.fullmatch(r"[0-9a-f]{32}\.csv", waiting.pop().name)
    claire.post(url, {"customer_ref": "customer_ref", "name": "name"})
    assert set(uploads.iterdir()) == before


def test_a_collector_may_not_import(paul):
    page = paul.get(reverse("imports:upload"))
    posted = upload(paul, b"customer_ref,name\nC1,Alpha\n", "c.csv", "customers")

    assert page.status_code == 403 and posted.status_code == 403
    assert "Only administrators and credit managers" in page.content.decode()
    assert Customer.objects.count() == 0


def test_the_mapping_page_of_someone_else_is_closed_to_a_collector(claire, paul):
    url = mapping_url(upload(claire, b"customer_ref,name\nC1,Alpha\n", "c.csv", "customers"))

    assert paul.get(url).status_code == 403


@pytest.mark.parametrize("content, filename, message", [
    (b"", "vide.csv", "The submitted file is empty"),
    (b"  \r\n", "blancs.csv", "the file is empty"),
    (b"%PDF-1.4\x00\x01", "facture.csv", "binary data, not a text file"),
    (b"PK\x03\x04 broken", "casse.xlsx", "not a readable Excel workbook (.xlsx)"),
    (b"%PDF-1.4", "facture.pdf", "Only CSV (.csv) and Excel (.xlsx) files"),
    (b"\xd0\xcf\x11\xe0", "ancien.xls", "save the sheet as .xlsx or .csv"),
])
def test_a_file_that_cannot_be_read_is_refused_with_a_message(claire, content, filename,
                                                               message):
    page = upload(claire, content, filename, "customers")

    assert page.status_code == 200
    assert message in page.content.decode()
    assert ImportRun.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused(claire, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 10

    page = upload(claire, b"customer_ref,name\nC1,Alpha\n", "c.csv", "customers")

    assert "The file is too large" in page.content.decode()


def test_a_forged_or_spent_token_sends_back_to_the_upload_with_a_message(claire):
    forged_url = reverse("imports:mapping", args=["forged-token-AAAAAAAAAAAAAAAA"])
    forged = claire.get(forged_url, follow=True)
    url = mapping_url(upload(claire, b"customer_ref,name\nC1,Alpha\n", "c.csv", "customers"))
    claire.post(url, {"customer_ref": "customer_ref", "name": "name"})
    spent = claire.post(url, {"customer_ref": "customer_ref", "name": "name"}, follow=True)

    for page in (forged, spent):
        assert page.redirect_chain[-1][0] == reverse("imports:upload")
        assert "not waiting for a mapping any more" in page.content.decode()
    assert Customer.objects.count() == 1


def test_a_token_is_worth_nothing_in_another_session(claire, company):
    url = mapping_url(upload(claire, b"customer_ref,name\nC1,Alpha\n", "c.csv", "customers"))
    other = User.objects.create_user("admin@atelier-dupont.fr", "pw", role="admin")
    stranger = Client(headers={"accept-language": "en"})
    stranger.force_login(other)

    assert stranger.get(url).status_code == 302


def test_the_upload_page_lists_the_recent_runs(claire):
    french_ledger(claire)

    page = claire.get(reverse("imports:upload"))

    runs = list(page.context["runs"])
    assert [r.filename for r in runs] == ["factures.csv", "clients.csv"]
    assert "factures.csv" in page.content.decode()
    assert list(page.context["sources"]) == ["Sage export"]


def test_with_several_companies_the_page_says_to_use_the_command_line(claire, company):
    Company.objects.create(name="Filiale Dupont")

    page = claire.get(reverse("imports:upload"))

    assert page.status_code == 200
    assert "Several companies exist" in page.content.decode()


def test_the_pages_speak_french_by_default(company):
    user = User.objects.create_user("admin@atelier-dupont.fr", "pw", role="admin")
    client = Client()
    client.force_login(user)

    page = client.get(reverse("imports:upload")).content.decode()

    assert "Importer un fichier" in page


def test_submitting_the_upload_form_empty_shows_what_is_missing(claire):
    page = claire.post(reverse("imports:upload"), {})

    assert set(page.context["form"].errors) == {"entity", "source", "file"}


def test_a_re_import_that_changes_invoices_lists_the_changes_and_waits_for_confirmation(
        claire):
    header = "Code;Client;Emission;Echeance;HT;TVA;TTC\n"
    mapping = {"number": "Code", "customer_ref": "Client", "issue_date": "Emission",
               "due_date": "Echeance", "amount_excl_tax": "HT", "vat": "TVA",
               "amount_total": "TTC"}
    claire.post(mapping_url(upload(claire, "Tiers;Nom\nC9;Martin\n".encode(), "t.csv",
                                   "customers", source="EBP")),
                {"customer_ref": "Tiers", "name": "Nom"})
    first = header + "F1;C9;01/10/2026;31/10/2026;100,00;20,00;120,00\n" \
                     "F2;C9;01/10/2026;31/10/2026;50,00;10,00;60,00\n"
    claire.post(mapping_url(upload(claire, first.encode(), "f.csv", "invoices", "EBP")),
                mapping)

    changed = header + "F1;C9;01/10/2026;15/11/2026;100,00;20,00;120,00\n" \
                       "F2;C9;01/10/2026;31/10/2026;50,00;10,00;60,00\n"
    url = mapping_url(upload(claire, changed.encode(), "f2.csv", "invoices", "EBP"))
    asked = claire.post(url, mapping)

    page = asked.content.decode()
    assert "This file changes 1 invoice already in Relance" in page
    assert [(c["number"], c["field"], c["old"], c["new"]) for c in asked.context["changes"]] \
        == [("F1", "due_date", "2026-10-31", "2026-11-15")]
    assert Invoice.objects.get(number="F1").due_date.isoformat() == "2026-10-31"
    assert ImportRun.objects.filter(entity="invoices").count() == 1

    done = claire.post(url, {**mapping, "confirm": "1"})
    assert done.context["run"].committed
    assert Invoice.objects.get(number="F1").due_date.isoformat() == "2026-11-15"

    again = mapping_url(upload(claire, changed.encode(), "f3.csv", "invoices", "EBP"))
    same = claire.post(again, mapping)
    assert same.context["run"].counts["unchanged"] == 2


def wait_for(run_pk, seconds=60):
    """The background import's run once it has ended."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = ImportRun.objects.get(pk=run_pk)
        if run.status != "running":
            return run
        time.sleep(0.1)
    raise AssertionError("the background import did not end")


@pytest.mark.django_db(transaction=True)
def test_a_large_file_is_imported_in_the_background_with_its_progress_shown(
        claire, settings):
    settings.IMPORT_BACKGROUND_FROM_LINES = 5
    rows = "".join(f"C{n:03d},Client {n}\n" for n in range(40))
    url = mapping_url(upload(claire, ("customer_ref,name\n" + rows).encode(), "c.csv",
                             "customers"))
    started = claire.post(url, {"customer_ref": "customer_ref", "name": "name"})

    assert started.status_code == 302
    run_url = started["Location"]
    run = ImportRun.objects.get()
    assert run_url == reverse("imports:run", args=[run.pk]) and run.lines_total == 41
    page = claire.get(run_url)   # running, or already done: either page is whole
    assert page.status_code == 200
    done = wait_for(run.pk)
    assert (done.status, done.committed, done.counts["created"]) == ("done", True, 40)
    verdict = claire.get(run_url).content.decode()
    assert "The file was imported." in verdict
    assert Customer.objects.count() == 40


@pytest.mark.django_db(transaction=True)
def test_a_large_file_with_bad_rows_keeps_its_problems_for_its_page(claire, settings):
    settings.IMPORT_BACKGROUND_FROM_LINES = 5
    rows = "".join(f"C{n:03d},Client {n}\n" for n in range(9)) + "C999,\n"
    url = mapping_url(upload(claire, ("customer_ref,name\n" + rows).encode(), "c.csv",
                             "customers"))
    run_url = claire.post(url, {"customer_ref": "customer_ref", "name": "name"})["Location"]
    done = wait_for(ImportRun.objects.get().pk)

    assert (done.status, done.committed, done.problem_count) == ("done", False, 1)
    verdict = claire.get(run_url)
    assert [(p.line, p.column, p.message) for p in verdict.context["report"].problems] == [
        (11, "name", "required value is missing")]
    assert Customer.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_large_re_import_waits_for_confirmation_then_imports_in_the_background(
        claire, settings):
    settings.IMPORT_BACKGROUND_FROM_LINES = 5
    header = "number,customer_ref,issue_date,due_date,amount_total\n"
    claire.post(mapping_url(upload(claire, b"customer_ref,name\nC9,Martin\n", "c.csv",
                                   "customers")),
                {"customer_ref": "customer_ref", "name": "name"})
    mapping = {name: name for name in header.strip().split(",")}
    first = header + "".join(f"F{n},C9,2026-10-01,2026-10-31,100.00\n" for n in range(6))
    claire.post(mapping_url(upload(claire, first.encode(), "f.csv", "invoices")), mapping)
    wait_for(ImportRun.objects.get(entity="invoices").pk)

    changed = first.replace("F0,C9,2026-10-01,2026-10-31,100.00", "F0,C9,2026-10-01,"
                            "2026-11-30,100.00")
    url = mapping_url(upload(claire, changed.encode(), "f2.csv", "invoices"))
    run_url = claire.post(url, mapping)["Location"]
    asked = wait_for(ImportRun.objects.filter(entity="invoices").latest("pk").pk)

    assert asked.status == "awaiting"
    page = claire.get(run_url)
    assert [(c["number"], c["field"], c["new"]) for c in page.context["changes"]] == [
        ("F0", "due_date", "2026-11-30")]
    assert f'action="{url}"' in page.content.decode()
    assert Invoice.objects.get(number="F0").due_date.isoformat() == "2026-10-31"

    confirmed = claire.post(url, {**mapping, "confirm": "1"})
    done = wait_for(ImportRun.objects.filter(entity="invoices").latest("pk").pk)
    assert confirmed.status_code == 302 and (done.status, done.committed) == ("done", True)
    assert Invoice.objects.get(number="F0").due_date.isoformat() == "2026-11-30"
