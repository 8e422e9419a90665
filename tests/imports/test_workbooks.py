"""Malformed Excel workbooks through the web import: each refused with its precise
message, no page ever answering 500, no path of the server shown, the upload removed,
and the ledger unchanged.

The workbooks are written here, part by part (`workbook`): a ZIP of the few XML parts
an .xlsx needs, so that each can be broken in one precise way.
"""
import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from django.conf import settings

from relance.imports import readers
from relance.imports.models import ImportRun
from relance.ledger.models import Customer
from tests.imports.test_web_import import (  # noqa: F401  (fixtures)
    claire, company, import_as_guessed, mapping_url, upload,
)

pytestmark = pytest.mark.django_db

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets>{sheets}</sheets></workbook>"""
SHEET_ENTRY = '<sheet name="Clients" sheetId="1" r:id="rId1"/>'
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""
SHEET = """<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"""
STRINGS = """<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{items}</sst>"""


def cell(value):
    """An inline-string cell, or a shared-string one for ("s", index)."""
    if isinstance(value, tuple):
        return f'<c t="s"><v>{value[1]}</v></c>'
    return f'<c t="inlineStr"><is><t>{value}</t></is></c>'


def workbook(rows, *, sheets=True, strings=(), sheet_xml=None, extra=None):
    """The bytes of an .xlsx holding `rows` (lists of cells) on its one sheet."""
    body = "".join("<row>" + "".join(cell(v) for v in row) + "</row>" for row in rows)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml",
                         WORKBOOK.format(sheets=SHEET_ENTRY if sheets else ""))
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml or SHEET.format(rows=body))
        archive.writestr("xl/sharedStrings.xml", STRINGS.format(
            items="".join(f"<si><t>{s}</t></si>" for s in strings)))
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


HEADER = ["customer_ref", "name"]
GOOD = [HEADER, ["X1", "Alpha"]]


def test_the_generated_workbook_itself_imports(claire):
    result = import_as_guessed(claire, workbook(GOOD), "clients.xlsx", "customers")
    assert result.context["run"].committed
    assert Customer.objects.get().name == "Alpha"


def zip_of(files):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def many_columns():
    return workbook([[f"c{n}" for n in range(250)], ["X1"] * 250])


def bomb():
    return workbook(GOOD, extra={"xl/media/padding.xml": "0" * 30_000_000})


def repeated_header():
    return workbook([["customer_ref", "name", "name"], ["X1", "Alpha", "Beta"]])


REFUSED_AT_UPLOAD = [
    ("not a zip", lambda: b"PK\x03\x04 broken", "not a readable Excel workbook (.xlsx)"),
    ("a zip of something else", lambda: zip_of({"notes.txt": "hello"}),
     "not a readable Excel workbook (.xlsx)"),
    ("a truncated workbook", lambda: workbook(GOOD)[:300],
     "not a readable Excel workbook (.xlsx)"),
    ("no sheet", lambda: workbook(GOOD, sheets=False), "the workbook has no sheet"),
    ("a sheet that is not XML", lambda: workbook(GOOD, sheet_xml="<worksheet><sheetData>"),
     "not a readable Excel workbook (.xlsx)"),
    ("an empty sheet", lambda: workbook([]), "the file is empty"),
    ("250 columns", many_columns, "the sheet has 250 columns; at most 200"),
    ("a ZIP bomb", bomb, "the workbook would uncompress to more than Relance reads"),
    ("a header naming a column twice", repeated_header,
     "the column name appears twice in the header"),
    ("a header of blank cells", lambda: workbook([["", ""], ["X1", "Alpha"]]),
     "The first line of the file holds no column names."),
]


@pytest.mark.parametrize("make, message", [(m, t) for _n, m, t in REFUSED_AT_UPLOAD],
                         ids=[name for name, _m, _t in REFUSED_AT_UPLOAD])
def test_a_broken_workbook_is_refused_at_upload(claire, make, message):
    uploads = settings.HOME / "uploads"
    before = set(uploads.iterdir()) if uploads.exists() else set()
    page = upload(claire, make(), "clients.xlsx", "customers")

    assert page.status_code == 200
    text = page.content.decode().replace("&#x27;", "'")
    assert message in text
    assert str(settings.HOME) not in text and "/tmp" not in text
    assert set(uploads.iterdir()) == before
    assert ImportRun.objects.count() == 0 and Customer.objects.count() == 0


def shared_string_out_of_range():
    return workbook([HEADER, ["X1", ("s", 999)]], strings=["Alpha"])


def wider_row():
    return workbook([HEADER, ["X1", "Alpha", "stray", "cells"]])


def date_out_of_window():
    book = openpyxl.Workbook()
    book.active.append(["number", "customer_ref", "issue_date", "due_date", "amount_total"])
    book.active.append(["F-1", "X1", dt.date(2026, 1, 1), dt.date(9999, 12, 31), 10])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


REFUSED_AT_IMPORT = [
    ("a shared string out of range", shared_string_out_of_range, "customers",
     "clients.xlsx, line 2: not a readable Excel workbook (.xlsx)"),
    ("a row wider than the header", wider_row, "customers",
     "the row has 4 cells where the header has 2"),
    ("a date out of the ledger's window", date_out_of_window, "invoices",
     "9999-12-31 is outside the dates the ledger accepts"),
]


@pytest.mark.parametrize("make, entity, message",
                         [(m, e, t) for _n, m, e, t in REFUSED_AT_IMPORT],
                         ids=[name for name, *_rest in REFUSED_AT_IMPORT])
def test_a_workbook_broken_further_down_is_refused_by_the_import(claire, make, entity,
                                                                 message):
    result = import_as_guessed(claire, make(), "clients.xlsx", entity)

    assert result.status_code == 200
    text = result.content.decode().replace("&#x27;", "'")
    assert "nothing was imported" in text
    assert message in text or message in " ".join(
        str(p) for p in result.context["report"].problems)
    assert Customer.objects.count() == 0


def test_a_sheet_longer_than_the_limit_is_refused_at_its_first_row_beyond(claire,
                                                                          monkeypatch):
    monkeypatch.setattr(readers, "MAX_ROWS", 3)
    rows = [HEADER] + [[f"X{n}", f"Name {n}"] for n in range(5)]
    result = import_as_guessed(claire, workbook(rows), "clients.xlsx", "customers")
    problems = [str(p) for p in result.context["report"].problems]
    assert problems == ["clients.xlsx, line 4: the sheet has more than 3 rows"]
    assert Customer.objects.count() == 0


def test_shared_strings_beyond_the_limit_are_refused_before_reading(claire, monkeypatch):
    monkeypatch.setattr(readers, "MAX_SHARED_STRINGS_BYTES", 1_000)
    page = upload(claire, workbook(GOOD, strings=["x" * 50] * 100), "clients.xlsx",
                  "customers")
    assert "the workbook would uncompress to more than Relance reads" in page.content.decode()
