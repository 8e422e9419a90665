"""Opening import files: CSV in the encodings and separators French software writes,
and Excel workbooks. A reader yields (line number, cell texts in the schema's field
order, how many cells the row has beyond or short of the header) through a column
mapping, so every format feeds the same row checks and the same writer.

A header naming a column twice is refused (which one would be read?), and so is a row
whose cells do not line up with the header (an unquoted separator in a name, a
forgotten one): `rows.read` reports it on its line. Empty cells after the last column
(a trailing separator) are not cells.
"""
import csv
import datetime as dt
import zipfile
from operator import itemgetter
from pathlib import Path

from django.utils.translation import gettext as _

from relance import textfiles
from relance.textfiles import Problem

SNIFF_BYTES = 64 * 1024
# What a workbook may hold (ExcelSource): a ledger beyond these is a CSV's job.
MAX_UNCOMPRESSED_BYTES = 500_000_000
MAX_SHARED_STRINGS_BYTES = 100_000_000
MAX_RATIO = 100
MAX_ROWS = 1_000_000
MAX_COLUMNS = 200


class FileRejected(Exception):
    """The file as a whole cannot be read (empty, wrong encoding, missing columns)."""

    def __init__(self, problem):
        super().__init__(str(problem))
        self.problem = problem


class Source:
    """A readable table with a header, mapped onto schema field names."""

    name = ""
    columns = ()

    def __init__(self, mapping=None):
        self.mapping = mapping  # field name -> column name; None maps columns to themselves

    def column_of(self, field_name):
        if self.mapping is None:
            return field_name
        return self.mapping.get(field_name, "")

    def check_columns(self, schema):
        """Raise FileRejected naming every required field that has no column."""
        missing = [f for f in schema.required if self.column_of(f) not in self.columns]
        if missing:
            names = ", ".join(self.column_of(f) or f for f in missing)
            raise FileRejected(Problem(self.name, 1, names,
                                       _("missing required column(s): %(names)s")
                                       % {"names": names}))

    def _cells_of(self, schema):
        """A function from a row's cells, padded to the header's width, to the texts of
        the schema's fields in order: "" for a field the file has no column for (it
        reads the extra cell `pad` appends)."""
        index = {column: i for i, column in enumerate(self.columns)}
        width = len(self.columns)
        positions = [index.get(self.column_of(f.name), width) for f in schema.fields]
        if len(positions) == 1:
            return lambda cells: (cells[positions[0]],)
        return itemgetter(*positions)

    def _pad(self, cells):
        """(the row's cells cut or padded with "" to the header's width, then "", and
        how many cells it has more (positive) or fewer (negative) than the header,
        blank cells at its end not counted as more)."""
        width = len(self.columns)
        off = 0
        if len(cells) != width:
            filled = len(cells)
            while filled > width and not cells[filled - 1].strip():
                filled -= 1
            off = filled - width if filled > width else len(cells) - width
            cells = cells[:width] + [""] * (width - len(cells))
        cells.append("")
        return cells, off

    def _check_header(self):
        """Refuse a header that names a column twice."""
        seen = set()
        for column in self.columns:
            if column and column in seen:
                raise FileRejected(Problem(self.name, 1, column, _(
                    "the column %(column)s appears twice in the header") % {"column": column}))
            seen.add(column)


class CsvSource(Source):
    def __init__(self, path, name=None, mapping=None, encoding=None, delimiter=None):
        super().__init__(mapping)
        self.path = Path(path)
        self.name = name or self.path.name
        with open(self.path, "rb") as f:
            head = f.read(SNIFF_BYTES)
        if not head.strip():
            raise FileRejected(Problem(self.name, 0, "", _("the file is empty")))
        try:
            self.encoding = encoding or textfiles.detect_encoding(head)
        except textfiles.EncodingProblem as exc:
            line = head[:exc.offset].count(b"\n") + 1
            raise FileRejected(Problem(self.name, line, "", str(exc))) from None
        first_line = head.decode(self.encoding, errors="replace").splitlines()[0]
        self.delimiter = delimiter or textfiles.detect_delimiter(first_line)
        self.columns = [c.strip() for c in next(csv.reader([first_line.lstrip("\ufeff")],
                                                           delimiter=self.delimiter))]
        self._check_header()

    def count_lines(self):
        with open(self.path, "rb") as f:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))

    def rows(self, schema):
        """Yield (line number, texts of the schema's fields) for every data line."""
        texts_of, pad = self._cells_of(schema), self._pad
        with open(self.path, encoding=self.encoding, newline="") as f:
            reader = csv.reader(f, delimiter=self.delimiter)
            try:
                next(reader)
                for cells in reader:
                    if not cells or (len(cells) == 1 and not cells[0].strip()):
                        continue
                    padded, off = pad(cells)
                    yield reader.line_num, texts_of(padded), off
            except UnicodeDecodeError:
                raise FileRejected(self._locate_bad_byte()) from None
            except csv.Error as exc:
                raise FileRejected(Problem(self.name, reader.line_num, "",
                                           _("malformed CSV: %(error)s") % {"error": exc})) from None


    def _locate_bad_byte(self):
        """The decoder reads ahead of the CSV reader, so find the line again in the bytes."""
        with open(self.path, "rb") as f:
            for line, raw in enumerate(f, 1):
                try:
                    raw.decode(self.encoding)
                except UnicodeDecodeError as exc:
                    return Problem(self.name, line, "", _(
                        "not valid %(encoding)s text (byte 0x%(byte)02x); save the file as "
                        "UTF-8 or Windows-1252") % {"encoding": self.encoding,
                                                     "byte": raw[exc.start]})
        return Problem(self.name, 0, "", _("not valid %(encoding)s text")
                       % {"encoding": self.encoding})


class ExcelSource(Source):
    """The first sheet of an .xlsx workbook; its first non-empty row is the header.

    A workbook is a ZIP of XML parts: before openpyxl opens it, the ZIP's directory is
    read and the workbook refused when its parts would uncompress to more than
    MAX_UNCOMPRESSED_BYTES, or any part more than MAX_RATIO times its compressed size
    (a ZIP bomb), or its shared strings to more than MAX_SHARED_STRINGS_BYTES (openpyxl
    reads them whole). Rows beyond MAX_ROWS and cells beyond MAX_COLUMNS a row are
    refused as they are read. A damaged workbook, whenever openpyxl finds out, is a
    FileRejected naming the file (and the line when known), never a crash, and its
    message names no path of the server."""

    def __init__(self, path, name=None, mapping=None):
        import openpyxl

        super().__init__(mapping)
        self.path = Path(path)
        self.name = name or self.path.name
        _check_workbook_zip(self.path, self.name)
        try:
            self.book = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a damaged file
            raise FileRejected(Problem(self.name, 0, "", _(
                "not a readable Excel workbook (.xlsx)"))) from None
        if not self.book.worksheets:
            self.book.close()
            raise FileRejected(Problem(self.name, 0, "", _("the workbook has no sheet")))
        self.sheet = self.book.worksheets[0]
        try:
            header = next(self.sheet.iter_rows(max_row=1, values_only=True), None)
        except Exception:
            self.book.close()
            raise FileRejected(Problem(self.name, 1, "", _(
                "not a readable Excel workbook (.xlsx)"))) from None
        if header is not None and len(header) > MAX_COLUMNS:
            self.book.close()
            raise FileRejected(Problem(self.name, 1, "", _(
                "the sheet has %(count)s columns; at most %(limit)s")
                % {"count": len(header), "limit": MAX_COLUMNS}))
        if not header or all(cell is None for cell in header):
            raise FileRejected(Problem(self.name, 0, "", _("the file is empty")))
        self.columns = [_cell_text(c).strip() for c in header]
        while self.columns and not self.columns[-1]:
            self.columns.pop()      # formatted but empty cells after the last column
        self._check_header()

    def count_lines(self):
        return self.sheet.max_row or 0

    def rows(self, schema):
        texts_of = self._cells_of(schema)
        line = 1
        try:
            for line, cells in enumerate(self.sheet.iter_rows(min_row=2, values_only=True),
                                         2):
                if line > MAX_ROWS:
                    raise FileRejected(Problem(self.name, line, "", _(
                        "the sheet has more than %(limit)s rows") % {"limit": MAX_ROWS}))
                texts = [_cell_text(c) for c in cells[:MAX_COLUMNS + 1]]
                if not any(t.strip() for t in texts):
                    continue
                padded, off = self._pad(texts)
                # A sheet's rows are as wide as its widest: missing cells are empty ones.
                yield line, texts_of(padded), max(off, 0)
        except FileRejected:
            raise
        except Exception:  # a damaged part found as it is read (a bad shared string...)
            raise FileRejected(Problem(self.name, line + 1, "", _(
                "not a readable Excel workbook (.xlsx)"))) from None


def _check_workbook_zip(path, name):
    """Refuse a workbook whose parts would uncompress to too much, before any is."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileRejected(Problem(name, 0, "", _(
            "not a readable Excel workbook (.xlsx)"))) from None
    total = sum(part.file_size for part in parts)
    bomb = any(part.file_size > MAX_RATIO * max(part.compress_size, 1) + 1024 * 1024
               for part in parts)
    strings = sum(part.file_size for part in parts
                  if part.filename.lower().endswith("sharedstrings.xml"))
    if total > MAX_UNCOMPRESSED_BYTES or bomb or strings > MAX_SHARED_STRINGS_BYTES:
        raise FileRejected(Problem(name, 0, "", _(
            "the workbook would uncompress to more than Relance reads (%(limit)s MB, or "
            "a part over %(ratio)s times its compressed size): save it as CSV")
            % {"limit": MAX_UNCOMPRESSED_BYTES // 1_000_000, "ratio": MAX_RATIO}))


def _cell_text(value):
    """Excel cells hold typed values; the row checks read text, so write them back."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(round(value, 6)) if value != int(value) else str(int(value))
    return str(value)


def open_source(path, name=None, mapping=None):
    suffix = Path(name or path).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return ExcelSource(path, name, mapping)
    return CsvSource(path, name, mapping)


def preview(source, limit=5):
    """The first non-blank data rows of a source as lists of cell texts.

    A CSV preview decodes only the sniffed head, replacing bad bytes: a damaged line
    further down is the import's to report with its line number, not the preview's.
    """
    if isinstance(source, ExcelSource):
        rows = ([_cell_text(c) for c in cells[:MAX_COLUMNS]]
                for cells in source.sheet.iter_rows(min_row=2, values_only=True))
        try:
            return _first_filled(rows, limit)
        except Exception:  # a damaged part: the import reports it with its line
            return []
    with open(source.path, "rb") as f:
        head = f.read(SNIFF_BYTES)
    lines = head.decode(source.encoding, errors="replace").splitlines(keepends=True)
    if len(head) == SNIFF_BYTES:
        lines = lines[:-1]  # the sample may end in the middle of a line
    reader = csv.reader(lines[1:], delimiter=source.delimiter)
    try:
        return _first_filled(reader, limit)
    except csv.Error:
        return []


def _first_filled(rows, limit):
    found = []
    for cells in rows:
        if any(cell.strip() for cell in cells):
            found.append(cells)
            if len(found) == limit:
                break
    return found
