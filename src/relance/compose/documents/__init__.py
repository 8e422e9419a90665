"""The PDF documents a reminder is composed with: letters and formal notices, and
invoice summaries. Pure: plain data in, PDF bytes out. WeasyPrint takes a second to
import: import this package only when a PDF is made."""
from relance.compose.documents.letters import invoice_summary_pdf, letter_pdf

__all__ = ["invoice_summary_pdf", "letter_pdf"]
