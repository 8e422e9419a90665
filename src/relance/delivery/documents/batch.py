"""Many letters in one PDF, for the printer or the mail house."""
from io import BytesIO

from pypdf import PdfReader, PdfWriter


def print_batch(pdfs: list[bytes], *, duplex=True) -> bytes:
    """One PDF of all the letters, each starting on a new sheet.

    Printed on both sides (`duplex`), a letter with an odd number of pages gets a blank
    page after it, so that the next letter does not start on the back of its last sheet.
    """
    if not pdfs:
        raise ValueError("a print batch needs at least one letter")
    writer = PdfWriter()
    for pdf in pdfs:
        reader = PdfReader(BytesIO(pdf))
        writer.append(reader)
        if duplex and len(reader.pages) % 2:
            writer.add_blank_page()  # the size of the page before it
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
