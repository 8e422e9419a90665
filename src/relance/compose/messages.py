"""A message's snapshot, per channel: who it goes to, what it says, what goes with it.

`prepare(message, wording, invoices)` fills the message from the action's rendered
wording: recipients, subject, text, HTML, Message-ID and attachments for an email; the
postal address and the letter's PDF for a letter; the contact's name and phone for a
call or a task. An email whose action's summary says `statement` carries the
customer's statement of claim as of the wording's day instead of the invoices. The
channels of relance.delivery then only transmit what is prepared here.
"""
import hashlib
from email.utils import formataddr
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import translation

from relance.delivery.models import Postage
from relance.compose.documents.statement import statement_attachment
from relance.portal.emails import text_links


def prepare(message, wording, invoices):
    """Fill `message`'s snapshot for its channel (not saved)."""
    PREPARERS[message.channel](message, wording, invoices)


def attach(message, name, content):
    """Store a file that goes out with `message`, with its fingerprint as evidence."""
    message.attachments.create(
        name=name, file=ContentFile(content, name=name), size=len(content),
        sha256=hashlib.sha256(content).hexdigest())


def invoice_document(company, customer, invoice, language):
    """(file name, bytes): the invoice's own PDF when the creditor gave one, else a
    generated summary that says it is one."""
    if invoice.pdf:
        with invoice.pdf.open("rb") as handle:
            return f"{invoice.number}.pdf", handle.read()
    from relance.compose.documents import invoice_summary_pdf  # WeasyPrint: slow to import
    content = invoice_summary_pdf(company, customer, _invoice_data(invoice), language)
    return f"{invoice.number}-summary.pdf", content


def _invoice_data(invoice):
    return {"number": invoice.number, "issue_date": invoice.issue_date,
            "due_date": invoice.due_date, "amount_excl_tax": invoice.amount_excl_tax,
            "vat": invoice.vat, "amount": invoice.amount_total,
            "open_amount": invoice.open_amount, "currency": invoice.currency}


def message_id_for(message, domain):
    """Stable for the life of the message: a retry after a crash carries the same one,
    so a receiving server or a reader can tell a duplicate."""
    return f"<relance.{message.company_id}.{message.action_id}.{message.pk}@{domain}>"


def email(message, wording, invoices):
    action = message.action
    company, customer = action.company, action.customer
    context = wording.context
    message.sender = formataddr((company.name, company.email or settings.DEFAULT_FROM_EMAIL))
    message.reply_to = context["collector"]["email"] or company.email
    message.recipients = [action.contact.email]
    rep = customer.sales_rep
    message.copies = [rep.email] if action.copy_sales_rep and rep and rep.email else []
    # The portal's action links close the text part, as buttons close the HTML one.
    message.subject = wording.subject
    message.text = wording.body + text_links(context.get("portal_url"), wording.language)
    with translation.override(wording.language):
        message.html = render_to_string("delivery/email/reminder.html", {
            "paragraphs": [p for p in wording.body.split("\n\n") if p.strip()],
            "context": context, "subject": wording.subject})
    domain = message.sender.rpartition("@")[2].rstrip(">") or "relance.localhost"
    message.message_id = message_id_for(message, domain)
    if (action.summary or {}).get("statement"):
        attach(message, *statement_attachment(customer, wording.today, wording.language))
    elif action.step is None or action.step.attach_invoices:
        for invoice in invoices:
            attach(message, *invoice_document(context["company"], context["customer"],
                                              invoice, wording.language))


def letter(message, wording, invoices, postage):
    action = message.action
    context = wording.context
    message.subject, message.text = wording.subject, wording.body
    message.recipients = [line for line in (
        [context["customer"]["name"]]
        + ([context["contact"]["name"]] if context["contact"] else [])
        + context["customer"]["address"].splitlines()) if line]
    message.postage = postage
    from relance.compose.documents import letter_pdf   # WeasyPrint: slow to import
    content = letter_pdf(context, wording.subject, wording.body, wording.language,
                         registered=postage == Postage.REGISTERED)
    attach(message, f"letter-{action.customer.reference}-{action.pk}.pdf", content)


def task(message, wording, invoices):
    """A call or a manual task: the collector's call list shows who to call."""
    contact = message.action.contact
    message.recipients = [f"{contact.name} {contact.phone}".strip()] if contact else []
    message.subject, message.text = wording.subject, wording.body


PREPARERS = {
    "email": email,
    "letter": partial(letter, postage=Postage.SIMPLE),
    "registered_letter": partial(letter, postage=Postage.REGISTERED),
    "call": task,
    "task": task,
}
