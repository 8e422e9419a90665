"""`smtp_server`: a real SMTP server on loopback that keeps what it receives.

    def test_reminder_is_emailed(smtp_server):
        send_reminder(...)
        [mail] = smtp_server.messages
        assert mail.recipients == ["compta@client.example"]
        assert mail.message["Subject"] == "..."

Django's email settings point at the server for the duration of the test, through
the same EMAIL_URL parsing as production (relance.env.email_settings).
"""
import email
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from relance import env
from tests.plugins.ports import free_port


@dataclass
class ReceivedMail:
    sender: str
    recipients: list
    message: EmailMessage


@dataclass
class Mailbox:
    """The aiosmtpd handler: every accepted message is parsed and kept in order."""

    messages: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    host: str
    port: int
    mailbox: Mailbox

    @property
    def url(self):
        """The server as an EMAIL_URL, for code or subprocesses configured by URL."""
        return f"smtp://{self.host}:{self.port}"

    @property
    def messages(self):
        return self.mailbox.messages


@pytest.fixture
def smtp_server(settings):
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    server = SmtpServer("127.0.0.1", controller.port, mailbox)
    # pytest-django swaps in the in-memory backend for tests; this test wants the wire.
    settings.EMAIL_URL = server.url
    for name, value in env.email_settings(server.url).items():
        setattr(settings, name, value)
    yield server
    controller.stop()
