"""The PDF documents of the delivery app: print batches, and a customer's history as an
evidence file. Letters and invoice summaries are composed in relance.compose.documents.

`print_batch` is pure: PDF bytes in, PDF bytes out.
"""
from relance.delivery.documents.batch import print_batch
from relance.delivery.documents.history import history_pdf

__all__ = ["history_pdf", "print_batch"]
