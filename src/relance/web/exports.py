"""Every list exports to CSV and Excel with its current filters: `?format=csv|xlsx`.

A list view builds its filtered queryset as usual and, when `wanted(request)`, hands
it to `response()` with its columns. The file is streamed: rows are read from the
database in chunks (`iterator()`), so a list of a million invoices never sits in memory.

- CSV is what French Excel opens with a double click: UTF-8 with a byte order mark
  (without it Excel reads the accents as Windows-1252), `;` between fields (Excel in
  French uses the comma as decimal separator, so it expects semicolons), and numbers
  with the decimal separator of the page's language (a comma in French).
- XLSX is written by openpyxl in write-only mode, row by row into a temporary file
  that is then streamed; numbers are numbers and dates are dates, so they sort and sum.
- Text is never a formula: in CSV a text cell that a spreadsheet would read as one
  (`=`, `+`, `-`, `@`, tab, carriage return first) starts with an apostrophe
  (`textfiles.spreadsheet_safe`); in XLSX every text cell is written as a string.
"""
import csv
import datetime as dt
import tempfile
from dataclasses import dataclass
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils import formats, timezone

from relance.textfiles import spreadsheet_safe

TEXT, NUMBER, DATE = "text", "number", "date"
FORMATS = ("csv", "xlsx")
CHUNK = 2000


@dataclass(frozen=True)
class Column:
    header: str
    value: object          # an attribute name, or a function of the row
    kind: str = TEXT

    def of(self, row):
        value = self.value(row) if callable(self.value) else getattr(row, self.value)
        return "" if value is None else value


def wanted(request):
    return request.GET.get("format") in FORMATS


def response(request, rows, columns, name):
    """The file of `rows` (a queryset or an iterable) in the requested format."""
    stamp = timezone.localdate().isoformat()
    if hasattr(rows, "iterator"):
        rows = rows.iterator(chunk_size=CHUNK)
    if request.GET.get("format") == "xlsx":
        return _xlsx(rows, columns, f"{name}-{stamp}.xlsx")
    return _csv(rows, columns, f"{name}-{stamp}.csv")


class _Echo:
    """csv.writer writes into this and gets the line back, to be streamed."""

    def write(self, value):
        return value


def csv_cell(value, kind):
    if kind == NUMBER and value != "":
        return formats.number_format(Decimal(value), use_l10n=True)
    if kind == DATE and value != "":
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return spreadsheet_safe(str(value))


def _csv(rows, columns, filename):
    writer = csv.writer(_Echo(), delimiter=";")

    def lines():
        yield "\ufeff" + writer.writerow([str(c.header) for c in columns])
        for row in rows:
            yield writer.writerow([csv_cell(c.of(row), c.kind) for c in columns])

    answer = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    answer["Content-Disposition"] = f'attachment; filename="{filename}"'
    return answer


def xlsx_cell(value, kind, sheet=None):
    if kind == NUMBER:
        return value   # openpyxl writes Decimal as a number, exactly
    if isinstance(value, dt.datetime):
        # Excel knows no time zones: the local time the page would show.
        return timezone.localtime(value).replace(tzinfo=None)
    if kind == DATE:
        return value
    return _text_cell(sheet, str(value)) if sheet is not None else str(value)


def _text_cell(sheet, text):
    """A cell holding `text` as a string: openpyxl would make `=...` a formula."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    return cell


def _xlsx(rows, columns, filename):
    from openpyxl import Workbook  # a second to import: only when a file is asked for

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([str(c.header) for c in columns])
    for row in rows:
        sheet.append([xlsx_cell(c.of(row), c.kind, sheet) for c in columns])
    handle = tempfile.TemporaryFile()
    book.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
