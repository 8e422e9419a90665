"""`smtp_server`: a real SMTP server on loopback that keeps what it receives.

    def test_reminder_is_emailed(smtp_server):
        send_reminder(...)
        [mail] = smtp_server.messages
        assert mail.recipients == ["compta@client.example"]
        assert mail.message["Subject"] == "..."

Django's email settings point at the server for the duration of the test, through
the same EMAIL_URL parsing as production (relance.env.email_settings).
"""
import asyncio
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
    """The aiosmtpd handler: every accepted message is parsed and kept in order.

    Faults on demand, for delivery tests: `unknown` addresses are refused at RCPT
    with 550 (a bounce); `fail_data(n)` answers 451 to the n-th DATA (counted from 1)
    when it returns True; `stall_data(n)` makes the server sit on it for `stall`
    seconds (a timeout for a client with a shorter one)."""

    messages: list = field(default_factory=list)
    unknown: set = field(default_factory=set)
    fail_data: object = None
    stall_data: object = None
    stall: float = 0.0
    data_count: int = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.unknown:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_count += 1
        if self.stall_data is not None and self.stall_data(self.data_count):
            await asyncio.sleep(self.stall)
        if self.fail_data is not None and self.fail_data(self.data_count):
            return "451 4.3.0 Temporary failure, try again later"
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


def start_smtp_server():
    """A started server and its controller (call controller.stop() when done)."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return SmtpServer("127.0.0.1", controller.port, mailbox), controller


@pytest.fixture
def smtp_server(settings):
    server, controller = start_smtp_server()
    # pytest-django swaps in the in-memory backend for tests; this test wants the wire.
    settings.EMAIL_URL = server.url
    for name, value in env.email_settings(server.url).items():
        setattr(settings, name, value)
    yield server
    controller.stop()
