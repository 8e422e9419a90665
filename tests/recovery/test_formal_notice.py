"""What the legal path counts as a formal notice served: a letter or registered letter in
a formal tone, posted by the day of the claim. An escalation task in the same tone, an
email, or a letter printed but not yet posted is not one, and the path says the file
lacks it.

The world: Garage Lenoir owes F-1 (2,500.00, due 15 May 2026); the claim is looked at on
Monday 15 June 2026."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from relance.delivery.models import Message, MessageState
from relance.dunning.models import Action, ActionKind, ActionStatus, Channel, Tone
from relance.recovery.claim_file import is_formal_notice, legal_path, noticed_invoice_ids
from tests.dunning.world import D, creditor, customer, invoice

pytestmark = pytest.mark.django_db

MONDAY = D(2026, 6, 15)


@pytest.fixture
def lenoir():
    return customer(creditor(), "LENOIR", name="Garage Lenoir")


def served(customer, channel, *, tone=Tone.FORMAL_NOTICE, posted_on=None):
    """A message of `channel` about F-1 that went out on 1 June."""
    first = invoice(customer, "2500.00", D(2026, 5, 15), number="F-1")
    action = Action.objects.create(
        company=customer.company, customer=customer, kind=ActionKind.SCHEDULED,
        planned_on=D(2026, 6, 1), currency="EUR", channel=channel, tone=tone,
        status=ActionStatus.DONE, amount=Decimal("2500.00"), overdue_total=Decimal("2500"))
    at = timezone.make_aware(dt.datetime(2026, 6, 1, 9, 0))
    message = Message.objects.create(
        company=customer.company, action=action, channel=channel, state=MessageState.SENT,
        available_at=at, created_at=at, sent_at=at, invoices=[first.pk],
        posted_on=posted_on)
    return first, message


def warned(customer):
    return [w for w in legal_path(customer, MONDAY).recommendation.warnings
            if "F-1" in w and "formal notice" in w.lower()]


def test_a_registered_letter_posted_before_the_claim_is_a_formal_notice(lenoir):
    first, message = served(lenoir, Channel.REGISTERED_LETTER, posted_on=D(2026, 6, 2))
    assert is_formal_notice(message)
    assert noticed_invoice_ids(lenoir, MONDAY) == {first.pk}
    assert warned(lenoir) == []


def test_an_escalation_task_in_a_legal_tone_is_no_formal_notice(lenoir):
    _first, message = served(lenoir, Channel.TASK, tone=Tone.LEGAL)
    assert not is_formal_notice(message)
    assert noticed_invoice_ids(lenoir, MONDAY) == set()
    assert warned(lenoir)


@pytest.mark.parametrize("channel, posted_on", [
    (Channel.EMAIL, None),                          # an email: no proof a court relies on
    (Channel.LETTER, None),                         # printed, never posted
    (Channel.REGISTERED_LETTER, D(2026, 6, 16)),    # posted after the day of the claim
])
def test_a_formal_notice_not_served_by_post_by_then_does_not_count(lenoir, channel, posted_on):
    served(lenoir, channel, posted_on=posted_on)
    assert noticed_invoice_ids(lenoir, MONDAY) == set()
    assert warned(lenoir)
