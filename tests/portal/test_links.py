"""Portal links: unguessable, stored as a digest, scoped to one customer, expiring,
revocable; a reminder reuses a link with time left; `relance portal link` prints one."""
import datetime as dt
import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from relance.ledger.models import Event
from relance.portal import links
from relance.portal.models import PortalLink
from tests.portal import world


def test_a_token_is_long_and_only_its_digest_is_stored(story):
    link, token = links.issue(story["late"], timezone.now())
    assert len(token) >= 43          # 32 bytes, URL-safe base64
    row = PortalLink.objects.get(pk=link.pk)
    assert row.token_digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {row.token_digest, row.nonce}
    assert row.customer == story["late"] and row.company == story["company"]


def test_two_links_never_share_a_token(story):
    tokens = {links.issue(story["late"], timezone.now())[1] for _ in range(20)}
    assert len(tokens) == 20


def test_a_link_opens_until_it_expires(story):
    now = timezone.now()
    link, token = links.issue(story["late"], now, days=10)
    assert links.find(token, now + dt.timedelta(days=9)) == link
    assert links.find(token, now + dt.timedelta(days=10)) is None


def test_a_revoked_link_no_longer_opens_and_the_revocation_is_on_the_timeline(story):
    now = timezone.now()
    _link, token = links.issue(story["late"], now)
    assert links.revoke_all(story["late"], now) == 1
    assert links.find(token, now) is None
    assert Event.objects.filter(customer=story["late"], type="portal.link_revoked").exists()


def test_a_wrong_or_absurd_token_opens_nothing(story):
    links.issue(story["late"], timezone.now())
    assert links.find("x" * 43, timezone.now()) is None
    assert links.find("", timezone.now()) is None
    assert links.find("y" * 5000, timezone.now()) is None


def test_regenerating_revokes_the_old_links_and_gives_a_new_one(story):
    now = timezone.now()
    _old, old_token = links.issue(story["late"], now)
    new, new_token = links.regenerate(story["late"], now)
    assert links.find(old_token, now) is None
    assert links.find(new_token, now) == new


def test_a_reminder_reuses_the_active_link_while_it_has_time_left(story, settings):
    settings.PORTAL_LINK_DAYS, settings.PORTAL_LINK_MIN_DAYS_LEFT = 90, 30
    now = timezone.now()
    first = links.for_reminder(story["late"], now)
    assert links.for_reminder(story["late"], now + dt.timedelta(days=59)) == first
    later = links.for_reminder(story["late"], now + dt.timedelta(days=61))
    assert later != first
    assert PortalLink.objects.filter(customer=story["late"]).count() == 2


def test_the_reminder_link_opens_the_customers_portal(story, client):
    url = links.for_reminder(story["late"], timezone.now())
    assert url.startswith("http://127.0.0.1:8000/p/")
    response = client.get(url.removeprefix("http://127.0.0.1:8000"), follow=True)
    assert response.status_code == 200
    assert "Retard &amp; Fils" in response.content.decode()


def test_the_command_prints_a_working_link(story, client):
    out = StringIO()
    call_command("portal", "link", "C042", "--company", str(story["company"].pk), stdout=out)
    url = out.getvalue().strip()
    response = client.get(url.removeprefix("http://127.0.0.1:8000"), follow=True)
    assert response.status_code == 200 and "F-001" in response.content.decode()


def test_the_command_refuses_an_unknown_reference(story):
    with pytest.raises(CommandError, match="no customer with reference 'NOPE'"):
        call_command("portal", "link", "NOPE", "--company", str(story["company"].pk))


def test_the_command_with_new_revokes_the_previous_link(story):
    first = StringIO()
    call_command("portal", "link", "C042", stdout=first)
    call_command("portal", "link", "C042", "--new", stdout=StringIO())
    token = first.getvalue().strip().rstrip("/").rsplit("/", 1)[1]
    assert links.find(token, timezone.now()) is None


def test_the_command_asks_for_the_company_when_there_are_several(story):
    world.creditor()
    with pytest.raises(CommandError, match="--company"):
        call_command("portal", "link", "C042")


def test_a_link_never_opens_a_customer_moved_to_another_company(story):
    link, token = links.issue(story["late"], timezone.now())
    PortalLink.objects.filter(pk=link.pk).update(company=world.creditor())
    assert links.find(token, timezone.now()) is None
    assert links.still_valid(link.pk, timezone.now()) is None
