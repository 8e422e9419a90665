"""Reading back the PDFs Relance renders: their text as a person would quote it.

Assertions quote a PDF's text with plain spaces ("1 400,00", "Promise to pay"), while
the PDF holds what the renderer laid out: French amounts group digits with a narrow
no-break space (U+202F) or a no-break space (U+00A0), and a line breaks wherever the
fonts found on the machine make a table cell full (DejaVu Sans is wider than Liberation
Sans). So every Unicode space separator (category Zs) becomes a plain space, and every
run of white space, line breaks included, one space.
"""
import unicodedata
from io import BytesIO

from pypdf import PdfReader


def plain(text):
    """`text` with each space separator made a plain space, white space runs made one."""
    return " ".join("".join(" " if unicodedata.category(c) == "Zs" else c
                            for c in text).split())


def pdf_pages(pdf):
    """The pages of a PDF (bytes) as pypdf reads them."""
    return PdfReader(BytesIO(pdf)).pages


def page_count(pdf):
    return len(pdf_pages(pdf))


def page_texts(pdf):
    """The plain text of each page of a PDF (bytes)."""
    return [plain(page.extract_text()) for page in pdf_pages(pdf)]


def pdf_text(pdf):
    """All the plain text of a PDF (bytes), its pages joined by a space."""
    return " ".join(page_texts(pdf))
