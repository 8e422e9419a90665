"""Relance: get B2B invoices paid."""
