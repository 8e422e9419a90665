"""One small class per channel, all with the same method.

A message reaches its channel prepared (relance.compose.messages: recipients, subject,
text, HTML, attachments); `deliver(message, postman)` makes it go out and returns the
addresses refused while others accepted it, or raises `DeliveryFailed` with
`permanent` set when trying again cannot help. `completes_action` says whether delivery
finishes the action (an email, a letter) or hands it to a person (a call, a task).
"""
import re
import smtplib
import socket
from email.utils import parseaddr
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection


class DeliveryFailed(Exception):
    """Delivery did not happen. `permanent`: retrying cannot help; `refused`: the
    addresses the mail server rejected (a bounce); `reroute`: the action should go to
    another contact or channel (always so after a bounce)."""

    def __init__(self, reason, *, permanent=False, refused=(), reroute=False):
        super().__init__(reason)
        self.permanent = permanent
        self.refused = list(refused)
        self.reroute = reroute or bool(self.refused)


class Email:
    completes_action = True

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

    def deliver(self, message, postman):
        """A letter goes out on paper: once rendered it waits in the day's print batch
        until someone records it as posted."""
        return {}


class Task:
    """A call or a manual task: delivery hands it to the customer's collector, whose
    call list shows it until an outcome is logged."""

    completes_action = False

    def deliver(self, message, postman):
        return {}


CHANNELS = {
    "email": Email(),
    "letter": Letter(),
    "registered_letter": Letter(),
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
