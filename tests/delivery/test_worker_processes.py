"""`relance worker` as real processes against the test database and a real SMTP server:
killed at random moments, run two at a time, and faced with a mail server that refuses
or stalls. Every message must arrive; a duplicate is allowed only when a kill or a
timeout fell between the server accepting a message and the database recording it,
and then it carries the same Message-ID."""
import collections
import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection
from django.utils import timezone

from relance.delivery.channels import Postman
from relance.delivery.models import Message, MessageState
from relance.delivery.policy import Hours
from relance.delivery.sending import Config, Courier
from relance.dunning.models import Step
from relance.dunning.run import run_dunning
from relance.ledger.models import Contact, Customer, Invoice
from tests.dunning.world import D, creditor
from tests.plugins.smtp import start_smtp_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

MONDAY = D(2026, 6, 15)


def reminders_for(count):
    """`count` customers one day late, each with one email reminder in the outbox."""
    company = creditor()
    Step.objects.filter(scenario__company=company).update(attach_invoices=False)
    customers = Customer.objects.bulk_create(
        Customer(company=company, reference=f"C{n:04d}", name=f"Client {n} SARL")
        for n in range(count))
    Contact.objects.bulk_create(
        Contact(customer=c, name=f"Compta {c.reference}", role="accounts_payable",
                email=f"compta@{c.reference.lower()}.example") for c in customers)
    Invoice.objects.bulk_create(
        Invoice(company=company, customer=c, number=f"F-{c.reference}",
                issue_date=MONDAY - dt.timedelta(days=31),
                due_date=MONDAY - dt.timedelta(days=1), amount_excl_tax=100, vat=20,
                amount_total=120, open_amount=120) for c in customers)
    run_dunning(company, MONDAY)
    assert Message.objects.filter(state=MessageState.PENDING).count() == count


def database_url():
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return (f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:"
            f"{settings['PORT']}/{settings['NAME']}")


@pytest.fixture
def mail_server():
    server, controller = start_smtp_server()
    yield server
    controller.stop()


def worker(server, *args, lease_seconds=2):
    environ = dict(os.environ, DATABASE_URL=database_url(), EMAIL_URL=server.url,
                   DELIVERY_LEASE_SECONDS=str(lease_seconds), DELIVERY_MAX_PER_MINUTE="0",
                   DELIVERY_RETRY_SECONDS="1", WORKER_POLL_SECONDS="1")
    return subprocess.Popen([sys.executable, "-m", "relance", "worker", "--ignore-hours",
                             *args], env=environ, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)


def ids_by_action(server):
    """X-Relance-Action -> the Message-IDs of the mails received for it."""
    received = collections.defaultdict(list)
    for mail in server.messages:
        received[mail.message["X-Relance-Action"]].append(mail.message["Message-ID"])
    return received


def assert_every_message_arrived_once_or_with_its_own_id(server):
    sent = dict(Message.objects.values_list("action_id", "message_id"))
    assert set(Message.objects.values_list("state", flat=True)) == {MessageState.SENT}
    received = ids_by_action(server)
    assert set(received) == {str(action) for action in sent}
    for action, ids in received.items():
        assert set(ids) == {sent[int(action)]}, f"action {action} got {ids}"
    return sum(len(ids) - 1 for ids in received.values())


def test_a_worker_killed_at_random_moments_loses_nothing(mail_server):
    """Start a worker, let it deliver, SIGKILL it at a random moment; eight times.
    Then a last worker, started once the dead ones' leases expired, drains the rest."""
    reminders_for(1000)
    shuffle = random.Random(20261123)
    for kill in range(8):
        process = worker(mail_server)
        wait_for_deliveries(mail_server, len(mail_server.messages) + 1, process)
        time.sleep(shuffle.uniform(0.0, 0.6))
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert Message.objects.filter(state=MessageState.SENT).count() < 1000
    time.sleep(2.5)                                  # the killed workers' leases expire
    last = worker(mail_server, "--once")
    _, errors = last.communicate(timeout=300)
    assert last.returncode == 0, errors.decode()
    duplicates = assert_every_message_arrived_once_or_with_its_own_id(mail_server)
    assert duplicates <= 8      # at most the one in hand when each kill fell


def wait_for_deliveries(server, count, process, timeout=60):
    deadline = time.monotonic() + timeout
    while len(server.messages) < count:
        assert process.poll() is None, process.stderr.read().decode()
        assert time.monotonic() < deadline, "the worker delivered nothing"
        time.sleep(0.05)


def test_two_workers_deliver_a_thousand_messages_without_a_duplicate(mail_server):
    reminders_for(1000)
    workers = [worker(mail_server, "--once", lease_seconds=300) for _ in range(2)]
    for process in workers:
        _, errors = process.communicate(timeout=300)
        assert process.returncode == 0, errors.decode()
    assert assert_every_message_arrived_once_or_with_its_own_id(mail_server) == 0
    assert len(mail_server.messages) == 1000


def test_refusals_and_timeouts_delay_messages_but_lose_none(mail_server, settings):
    """A timeout is 2 s here and the server stalls 3 s on every 15th DATA: generous
    enough that a loaded machine's ordinary exchanges never time out, so the faults
    are the server's own. Attempts are unlimited for the story: nothing ends dead."""
    reminders_for(60)
    for name, value in {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                        "EMAIL_HOST": mail_server.host, "EMAIL_PORT": mail_server.port,
                        "EMAIL_TIMEOUT": 2}.items():
        setattr(settings, name, value)
    mail_server.mailbox.fail_data = lambda n: n % 4 == 0        # 451 on every 4th
    mail_server.mailbox.stall_data = lambda n: n % 15 == 0      # and a stall now and then
    mail_server.mailbox.stall = 3.0
    config = Config(Hours.parse("08:00-19:00"), lease_seconds=60, retry_seconds=1,
                    max_attempts=1000, max_per_minute=0)
    courier = Courier(Postman(), config, ignore_hours=True)
    now = timezone.now()
    for _ in range(2000):
        if courier.handle_one(now) is None:
            if not Message.objects.exclude(state=MessageState.SENT).exists():
                break
            now += dt.timedelta(hours=1)      # time passes: retries come due
    courier.postman.close()
    retried = Message.objects.filter(attempts__gt=1).count()
    assert retried >= 10
    assert_every_message_arrived_once_or_with_its_own_id(mail_server)
