"""Small filters of the debtor's pages."""
from django import template

register = template.Library()


@register.filter
def answer_for(answered, invoice_id):
    """What the debtor already said about an invoice (Statement.answered)."""
    return answered.get(invoice_id, {})
