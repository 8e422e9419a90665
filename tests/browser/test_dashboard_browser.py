"""The dashboard and the worklist in Chromium, logged in under each role.

The world of tests/insights/world.py: Roux (Paul's, sold by Sam) 6,000 EUR 45 days late
and over its credit limit, Blanc (Léa's) 2,000 EUR 100 days late and disputed."""
import pytest
from django.urls import reverse

from tests.insights.world import build
from tests.plugins.browser import PASSWORD

ROLES = {"admin": "claire", "credit_manager": "claire", "collector": "paul",
         "sales": "sam"}


@pytest.fixture(params=list(ROLES))
def web_user(request, transactional_db):
    world = build()
    user = world[ROLES[request.param]]
    user.role = request.param
    user.set_password(PASSWORD)
    user.save()
    return user


def sees_everything(user):
    return user.role in ("admin", "credit_manager")


@pytest.mark.browser
def test_the_dashboard_draws_its_charts_and_links_to_the_lists(logged_in_page, web_user):
    page = logged_in_page
    page.goto(reverse("web:home"))
    # Both charts were drawn by the vendored Chart.js: their canvases have pixels.
    assert page.evaluate("Object.keys(Chart.instances).length") == 2
    assert page.locator("#aging-chart").evaluate("c => c.width") > 0
    overdue = "8" if sees_everything(web_user) else "6"      # 8,000 or Roux's 6,000
    assert page.locator("#fig-overdue strong").inner_text().startswith(overdue)
    top = page.locator("#top-overdue tbody tr")
    assert top.count() == (2 if sees_everything(web_user) else 1)
    assert "Boulangerie Roux" in top.first.inner_text()

    page.locator("#aging-31_60 a").click()
    page.wait_for_url("**/invoices/**")
    assert "F-ROUX-1" in page.locator("table.data").inner_text()
    assert "F-BLANC-1" not in page.locator("table.data").inner_text()


@pytest.mark.browser
def test_the_dashboard_prints_its_tables(logged_in_page, web_user):
    page = logged_in_page
    page.goto(reverse("web:home"))
    page.emulate_media(media="print")
    assert page.locator(".topbar").is_hidden()
    assert page.locator(".aging-table").is_visible()
    assert page.locator(".dso-table tbody tr").count() == 12
    pdf = page.pdf()
    assert pdf.startswith(b"%PDF")


@pytest.mark.browser
def test_the_worklist_lists_the_users_tasks_by_priority(logged_in_page, web_user):
    page = logged_in_page
    page.goto(reverse("web:home"))
    page.locator(f".mainnav a[href='{reverse('insights:worklist')}']").click()
    rows = page.locator("table.worklist tbody tr")
    kinds = [rows.nth(i).get_attribute("class") for i in range(rows.count())]
    if sees_everything(web_user):
        assert len(kinds) == 4
        assert page.locator("form.scope-form select[name=collector]").count() == 1
    else:
        # Paul and Sam see Roux's tasks: its broken promise and its credit limit.
        assert sorted(kinds) == ["task task-broken_promise", "task task-over_limit"]
    priorities = [float(rows.nth(i).locator("td").first.inner_text().replace("\u202f", "")
                        .replace("\xa0", "").replace(" ", "").replace(",", "."))
                  for i in range(rows.count())]
    assert priorities == sorted(priorities, reverse=True)
    # The task links to where the work is done: here the customer's page.
    over_limit = page.locator("tr.task-over_limit")
    customer = over_limit.locator("td").nth(2).inner_text()
    over_limit.locator("td a").first.click()
    page.wait_for_url("**/customers/*/")
    assert customer in page.locator("main").inner_text()
