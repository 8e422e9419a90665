"""The dashboard and the worklist through the test client, under each role."""
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from relance.insights import alerts
from relance.insights.models import Alert, AlertKind
from relance.ledger.models import Event, Invoice
from relance.team.models import User
from tests.insights.world import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build()


def dashboard(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("web:home"), params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response


def test_the_manager_sees_the_companys_figures(client, world):
    f = dashboard(client, world["claire"]).context["f"]
    # Open: 6,000 (45 days) + 1,000 (not due) + 2,000 (100 days) = 9,000; overdue 8,000.
    assert (f.receivables, f.overdue) == (9000, 8000)
    assert f.aging == {"not_due": 1000, "1_30": 0, "31_60": 6000, "61_90": 0, "over_90": 2000}
    assert round(f.overdue_share, 1) == Decimal("88.9")


def test_each_figure_links_to_the_list_behind_it(client, world):
    response = dashboard(client, world["claire"])
    page = response.content.decode()
    assert f'{reverse("web:invoices")}?bucket=31_60' in page
    assert f'{reverse("web:invoices")}?overdue=on' in page
    assert f'{reverse("web:invoices")}?disputed=on' in page
    assert reverse("web:customer", args=[world["roux"].pk]) in page
    # The bucket's list holds exactly the invoices the figure sums.
    listed = client.get(reverse("web:invoices"), {"bucket": "31_60"}).context["page"].rows
    assert [i.number for i in listed] == ["F-ROUX-1"]
    disputed = client.get(reverse("web:invoices"), {"disputed": "on"}).context["page"].rows
    assert [i.number for i in disputed] == ["F-BLANC-1"]


def test_a_collector_sees_their_portfolio_only(client, world):
    response = dashboard(client, world["paul"])
    assert response.context["f"].receivables == 7000
    assert [r["customer__name"] for r in response.context["top_overdue"]] == [
        "Boulangerie Roux"]
    assert f'?owner={world["paul"].pk}' in response.content.decode()


def test_a_sales_rep_sees_the_customers_they_sell_to(client, world):
    response = dashboard(client, world["sam"])
    assert response.context["f"].receivables == 7000
    assert [p.customer for p in response.context["promises"]] == [world["roux"]]


def test_a_manager_narrows_the_dashboard_to_one_collector(client, world):
    response = dashboard(client, world["claire"], collector=world["lea"].pk)
    assert response.context["f"].receivables == 2000
    assert response.context["oldest_disputes"][0].invoice.number == "F-BLANC-1"
    # A bad collector id shows the whole company rather than an error.
    assert dashboard(client, world["claire"], collector="x").context["f"].receivables == 9000


def test_over_the_credit_limit_raises_an_alert_once_on_the_timeline(client, world):
    response = dashboard(client, world["claire"])
    alert = Alert.objects.get()
    assert (alert.customer, alert.kind) == (world["roux"], AlertKind.OVER_CREDIT_LIMIT)
    assert "Over its credit limit" in response.content.decode()
    dashboard(client, world["claire"])
    raised = Event.objects.get(type="alert.over_credit_limit")
    assert (raised.customer, raised.data["alert"]) == (world["roux"], alert.pk)
    over = client.get(reverse("web:customers"), {"over_limit": "on"}).context["page"]
    assert list(over.object_list) == [world["roux"]]
    # Paid down under the limit: the next refresh clears it, on the timeline too.
    Invoice.objects.filter(number="F-ROUX-1").update(open_amount=0, status="paid")
    alerts.refresh(world["company"], timezone.localdate())
    assert Alert.objects.get().cleared_on == timezone.localdate()
    assert Event.objects.filter(type="alert.cleared", customer=world["roux"]).count() == 1


def test_the_worklist_orders_the_days_tasks_by_priority(client, world):
    client.force_login(world["claire"])
    response = client.get(reverse("insights:worklist"), HTTP_ACCEPT_LANGUAGE="en")
    tasks = response.context["tasks"]
    kinds = {(t.kind, t.customer.reference) for t in tasks}
    assert kinds == {("broken_promise", "ROUX"), ("dispute", "BLANC"),
                     ("bounced", "BLANC"), ("over_limit", "ROUX")}
    assert [t.priority for t in tasks] == sorted((t.priority for t in tasks), reverse=True)
    bounced = next(t for t in tasks if t.kind == "bounced")
    assert bounced.url == reverse("web:customer", args=[world["blanc"].pk])
    # 2,000 EUR, 100 days late (x 4.33), Blanc's risk: its reasons are on the row.
    assert bounced.amount == 2000 and bounced.days_late == 100
    assert "Broken promise" in response.content.decode()


def test_a_collectors_worklist_holds_their_customers_only(client, world):
    client.force_login(world["lea"])
    tasks = client.get(reverse("insights:worklist")).context["tasks"]
    assert {t.customer.reference for t in tasks} == {"BLANC"}


def test_a_manager_filters_the_worklist_by_collector(client, world):
    client.force_login(world["claire"])
    tasks = client.get(reverse("insights:worklist"),
                       {"collector": world["paul"].pk}).context["tasks"]
    assert {t.customer.reference for t in tasks} == {"ROUX"}


def test_anonymous_visitors_are_sent_to_the_login(client, world):
    for url in (reverse("web:home"), reverse("insights:worklist")):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_an_empty_database_shows_an_empty_dashboard(client, db):
    user = User.objects.create_user("a@b.example", "pw", role="admin")
    client.force_login(user)
    assert client.get(reverse("web:home")).status_code == 200


def test_figures_are_kept_until_the_ledger_changes(client, world, django_assert_max_num_queries):
    from tests.support.ledger_builders import invoice

    assert dashboard(client, world["claire"]).context["f"].receivables == 9000
    with django_assert_max_num_queries(25) as counted:
        dashboard(client, world["claire"])
    kept_queries = len(counted.captured_queries)
    from relance.ledger import balances

    added = invoice(world["moreau"], "300.00", due_days_ago=5)
    balances.refresh_invoices([added.pk])     # as the ledger does after any entry
    with django_assert_max_num_queries(60) as counted:
        assert dashboard(client, world["claire"]).context["f"].receivables == 9300
    assert len(counted.captured_queries) > kept_queries + 5


def test_with_the_cache_off_every_view_computes(client, world, settings):
    settings.INSIGHTS_CACHE_SECONDS = 0
    assert dashboard(client, world["claire"]).context["f"].overdue == 8000


def test_a_collectors_figures_link_to_their_invoices_only(client, world):
    response = dashboard(client, world["claire"], collector=world["paul"].pk)
    overdue_link = f'{reverse("web:invoices")}?owner={world["paul"].pk}&amp;overdue=on'
    assert overdue_link in response.content.decode()
    listed = client.get(reverse("web:invoices"),
                        {"owner": world["paul"].pk, "overdue": "on"}).context["page"].rows
    assert [i.number for i in listed] == ["F-ROUX-1"]


def test_calls_due_and_reminders_awaiting_approval_are_on_the_worklist(client, world):
    from relance.dunning.models import ActionStatus, Channel
    from tests.delivery.test_calls import plan_call

    roux_late = Invoice.objects.get(number="F-ROUX-1")
    blanc_late = Invoice.objects.get(number="F-BLANC-1")
    call = plan_call(world["roux"], roux_late, on=timezone.localdate())
    waiting = plan_call(world["blanc"], blanc_late, on=timezone.localdate(),
                        status=ActionStatus.AWAITING_APPROVAL, channel=Channel.EMAIL)
    client.force_login(world["paul"])
    tasks = client.get(reverse("insights:worklist")).context["tasks"]
    found = {t.kind: t for t in tasks}
    assert found["call"].url == reverse("delivery:call", args=[call.pk])
    assert (found["call"].amount, found["call"].days_late) == (6000, 45)
    assert "approval" not in found          # Blanc is Léa's
    client.force_login(world["lea"])
    tasks = client.get(reverse("insights:worklist")).context["tasks"]
    approval = next(t for t in tasks if t.kind == "approval")
    assert approval.url == reverse("dunning:action", args=[waiting.pk])
    assert approval.days_late == 100
    client.force_login(world["sam"])        # sales reps have no calls nor approvals
    kinds = {t.kind for t in client.get(reverse("insights:worklist")).context["tasks"]}
    assert not kinds & {"call", "approval"}
