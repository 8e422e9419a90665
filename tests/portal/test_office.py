"""The portal from the back office: the customer's page shows its links, the plans to
decide and the files sent; managers and the customer's collector regenerate or revoke
the link; a sales rep sees but may not act; another collector does not see."""
from django.urls import reverse
from django.utils import timezone

from relance.ledger.models import Event
from relance.portal import links
from tests.portal import world


def log_in(client, email):
    assert client.login(username=email, password=world.PASSWORD)


def test_the_collector_regenerates_the_link_and_the_old_one_stops_working(client, story):
    _old, old_token = links.issue(story["late"], timezone.now())
    log_in(client, "paul@ateliers.example")
    response = client.post(reverse("portal:regenerate", args=[story["late"].pk]), follow=True,
                           HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "New portal link" in page and "http://127.0.0.1:8000/p/" in page
    assert links.find(old_token, timezone.now()) is None
    assert links.active(story["late"], timezone.now()).count() == 1
    issued = Event.objects.filter(type="portal.link_issued").latest("id")
    assert issued.actor == story["paul"]


def test_a_manager_revokes_every_link(client, story):
    links.issue(story["late"], timezone.now())
    world.person("claire@ateliers.example", "credit_manager")
    log_in(client, "claire@ateliers.example")
    client.post(reverse("portal:revoke", args=[story["late"].pk]))
    assert links.active(story["late"], timezone.now()).count() == 0


def test_another_collector_does_not_even_see_the_customer(client, story):
    world.person("lea@ateliers.example", "collector")
    log_in(client, "lea@ateliers.example")
    assert client.post(reverse("portal:regenerate", args=[story["late"].pk])).status_code == 404


def test_the_customer_page_shows_the_portal_panel_to_its_collector(client, story):
    links.issue(story["late"], timezone.now())
    log_in(client, "paul@ateliers.example")
    first = client.get(reverse("web:customer", args=[story["late"].pk])).content.decode()
    assert 'data-tab="portal"' in first and 'id="portal"' not in first
    page = client.get(reverse("web:customer", args=[story["late"].pk]),
                      {"tab": "portal"}).content.decode()
    assert 'id="portal"' in page and 'id="portal-regenerate"' in page


def test_a_sales_rep_sees_the_panel_without_its_buttons(client, story):
    sam = world.person("sam@ateliers.example", "sales")
    story["late"].sales_rep = sam
    story["late"].save()
    log_in(client, "sam@ateliers.example")
    page = client.get(reverse("web:customer", args=[story["late"].pk]),
                      {"tab": "portal"}).content.decode()
    assert 'id="portal"' in page and 'id="portal-regenerate"' not in page
