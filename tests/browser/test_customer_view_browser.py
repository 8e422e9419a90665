"""The customer view in a real Chromium, under each role: the tabs (with htmx and
without JavaScript) and each quick action.

The world: Atelier Test ships its scenarios. Retard & Fils owes F-45 (45 days late)
and F-SOON (due in 10 days); Paul collects it, Sam sells to it, Claire manages
credit, Ada administers. Its accounts payable contact has an email.
"""
import pytest
from django.urls import reverse

from relance.cases.models import Dispute, Promise
from relance.delivery.models import Message
from relance.dunning.models import Action
from relance.ledger.models import Event
from relance.team.models import Note, Notification, User
from tests.dunning.world import creditor, customer
from tests.plugins.browser import PASSWORD, log_in
from tests.support.ledger_builders import days_ago, invoice

ROLES = {"admin": "ada", "credit_manager": "claire", "collector": "paul", "sales": "sam"}


@pytest.fixture
def world(transactional_db):
    company = creditor(email="relances@atelier.test")
    team = {name: User.objects.create_user(f"{name}@atelier.test", PASSWORD, role=role,
                                           first_name=name.title(), language="fr")
            for role, name in ROLES.items()}
    late = customer(company, "C-LATE", name="Retard & Fils", owner=team["paul"],
                    sales_rep=team["sam"])
    return {"company": company, **team, "late": late,
            "f45": invoice(late, "3000.00", due_days_ago=45, number="F-45"),
            "soon": invoice(late, "500.00", due_days_ago=-10, number="F-SOON")}


def open_view(page, world, name, tab=""):
    log_in(page, world[name].email)
    url = reverse("web:customer", args=[world["late"].pk]) + (f"?tab={tab}" if tab else "")
    page.goto(url)


def quick(page, form_id):
    """Open the quick action holding `form_id` and return its form."""
    page.locator(f"#quick-actions details:has(#{form_id}) > summary").click()
    return page.locator(f"#{form_id}")


def submit(page, form):
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()


@pytest.mark.browser
@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_sees_the_header_and_moves_through_the_tabs_with_htmx(page, world, role):
    open_view(page, world, ROLES[role])
    header = page.locator(".customer-header").inner_text()
    assert "Paul" in header and "Sam" in header

    page.locator('#tabs a[data-tab="contacts"]').click()
    page.wait_for_selector('#tab-panel[data-tab="contacts"]')
    assert "compta@c-late.example" in page.locator("#tab-panel").inner_text()
    assert page.url.endswith("?tab=contacts")   # htmx pushed the tab's address

    page.locator('#tabs a[data-tab="invoices"]').click()
    page.wait_for_selector('#tab-panel[data-tab="invoices"]')
    assert "F-45" in page.locator("#tab-panel").inner_text()

    page.locator('#tabs a[data-tab="portal"]').click()
    page.wait_for_selector('#tab-panel[data-tab="portal"] #portal')
    assert page.locator("#legal").count() == 0
    legal_tab = page.locator('#tabs a[data-tab="legal"]')
    assert legal_tab.count() == (0 if role == "sales" else 1)
    if role != "sales":
        legal_tab.click()
        page.wait_for_selector('#tab-panel[data-tab="legal"] #legal')
        assert page.locator("#portal").count() == 0


@pytest.mark.browser
def test_the_tabs_work_without_javascript(browser, live_server, world):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    open_view(page, world, "paul")

    with page.expect_navigation():
        page.locator('#tabs a[data-tab="notes"]').click()

    assert page.locator('#tab-panel[data-tab="notes"] #note-form').count() == 1
    with page.expect_navigation():
        page.locator('#tabs a[data-tab="legal"]').click()
    assert page.locator('#tab-panel[data-tab="legal"] #legal').count() == 1
    assert page.locator("#portal").count() == 0
    context.close()


@pytest.mark.browser
def test_what_is_planned_arrives_after_the_page(page, world):
    open_view(page, world, "paul")

    page.wait_for_selector("#planned table.planned")
    assert "F-SOON" in page.locator("#planned").inner_text()
    assert page.locator("#planned a[href*='planned=1']").count() == 0

    page.locator('#tabs a[data-tab="contacts"]').click()
    page.wait_for_selector('#tab-panel[data-tab="contacts"]')
    page.locator('#tabs a[data-tab="invoices"]').click()   # the tab loads it again
    page.wait_for_selector('#tab-panel[data-tab="invoices"] #planned table.planned')


@pytest.mark.browser
def test_without_javascript_a_link_shows_what_is_planned(browser, live_server, world):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    open_view(page, world, "paul")
    assert page.locator("#planned table.planned").count() == 0

    with page.expect_navigation():
        page.locator("#planned a[href*='planned=1']").click()

    assert "F-SOON" in page.locator("#planned table.planned").inner_text()
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("role, actions", [
    ("admin", 7), ("credit_manager", 7), ("collector", 7), ("sales", 1)])
def test_each_role_gets_the_quick_actions_it_may_use(page, world, role, actions):
    open_view(page, world, ROLES[role])
    assert page.locator("#quick-actions > details").count() == actions
    if role == "sales":
        assert page.locator("#customer-dispute-form").count() == 1


@pytest.mark.browser
@pytest.mark.parametrize("name", ["ada", "claire", "paul"])
def test_logging_a_call_puts_it_on_the_timeline(page, world, name):
    open_view(page, world, name)
    form = quick(page, "call-form")
    form.locator('select[name="outcome"]').select_option("reached")
    form.locator('textarea[name="note"]').fill("Paiement lundi")
    submit(page, form)

    assert page.locator('#tab-panel[data-tab="timeline"]').count() == 1
    assert page.locator('.timeline .event-type[title="call.reached"]').count() == 1
    assert Event.objects.get(type="call.reached").actor == world[name]


@pytest.mark.browser
@pytest.mark.parametrize("name", ["ada", "claire", "paul"])
def test_recording_a_promise_from_the_header(page, world, name):
    open_view(page, world, name)
    form = quick(page, "promise-form")
    form.locator('input[name="promised_for"]').fill(days_ago(-7).isoformat())
    submit(page, form)

    assert "F-45" in page.locator("table.promises").inner_text()
    assert Promise.objects.get().amount == world["f45"].open_amount


@pytest.mark.browser
@pytest.mark.parametrize("name", ["ada", "claire", "paul", "sam"])
def test_opening_a_dispute_from_the_header(page, world, name):
    open_view(page, world, name)
    form = quick(page, "customer-dispute-form")
    form.locator('select[name="invoice"]').select_option(str(world["f45"].pk))
    form.locator('select[name="reason"]').select_option("quality")
    submit(page, form)

    assert Dispute.objects.get().invoice == world["f45"]
    assert page.locator(".messages .success").count() == 1


@pytest.mark.browser
@pytest.mark.parametrize("name", ["ada", "claire", "paul"])
def test_putting_on_hold_and_releasing(page, world, name):
    open_view(page, world, name)
    form = quick(page, "hold-form")
    form.locator('input[name="reason"]').fill("Négociation en cours")
    submit(page, form)
    assert "Négociation en cours" in page.locator(".page-head .badge.hold").inner_text()

    with page.expect_navigation():
        page.locator('.page-head form button[type="submit"]').click()
    assert page.locator(".page-head .badge.hold").count() == 0


@pytest.mark.browser
@pytest.mark.parametrize("name", ["ada", "claire", "paul"])
def test_sending_a_reminder_now(page, world, name):
    open_view(page, world, name)
    submit(page, quick(page, "reminder-form"))

    assert Action.objects.get().kind == "manual"
    assert Message.objects.count() == 1


@pytest.mark.browser
@pytest.mark.parametrize("name", ["ada", "claire", "paul"])
def test_sending_a_statement(page, world, name):
    open_view(page, world, name)
    form = quick(page, "statement-form")
    form.locator('textarea[name="note"]').fill("Relevé à jour")
    submit(page, form)

    assert page.locator('.timeline .event-type[title="statement.queued"]').count() == 1
    assert Message.objects.get().attachments.get().name.startswith("statement-C-LATE")


@pytest.mark.browser
@pytest.mark.parametrize("name", ["ada", "claire", "paul"])
def test_changing_the_scenario(page, world, name):
    from relance.dunning.models import Scenario

    other = Scenario.objects.filter(company=world["company"], is_default=False).first()
    open_view(page, world, name)
    form = quick(page, "scenario-form")
    form.locator('select[name="scenario"]').select_option(str(other.pk))
    submit(page, form)

    assert other.name in page.locator(".customer-header .scenario").inner_text()


@pytest.mark.browser
def test_a_sales_rep_mentions_the_collector_who_sees_the_bell(page, world):
    open_view(page, world, "sam", tab="notes")
    page.locator("#note-form textarea").fill("@paul le client veut un échéancier")
    submit(page, page.locator("#note-form"))
    assert "échéancier" in page.locator(".note-list").inner_text()
    assert Note.objects.get().mentioned.get() == world["paul"]

    page.context.clear_cookies()
    log_in(page, world["paul"].email)
    assert page.locator(".bell .unread-count").inner_text() == "1"
    page.locator(".bell").click()
    with page.expect_navigation():
        page.locator(".notifications li.unread button").click()
    assert "échéancier" in page.locator(".note-list").inner_text()
    assert Notification.objects.get().read_at is not None
