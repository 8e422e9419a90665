"""One small class per channel, all with the same two methods.

`prepare(message, wording, invoices)` fills the message's snapshot (recipients,
subject, text, HTML, attachments) from the action's rendered wording; `deliver(message,
postman)` makes it go out and returns the addresses refused while others accepted it,
or raises `DeliveryFailed` with `permanent` set when trying again cannot help.
An email whose action's summary says `statement` carries the customer's statement of
claim as of the wording's day instead of the invoices. `completes_action` says whether delivery finishes the action (an
email, a letter) or hands it to a person (a call, a task).
"""
import hashlib
import re
import smtplib
import socket
from email.utils import formataddr, parseaddr
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import translation

from relance.delivery.models import Postage
from relance.legal.statement_files import statement_attachment
from relance.portal.emails import text_links


class DeliveryFailed(Exception):
    """Delivery did not happen. `permanent`: retrying cannot help; `refused`: the
    addresses the mail server rejected (a bounce); `reroute`: the action should go to
    another contact or channel (always so after a bounce)."""

    def __init__(self, reason, *, permanent=False, refused=(), reroute=False):
        super().__init__(reason)
        self.permanent = permanent
        self.refused = list(refused)
        self.reroute = reroute or bool(self.refused)


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
    from relance.delivery.documents import invoice_summary_pdf  # WeasyPrint: slow to import
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


class Email:
    completes_action = True

    def prepare(self, message, wording, invoices):
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

    def deliver(self, message, postman):
        sender = parseaddr(message.sender)[1]
        return postman.send(sender, self.mime(message), message.recipients + message.copies)

    def mime(self, message):
        """The email exactly as it goes on the wire (also what the evidence page
        offers for download)."""
        mail = EmailMultiAlternatives(
            subject=message.subject, body=message.text, from_email=message.sender,
            to=message.recipients, cc=message.copies,
            reply_to=[message.reply_to] if message.reply_to else None,
            headers={"Message-ID": message.message_id,
                     "X-Relance-Action": str(message.action_id)})
        mail.attach_alternative(message.html, "text/html")
        for attachment in message.attachments.all():
            with attachment.file.open("rb") as handle:
                mail.attach(attachment.name, handle.read(), attachment.content_type)
        return mail.message()


class Letter:
    completes_action = True

    def __init__(self, postage):
        self.postage = postage

    def prepare(self, message, wording, invoices):
        action = message.action
        context = wording.context
        message.subject, message.text = wording.subject, wording.body
        message.recipients = [line for line in (
            [context["customer"]["name"]]
            + ([context["contact"]["name"]] if context["contact"] else [])
            + context["customer"]["address"].splitlines()) if line]
        message.postage = self.postage
        from relance.delivery.documents import letter_pdf   # WeasyPrint: slow to import
        content = letter_pdf(context, wording.subject, wording.body,
                                       wording.language,
                                       registered=self.postage == Postage.REGISTERED)
        attach(message, f"letter-{action.customer.reference}-{action.pk}.pdf", content)

    def deliver(self, message, postman):
        """A letter goes out on paper: once rendered it waits in the day's print batch
        until someone records it as posted."""
        return {}


class Task:
    """A call or a manual task: delivery hands it to the customer's collector, whose
    call list shows it until an outcome is logged."""

    completes_action = False

    def prepare(self, message, wording, invoices):
        contact = message.action.contact
        message.recipients = [f"{contact.name} {contact.phone}".strip()] if contact else []
        message.subject, message.text = wording.subject, wording.body

    def deliver(self, message, postman):
        return {}


CHANNELS = {
    "email": Email(),
    "letter": Letter(Postage.SIMPLE),
    "registered_letter": Letter(Postage.REGISTERED),
    "call": Task(),
    "task": Task(),
}


class Postman:
    """One SMTP connection kept open across messages, reopened after a failure.

    It talks to smtplib itself rather than through Django's backend, which drops the
    per-recipient refusals that tell a bounce."""

    def __init__(self):
        self.backend = None

    def send(self, sender, mime, recipients):
        """Hand `mime` to the server; the refused addresses when others got it."""
        if settings.EMAIL_BACKEND.endswith(".filebased.EmailBackend"):
            return _to_file(mime)
        try:
            return self._connection().sendmail(sender, recipients,
                                               mime.as_bytes(linesep="\r\n"))
        except smtplib.SMTPRecipientsRefused as error:
            # 5xx: the address does not exist (a bounce); 4xx: try later (greylisting)
            bounced = {a: r for a, r in error.recipients.items() if 500 <= r[0] < 600}
            raise DeliveryFailed(refusal(error.recipients), refused=bounced,
                                 permanent=len(bounced) == len(error.recipients)) from error
        except smtplib.SMTPResponseException as error:
            self.close()
            raise DeliveryFailed(f"{error.smtp_code} {_text(error.smtp_error)}",
                                 permanent=500 <= error.smtp_code < 600) from error
        except (smtplib.SMTPException, OSError, socket.timeout) as error:
            self.close()
            raise DeliveryFailed(f"{type(error).__name__}: {error}") from error

    def _connection(self):
        if self.backend is None:
            backend = get_connection(fail_silently=False)
            backend.open()
            self.backend = backend
        return self.backend.connection

    def close(self):
        if self.backend is not None:
            try:
                self.backend.close()
            except Exception:   # the connection is already gone; nothing to keep
                pass
            self.backend = None


def _to_file(mime):
    """EMAIL_URL=file:///folder (the demo without a mail server): one .eml per message,
    named after its Message-ID so a second delivery overwrites the first."""
    folder = Path(settings.EMAIL_FILE_PATH)
    folder.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9.@-]", "", mime["Message-ID"]) or "message"
    (folder / f"{name}.eml").write_bytes(mime.as_bytes())
    return {}


def _text(value):
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def refusal(refused):
    return "; ".join(f"{address}: {code} {_text(reason)}"
                     for address, (code, reason) in refused.items())
