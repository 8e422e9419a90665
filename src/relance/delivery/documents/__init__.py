"""The PDF documents of the delivery app: letters and formal notices, invoice
summaries, print batches, and a customer's history as an evidence file.

Everything but `history_pdf` is pure: plain data in, PDF bytes out.
"""
from relance.delivery.documents.batch import print_batch
from relance.delivery.documents.history import history_pdf
from relance.delivery.documents.letters import invoice_summary_pdf, letter_pdf

__all__ = ["history_pdf", "invoice_summary_pdf", "letter_pdf", "print_batch"]
