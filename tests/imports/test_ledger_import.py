"""`relance import ledger DIR`: a small ledger of three customers, imported, re-imported,
changed, and a corpus of broken files that must each be reported and import nothing."""
import datetime as dt
import json
import shutil
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import translation

from relance.cases.models import Dispute
from relance.insights.models import MonthEnd
from relance.insights.scope import Scope
from relance.insights.snapshots import closed_months
from relance.ledger.models import Allocation, Company, Contact, Customer, Event, Invoice, Payment
from tests.support.ledger_files import write_ledger

CORPUS = Path(__file__).parent / "corpus"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The problems are checked in English; the product speaks French by default."""
    with translation.override("en"):
        yield


def run_import(directory):
    out = StringIO()
    call_command("import", "ledger", str(directory), "--json", stdout=out)
    return json.loads(out.getvalue())


def rejected(directory, capsys):
    """Import a broken folder; return the problems printed, after checking nothing changed."""
    before = table_sizes()
    with pytest.raises(CommandError, match="nothing was imported") as error:
        run_import(directory)
    assert table_sizes() == before
    return capsys.readouterr().err + str(error.value)


def table_sizes():
    return [model.objects.count() for model in (Customer, Contact, Invoice, Payment,
                                                Allocation, Dispute)]


def test_a_first_import_creates_the_ledger_in_a_default_company():
    counts = run_import(CORPUS / "valid")

    assert counts == {
        "customers": {"created": 3, "updated": 0, "unchanged": 0, "rejected": 0},
        "contacts": {"created": 3, "updated": 0, "unchanged": 0, "rejected": 0},
        "invoices": {"created": 4, "updated": 0, "unchanged": 0, "rejected": 0},
        "payments": {"created": 3, "updated": 0, "unchanged": 0, "rejected": 0},
    }
    company = Company.objects.get()
    assert Customer.objects.get(reference="C003").language == "en"  # German, no language given
    assert Contact.objects.get(name="Claire Durand").role == "accounts_payable"
    assert Event.objects.filter(company=company, type="import.completed").count() == 1


def test_payments_settle_their_invoices_and_leave_the_rest_open(reading):
    run_import(CORPUS / "valid")

    paid = Invoice.objects.get(number="F2026-0001")
    partly = Invoice.objects.get(number="F2026-0002")
    assert (paid.status, paid.open_amount, str(paid.paid_on)) == ("paid", 0, "2026-10-05")
    assert (partly.status, partly.open_amount, partly.paid_on) == ("open", Decimal("300.00"),
                                                                   None)
    on_account = Payment.objects.get(reference="P0003")
    assert on_account.unapplied_amount == Decimal("50.00")  # no invoice named: unapplied cash


def test_a_disputed_invoice_opens_one_dispute_on_its_timeline():
    run_import(CORPUS / "valid")
    run_import(CORPUS / "valid")

    invoice = Invoice.objects.get(number="F2026-0003")
    assert Dispute.objects.filter(invoice=invoice, status="open").count() == 1
    assert list(invoice.events.values_list("type", flat=True)) == ["dispute.opened"]


def test_reimporting_the_same_files_changes_nothing(reading):
    run_import(CORPUS / "valid")
    before = table_sizes()

    counts = run_import(CORPUS / "valid")

    assert all(c["created"] == c["updated"] == c["rejected"] == 0 for c in counts.values())
    assert [c["unchanged"] for c in counts.values()] == [3, 3, 4, 3]
    assert table_sizes() == before


def test_a_changed_amount_updates_the_invoice_and_goes_on_its_timeline(tmp_path, reading):
    run_import(CORPUS / "valid")
    changed = tmp_path / "ledger"
    shutil.copytree(CORPUS / "valid", changed)
    invoices = changed / "invoices.csv"
    invoices.write_text(invoices.read_text().replace("500.00,100.00,600.00",
                                                     "550.00,110.00,660.00"))

    counts = run_import(changed)

    assert counts["invoices"] == {
        "created": 0, "updated": 1, "unchanged": 3, "rejected": 0, "changes": [
            {"number": "F2026-0002", "field": field, "old": old, "new": new}
            for field, old, new in (("amount_excl_tax", "500.00", "550.00"),
                                    ("vat", "100.00", "110.00"),
                                    ("amount_total", "600.00", "660.00"))]}
    invoice = Invoice.objects.get(number="F2026-0002")
    assert (invoice.amount_total, invoice.open_amount) == (Decimal("660.00"),
                                                           Decimal("360.00"))
    event = invoice.events.get(type="invoice.amount_changed")
    assert event.data == {"old": "600.00", "new": "660.00"}


def test_a_windows_1252_export_with_semicolons_and_decimal_commas_imports(reading):
    counts = run_import(CORPUS / "windows_1252")

    assert counts["invoices"]["created"] == 2 and counts["payments"]["created"] == 2
    customer = Customer.objects.get(reference="C001")
    assert customer.name == "Société Française d'Équipement SARL"
    invoice = Invoice.objects.get(number="F-ÉTÉ-01")
    assert (invoice.amount_excl_tax, invoice.amount_total) == (Decimal("1234.50"),
                                                               Decimal("1481.40"))
    assert str(invoice.due_date) == "2026-10-01"
    assert invoice.open_amount == Decimal("1000.00")  # paid 481,40 by VIR-002
    assert Invoice.objects.get(number="F-02").open_amount == Decimal("6000.00")


BROKEN = [
    ("missing_column", "invoices.csv, line 1, column issue_date: missing required column"),
    ("unknown_customer", "invoices.csv, line 3, column customer_ref: unknown customer "
                         "reference: C999"),
    ("duplicate_number", "invoices.csv, line 6, column number: F2026-0002 appears twice in "
                         "the file (first on line 3)"),
    ("negative_amount", "invoices.csv, line 3, column amount_total: negative amount: -600.00"),
    ("non_numeric_amount", "invoices.csv, line 3, column amount_total: not a number: "
                           "six cents"),
    ("impossible_date", "invoices.csv, line 3, column issue_date: impossible date: 2026-02-30"),
    ("due_before_issue", "invoices.csv, line 3, column due_date: due date 2026-10-01 is "
                         "before the issue date 2026-10-31"),
    ("invalid_siren", "customers.csv, line 3, column siren: 443061842 is not a valid SIREN"),
    ("mixed_encoding", "customers.csv, line 5: mixed encodings"),
    ("empty_file", "customers.csv: the file is empty"),
    ("invoice_moves_customer", "invoices.csv, line 2, column customer_ref: invoice "
                               "F2026-0001 belongs to another customer: an import never "
                               "moves an invoice to C002"),
    ("invoice_changes_currency", "invoices.csv, line 3, column currency: invoice F2026-0002 "
                                 "is in EUR: an import never changes its currency to USD"),
    ("payment_in_another_currency", "payments.csv, line 2, column currency: the payment is "
                                    "in USD, invoice F2026-0002 in EUR"),
    ("due_date_far_ahead", "invoices.csv, line 2, column due_date: 9999-12-31 is outside "
                           "the dates the ledger accepts (1990-01-01 to "),
    ("issue_date_ancient", "invoices.csv, line 2, column issue_date: 0001-01-01 is outside "
                           "the dates the ledger accepts"),
    ("payment_date_ancient", "payments.csv, line 2, column date: 1899-12-31 is outside the "
                             "dates the ledger accepts"),
    ("currency_not_iso", "invoices.csv, line 2, column currency: ÉTÉ is not an ISO 4217 "
                         "currency code"),
    ("currency_unknown_code", "invoices.csv, line 2, column currency: XYZ is not an ISO "
                              "4217 currency code"),
    ("header_repeats_a_column", "customers.csv, line 1, column name: the column name "
                                "appears twice in the header"),
    ("row_wider_than_header", "customers.csv, line 2: the row has 8 cells where the header "
                              "has 7"),
    ("row_shorter_than_header", "invoices.csv, line 2: the row has 8 cells where the header "
                                "has 9"),
    ("siret_of_another_siren", "customers.csv, line 2, column siret: SIRET 44306184100104 "
                               "does not belong to SIREN 552081317"),
    ("customers_without_name_column", "customers.csv, line 1, column name: missing required "
                                      "column(s): name"),
    ("customer_name_blank", "customers.csv, line 2, column name: required value is missing"),
    ("customer_name_too_long", "customers.csv, line 2, column name: longer than 200 "
                               "characters"),
    ("customer_country_in_words", "customers.csv, line 2, column country: not a two-letter "
                                  "country code: France"),
    ("customer_language_unknown", "customers.csv, line 2, column language: language must "
                                  "be fr or en: de"),
    ("customer_terms_over_a_year", "customers.csv, line 2, column payment_terms_days: "
                                   "payment terms must be 0 to 365 days: 400"),
    ("customer_terms_not_a_number", "customers.csv, line 2, column payment_terms_days: not "
                                    "a whole number: abc"),
    ("customer_siret_invalid", "customers.csv, line 2, column siret: 55208131700010 is not a "
                               "valid SIRET"),
    ("customer_vat_invalid", "customers.csv, line 2, column vat_number: FR00123456789 is not "
                             "a valid EU VAT number"),
    ("customer_credit_limit_negative", "customers.csv, line 2, column credit_limit: negative "
                                       "amount: -5"),
    ("customer_twice", "customers.csv, line 3, column customer_ref: C010 appears twice in the "
                       "file (first on line 2)"),
    ("contact_of_unknown_customer", "contacts.csv, line 2, column customer_ref: unknown "
                                    "customer reference: C999"),
    ("contact_email_invalid", "contacts.csv, line 2, column email: not an email address: "
                              "jean-at-dupont"),
    ("contact_role_unknown", "contacts.csv, line 2, column role: unknown contact role: boss"),
    ("contact_preferred_unclear", "contacts.csv, line 2, column preferred: not yes or no: "
                                  "maybe"),
    ("contact_twice", "contacts.csv, line 3, column name: Jean Dupont appears twice in the "
                      "file (first on line 2)"),
    ("amount_three_decimals", "invoices.csv, line 2, column vat: more than two decimals: "
                              "2.345"),
    ("amount_too_large", "invoices.csv, line 2, column amount_total: amount too large: "
                         "10000000000000.00"),
    ("total_not_excl_tax_plus_vat", "invoices.csv, line 2, column amount_total: 130.00 is "
                                    "not the amount excl. tax 100.00 plus VAT 20.00"),
    ("kind_unknown", "invoices.csv, line 2, column kind: kind must be invoice or credit "
                     "note: bill"),
    ("due_date_in_words", "invoices.csv, line 2, column due_date: not a date (expected "
                          "DD/MM/YYYY or YYYY-MM-DD): soon"),
    ("invoice_number_blank", "invoices.csv, line 2, column number: required value is "
                             "missing"),
    ("currency_lower_case_region", "invoices.csv, line 2, column currency: eu is not an ISO "
                                   "4217 currency code"),
    ("impossible_day_month_year", "invoices.csv, line 2, column issue_date: impossible "
                                  "date: 31/02/2026"),
    ("payment_of_unknown_invoice", "payments.csv, line 2, column invoice_number: unknown "
                                   "invoice number: F9999"),
    ("payment_of_another_customers_invoice", "payments.csv, line 2, column invoice_number: "
                                             "invoice F2026-0003 belongs to another "
                                             "customer"),
    ("payment_of_zero", "payments.csv, line 2, column amount: amount must be greater than "
                        "zero: 0.00"),
    ("payment_date_impossible", "payments.csv, line 2, column date: impossible date: "
                                "2026-13-01"),
    ("payments_without_reference_column", "payments.csv, line 1, column payment_ref: "
                                          "missing required column(s): payment_ref"),
    ("payment_twice", "payments.csv, line 3, column payment_ref: P0104 appears twice in the "
                      "file (first on line 2)"),
    ("binary_customers", "customers.csv, line 1: binary data, not a text file"),
]


@pytest.fixture(params=["here", "in a child"])
def reading(request, monkeypatch):
    """The command reads large files in a forked child process: make every file large,
    so each story runs both ways."""
    from relance.imports import worker

    if request.param == "in a child":
        monkeypatch.setattr(worker, "wanted", lambda lines, present: True)
    return request.param


@pytest.mark.parametrize("case, problem", BROKEN, ids=[case for case, _ in BROKEN])
def test_a_broken_file_is_reported_precisely_and_imports_nothing(case, problem, capsys,
                                                                 reading):
    run_import(CORPUS / "valid")  # the broken files must not disturb existing data either

    printed = rejected(CORPUS / case, capsys)

    assert problem in printed.replace("\n", " ").replace(str(CORPUS / case) + "/", "")


def test_every_bad_row_is_reported_not_only_the_first(tmp_path, capsys, reading):
    folder = tmp_path / "bad"
    shutil.copytree(CORPUS / "valid", folder)
    invoices = folder / "invoices.csv"
    invoices.write_text(invoices.read_text().replace("2026-10-01,2026-10-31", "2026-10-01,x")
                        .replace(",C002,", ",C404,"))

    printed = rejected(folder, capsys)

    assert "line 3, column due_date: not a date" in printed
    assert "line 4, column customer_ref: unknown customer reference: C404" in printed


def test_the_generated_ledger_of_the_large_file_stories_imports_whole(tmp_path):
    """The stories below append one bad line to a generated ledger: without it, every
    row of every file goes in, with its disputes, credit notes, part and unapplied
    payments."""
    folder = write_ledger(tmp_path / "generated", invoices=1_000)
    disputed = (folder / "invoices.csv").read_text().count(",1,invoice\n")

    counts = run_import(folder)

    assert [c["created"] for c in counts.values()] == [100, 129, 1_000, 565]
    assert sum(c["rejected"] for c in counts.values()) == 0
    assert Dispute.objects.filter(status="open").count() == disputed > 0
    assert Invoice.objects.filter(kind="credit_note").exists()
    assert Invoice.objects.filter(kind="invoice", open_amount__gt=0,
                                  open_amount__lt=F("amount_total")).exists()
    assert Payment.objects.filter(unapplied_amount__gt=0, allocations__isnull=True).exists()


def test_a_large_file_whose_only_bad_line_is_the_last_imports_nothing(tmp_path, capsys):
    folder = write_ledger(tmp_path / "large", invoices=20_000)
    invoices = folder / "invoices.csv"
    lines = invoices.read_text().count("\n")
    with invoices.open("a") as f:
        f.write("F2026-LAST,C0000001,2026-11-01,2026-12-01,EUR,10.00,2.00,12.00,maybe,invoice\n")

    printed = rejected(folder, capsys)

    assert f"invoices.csv, line {lines + 1}, column disputed: not yes or no: maybe" in printed
    assert "1 problem found: nothing was imported" in printed  # that line, and only that line
    assert Invoice.objects.count() == 0


def test_a_non_utf8_byte_deep_in_a_utf8_file_is_located(tmp_path, capsys, reading):
    folder = write_ledger(tmp_path / "late-byte", invoices=20_000)  # 2,000 customers:
    # the bad byte comes well after the 64 KiB from which the encoding is detected
    customers = folder / "customers.csv"
    lines = customers.read_bytes().count(b"\n")
    with customers.open("ab") as f:
        f.write(b"C9999999,Soci\xe9t\xe9 Tardive SAS,,BE,fr,30,sme\n")

    printed = rejected(folder, capsys)

    assert f"customers.csv, line {lines + 1}: not valid utf-8 text (byte 0xe9)" in printed


def test_a_bulk_first_import_keeps_balances_and_indexes_right(monkeypatch):
    """Large first imports load without secondary indexes (on SQLite) and refresh every
    balance at once; the result must be the same as the row-by-row path."""
    from django.db import connection

    from relance.db import writer

    monkeypatch.setattr(writer, "BULK_FROM", 1)
    indexes_before = connection.introspection.get_constraints(connection.cursor(),
                                                              Invoice._meta.db_table)

    run_import(CORPUS / "valid")

    assert Invoice.objects.get(number="F2026-0001").status == "paid"
    assert Invoice.objects.get(number="F2026-0002").open_amount == Decimal("300.00")
    assert Invoice.objects.get(number="F2026-0003").open_amount == Decimal("3000.00")
    assert Payment.objects.get(reference="P0003").unapplied_amount == Decimal("50.00")
    assert Payment.objects.get(reference="P0002").unapplied_amount == 0
    indexes_after = connection.introspection.get_constraints(connection.cursor(),
                                                             Invoice._meta.db_table)
    assert indexes_after.keys() == indexes_before.keys()


def test_a_changed_payment_is_allocated_again_from_what_its_invoice_owes(tmp_path,
                                                                           reading):
    run_import(CORPUS / "valid")
    changed = tmp_path / "ledger"
    shutil.copytree(CORPUS / "valid", changed)
    payments = changed / "payments.csv"
    payments.write_text(payments.read_text().replace("2026-11-02,300.00", "2026-11-02,700.00"))

    counts = run_import(changed)

    assert counts["payments"] == {"created": 0, "updated": 1, "unchanged": 2, "rejected": 0}
    invoice = Invoice.objects.get(number="F2026-0002")
    assert (invoice.status, invoice.open_amount) == ("paid", 0)
    payment = Payment.objects.get(reference="P0002")
    assert payment.allocations.get().amount == Decimal("600.00")
    assert payment.unapplied_amount == Decimal("100.00")


def test_a_new_payment_only_takes_what_the_invoice_still_owes(tmp_path):
    run_import(CORPUS / "valid")
    more = tmp_path / "ledger"
    shutil.copytree(CORPUS / "valid", more)
    with (more / "payments.csv").open("a") as f:
        f.write("P0004,C001,F2026-0002,2026-11-20,500.00\n")

    run_import(more)

    assert Invoice.objects.get(number="F2026-0002").open_amount == 0
    late = Payment.objects.get(reference="P0004")
    assert (late.allocations.get().amount, late.unapplied_amount) == (Decimal("300.00"),
                                                                      Decimal("200.00"))


def test_a_payment_naming_an_invoice_rejected_in_the_same_import_is_not_reported_again(
        tmp_path, capsys, reading):
    """Whichever process reads the invoices, the importer learns every number the file
    held, so the payments are checked against them and only the invoice is reported."""
    folder = tmp_path / "bad-invoice"
    shutil.copytree(CORPUS / "valid", folder)
    invoices = folder / "invoices.csv"
    invoices.write_text(invoices.read_text().replace("500.00,100.00,600.00",
                                                     "500.00,100.00,-600.00"))

    printed = rejected(folder, capsys)

    assert "invoices.csv, line 3, column amount_total: negative amount: -600.00" in printed
    assert "1 problem found: nothing was imported" in printed


def test_problems_beyond_those_kept_for_display_are_still_counted(
        tmp_path, capsys, monkeypatch, reading):
    from relance.imports import ledger

    monkeypatch.setattr(ledger, "MAX_PROBLEMS", 2)
    folder = tmp_path / "bad"
    shutil.copytree(CORPUS / "valid", folder)
    invoices = folder / "invoices.csv"
    invoices.write_text(invoices.read_text().replace(",C00", ",C40"))

    printed = rejected(folder, capsys)

    assert "… and 2 more problems not shown" in printed
    assert "4 problems found: nothing was imported" in printed


def test_ids_reserved_for_new_rows_are_above_every_id_the_database_gave(reading):
    """Payments are written with ids taken beforehand, so their allocations need no
    query to find them; a deleted last payment's id must not come back."""
    from relance.db.writer import TableWriter

    run_import(CORPUS / "valid")
    last = Payment.objects.latest("id")
    last_id = last.pk
    last.allocations.all().delete()
    last.delete()
    writer = TableWriter(Payment, ["company", "customer", "reference", "date", "amount",
                                   "unapplied_amount"])

    ids = list(writer.reserve_ids(2))
    customer = Customer.objects.get(reference="C001")
    writer.insert([(customer.company_id, customer.pk, ref, "2026-11-20", "10.00", "10.00")
                   for ref in ("R1", "R2")], ids)

    assert last_id < ids[0] < ids[1]
    assert list(Payment.objects.filter(reference__in=["R1", "R2"])
                .order_by("reference").values_list("id", flat=True)) == ids
    after = Payment.objects.create(company_id=customer.company_id, customer=customer,
                                   reference="R3", date="2026-11-21", amount=5)
    assert after.pk > ids[1]


def test_the_command_speaks_one_language_from_the_problems_to_its_last_line(capsys):
    """The problems come from the checks' catalogue and the verdict from the command:
    in French, both are French."""
    run_import(CORPUS / "valid")
    with translation.override("fr"), pytest.raises(CommandError) as error:
        run_import(CORPUS / "negative_amount")

    printed = capsys.readouterr().err.replace(str(CORPUS / "negative_amount") + "/", "")
    assert ("invoices.csv, ligne 3, colonne amount_total : montant négatif : -600.00"
            in printed)
    assert str(error.value) == "3 problèmes trouvés : rien n'a été importé."  # HT, TVA, TTC


def test_the_tables_an_import_rewrote_get_fresh_statistics_before_it_commits(monkeypatch):
    """The queries right after a large import (the dunning run of the day) are planned
    from statistics of what it wrote: on PostgreSQL, a million invoices nobody had
    analysed yet made the next run's scan five times slower."""
    from django.db import connection

    from relance.db import batch
    from relance.imports import ledger

    monkeypatch.setattr(ledger, "ANALYZE_FROM", 4)   # the corpus: 4 invoices, 3 of the rest
    gathered = []
    monkeypatch.setattr(ledger, "analyze",
                        lambda *models: gathered.extend(models) or batch.analyze(*models))
    postgres = connection.vendor == "postgresql"
    tables = {model: model._meta.db_table for model in (Invoice, Customer)}
    if postgres:   # as if autovacuum had never been by (the test server's user owns it)
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM pg_statistic WHERE starelid IN "
                           "(%s::regclass, %s::regclass)", list(tables.values()))

    run_import(CORPUS / "valid")

    assert gathered == [Invoice]
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SELECT starelid::regclass::text, count(*) FROM pg_statistic "
                           "WHERE starelid IN (%s::regclass, %s::regclass) GROUP BY 1",
                           list(tables.values()))
            assert dict(cursor.fetchall()).keys() == {tables[Invoice]}


def test_an_import_of_older_documents_recomputes_the_months_it_touches(tmp_path):
    """The dashboard keeps each closed month's figures; invoices or payments imported
    later but dated in such a month make it, and the months after it, computed again
    (September here), while the months before are kept as they were."""
    run_import(CORPUS / "valid")
    scope = Scope(Company.objects.get())
    months, _cash = closed_months(scope, dt.date(2026, 12, 3))
    sales = {m.end: m.sales for m in months}
    kept_before = set(MonthEnd.objects.filter(end__lt=dt.date(2026, 9, 1))
                      .values_list("pk", flat=True))
    later = tmp_path / "ledger"
    later.mkdir()
    (later / "invoices.csv").write_text(
        "number,customer_ref,issue_date,due_date,currency,amount_excl_tax,vat,amount_total\n"
        "F2026-0005,C001,2026-09-15,2026-10-15,EUR,400.00,80.00,480.00\n")

    run_import(later)

    assert not MonthEnd.objects.filter(end__gte=dt.date(2026, 9, 30)).exists()
    assert set(MonthEnd.objects.values_list("pk", flat=True)) == kept_before
    months, _cash = closed_months(scope, dt.date(2026, 12, 3))
    again = {m.end: m.sales for m in months}
    assert again[dt.date(2026, 9, 30)] == sales[dt.date(2026, 9, 30)] + Decimal("480.00")
    assert again[dt.date(2026, 8, 31)] == sales[dt.date(2026, 8, 31)]


def test_a_column_missing_from_a_newer_file_keeps_what_relance_holds(tmp_path):
    """A newer export with fewer columns updates what it has and keeps the rest: VAT
    split, SIREN, country, payment terms, purchase order, a payment's allocation."""
    run_import(CORPUS / "valid")
    Invoice.objects.filter(number="F2026-0002").update(po_number="PO-77")
    newer = tmp_path / "newer"
    newer.mkdir()
    (newer / "customers.csv").write_text("customer_ref,name\nC001,Atelier Durand & Fils\n")
    (newer / "invoices.csv").write_text(
        "number,customer_ref,issue_date,due_date,amount_total\n"
        "F2026-0002,C001,2026-10-01,2026-11-15,600.00\n")
    (newer / "payments.csv").write_text(
        "payment_ref,customer_ref,date,amount\nP0002,C001,2026-11-03,300.00\n")

    counts = run_import(newer)

    assert [counts[e]["updated"] for e in ("customers", "invoices", "payments")] == [1, 1, 1]
    durand = Customer.objects.get(reference="C001")
    assert (durand.name, durand.siren, durand.country, durand.payment_terms_days) == (
        "Atelier Durand & Fils", "552081317", "FR", 30)
    second = Invoice.objects.get(number="F2026-0002")
    assert (second.due_date.isoformat(), second.amount_excl_tax, second.vat,
            second.po_number) == ("2026-11-15", Decimal("500.00"), Decimal("100.00"), "PO-77")
    payment = Payment.objects.get(reference="P0002")
    assert payment.date.isoformat() == "2026-11-03"
    assert list(payment.allocations.values_list("invoice__number", "amount")) == [
        ("F2026-0002", Decimal("300.00"))]
    assert (payment.unapplied_amount, second.open_amount) == (Decimal("0.00"),
                                                              Decimal("300.00"))


def test_without_a_currency_column_an_invoice_in_dollars_stays_in_dollars(tmp_path):
    run_import(CORPUS / "valid")
    Invoice.objects.filter(number="F2026-0004").update(currency="USD")
    newer = tmp_path / "newer"
    newer.mkdir()
    (newer / "invoices.csv").write_text(
        "number,customer_ref,issue_date,due_date,amount_total\n"
        "F2026-0004,C003,2026-11-01,2026-12-31,150.00\n")

    run_import(newer)

    fourth = Invoice.objects.get(number="F2026-0004")
    assert (fourth.currency, fourth.amount_total) == ("USD", Decimal("150.00"))
