"""Every back-office page and action, tried under every role.

The world: Atelier Test ships its scenarios. Mine SARL is collected by Paul and sold
to by Sam; it has a late invoice with an open dispute, a promise, a call task, a
reminder awaiting approval and a sent email with an attachment; F-AGENCY is with a
collection agency, a payment plan waits for a decision and the debtor uploaded a proof
on the portal. A manager's session holds an upload waiting for its column mapping.
Autre SA belongs to nobody. Ada administers, Claire manages credit. Léa (collector) and Tom (sales) have
other portfolios: for them Mine SARL's objects do not exist.

ROUTES classifies every URL pattern of the project (the resolver is walked, so a new
URL fails `test_every_url_is_classified` until it is added here). For each method,
one letter per role, in the order admin, credit manager, collector, sales:
  y  allowed: 200, 302 or 400 (a form sent empty);
  n  forbidden: 403, or 404 when the object is out of the user's scope;
  -  not served for that method: 403, 404 or 405;
  *  anything but a server error (another test module owns the story: a form posted
     empty, for instance, may be refused or accepted).
Anonymous visitors are sent to the login page by every page that is not PUBLIC.
"""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from relance.cases.models import Dispute, Handover, PaymentDeclaration, PaymentPlan, Promise
from relance.compose.messages import attach
from relance.delivery.models import Message, MessageState
from relance.dunning.models import Action, ActionKind, ActionStatus, Step
from relance.imports.models import ImportRun
from relance.ledger.models import Payment
from relance.portal import uploads
from relance.team.models import Note, Notification, User
from tests.dunning.world import creditor, customer
from tests.portal.test_scope import PDF
from tests.support.ledger_builders import invoice

ROLES = ("admin", "credit_manager", "collector", "sales")
ALLOWED = {200, 302, 400}
FORBIDDEN = {403, 404}
NOT_SERVED = {403, 404, 405}

# Pages anyone may open, logged in or not: the login and password reset, the
# language switch, and the debtors' portal (a signed link is its key; its own tests
# try it).
PUBLIC = {"login", "logout", "password_reset", "password_reset_done",
          "password_reset_confirm", "password_reset_complete", "set_language"}
PUBLIC_NAMESPACES = {"portal"}
PORTAL_BACK_OFFICE = {"portal:regenerate", "portal:revoke", "portal:decide_plan",
                      "portal:upload"}

ROUTES = {
    # name: (GET, POST)
    "web:home": ("yyyy", "****"),
    "web:customers": ("yyyy", "****"),
    "web:customer": ("yyyy", "****"),
    "web:customer_planned": ("yyyy", "----"),
    "web:customer_scenario": ("----", "yyyn"),
    "web:customer_hold": ("----", "yyyn"),
    "web:customer_release": ("----", "yyyn"),
    "web:promise_record": ("----", "yyyn"),
    "web:promise_cancel": ("----", "yyyn"),
    "web:declaration_reject": ("----", "yyyn"),
    "web:reminder_send": ("----", "yyyn"),
    "web:call_log": ("----", "yyyn"),
    "web:customer_dispute": ("----", "yyyy"),
    "web:statement_send": ("----", "yyyn"),
    "web:note_add": ("----", "yyyy"),
    "web:notifications": ("yyyy", "****"),
    "web:notification_read": ("----", "yyyy"),
    "web:notifications_read": ("----", "yyyy"),
    "web:invoices": ("yyyy", "****"),
    "web:invoice": ("yyyy", "****"),
    "web:dispute_open": ("----", "yyyy"),
    "web:dispute_resolve": ("----", "yyyy"),
    "web:invoice_hold": ("----", "yyyn"),
    "web:invoice_release": ("----", "yyyn"),
    "web:payments": ("yyyy", "****"),
    "insights:worklist": ("yyyy", "****"),
    "imports:upload": ("yynn", "yynn"),
    "imports:mapping": ("yynn", "yynn"),
    "imports:run": ("yynn", "----"),
    "dunning:home": ("yyyn", "***n"),
    "dunning:run": ("--nn", "yynn"),
    "dunning:calendar": ("yyyn", "***n"),
    "dunning:review": ("yyyn", "***n"),
    "dunning:actions": ("yyyn", "---n"),
    "dunning:action": ("yyyn", "***n"),
    "dunning:approve": ("---n", "yyyn"),
    "dunning:cancel": ("---n", "yyyn"),
    "dunning:scenarios": ("yyyn", "***n"),
    "dunning:step_templates": ("yynn", "yynn"),
    "dunning:step_template_preview": ("----", "yynn"),
    "dunning:reset_step_template": ("----", "yynn"),
    "delivery:calls": ("yyyn", "***n"),
    "delivery:call": ("yyyn", "yyyn"),
    "outbox:list": ("yyyn", "---n"),
    "outbox:message": ("yyyn", "---n"),
    "outbox:retry": ("---n", "yyyn"),
    "outbox:cancel": ("---n", "yyyn"),
    "outbox:eml": ("yyyn", "---n"),
    "outbox:attachment": ("yyyn", "---n"),
    "outbox:letters": ("yyyn", "yyyn"),
    "outbox:print_batch": ("yyyn", "---n"),
    "outbox:import_tracking": ("---n", "yyyn"),
    "outbox:history": ("yyyy", "----"),
    "legal:statement": ("yyyy", "----"),
    "legal:statement_pdf": ("yyyy", "----"),
    "legal:statement_csv": ("yyyy", "----"),
    "legal:path": ("yyyn", "----"),
    "legal:dossier": ("yyyn", "----"),
    "legal:hand_over": ("----", "yynn"),
    "legal:handover_report": ("----", "yynn"),
    "legal:handover_end": ("----", "yynn"),
    "portal:regenerate": ("----", "yyyn"),
    "portal:revoke": ("----", "yyyn"),
    "portal:decide_plan": ("----", "yyyn"),
    "portal:upload": ("yyyy", "----"),
}


def walk(patterns, namespace=None):
    """(name, pattern) of every URL of the project, the admin site apart."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            inner = pattern.namespace or namespace
            yield from walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


def all_urls():
    return dict(walk(get_resolver().url_patterns))


def test_every_url_is_classified():
    names = set(all_urls())
    unclassified = {n for n in names - set(ROUTES) - PUBLIC
                    if n.split(":")[0] not in PUBLIC_NAMESPACES or n in PORTAL_BACK_OFFICE}
    assert not unclassified, f"classify these URLs in ROUTES: {sorted(unclassified)}"
    assert not set(ROUTES) - names, "ROUTES names URLs that no longer exist"


# The world --------------------------------------------------------------------------

@pytest.fixture
def world(db, settings, tmp_path):
    settings.PORTAL_UPLOAD_ROOT = tmp_path / "portal"
    company = creditor(email="relances@atelier.test")
    people = {role: User.objects.create_user(f"{role}@atelier.test", None, role=role)
              for role in ROLES}
    people["lea"] = User.objects.create_user("lea@atelier.test", None, role="collector")
    people["tom"] = User.objects.create_user("tom@atelier.test", None, role="sales")
    mine = customer(company, "C-MINE", name="Mine SARL", owner=people["collector"],
                    sales_rep=people["sales"])
    late = invoice(mine, "1200.00", due_days_ago=40, number="F-MINE")
    Payment.objects.create(company=company, customer=mine, reference="VIR-MINE",
                           date=timezone.localdate(), amount=Decimal("50.00"),
                           unapplied_amount=Decimal("50.00"))
    disputed = invoice(mine, "300.00", due_days_ago=20, number="F-DISP")
    dispute = Dispute.objects.create(invoice=disputed, reason="price",
                                     opened_on=timezone.localdate())
    promise = Promise.objects.create(customer=mine, amount=Decimal(10),
                                     promised_for=timezone.localdate() + dt.timedelta(days=5))
    promise.invoices.set([late])
    declaration = PaymentDeclaration.objects.create(customer=mine, amount=Decimal(10),
                                                    paid_on=timezone.localdate())
    declaration.invoices.set([late])
    step = Step.objects.filter(scenario__company=company).order_by("id").first()
    call = _action(mine, step, "call", ActionStatus.PLANNED)
    awaiting = _action(mine, step, "email", ActionStatus.AWAITING_APPROVAL)
    message = Message.objects.create(company=company, action=awaiting, channel="email",
                                     state=MessageState.DEAD, created_at=timezone.now(),
                                     available_at=timezone.now())
    attach(message, "F-MINE.pdf", b"%PDF-1.4 evidence")
    note = Note.objects.create(company=company, customer=mine, author=people["sales"],
                               text="x", created_at=timezone.now())
    return {"company": company, "people": people, "customer": mine, "invoice": late,
            "dispute": dispute, "promise": promise, "declaration": declaration,
            "step": step, "call": call,
            "action": awaiting, "message": message, "note": note,
            "attachment": message.attachments.get(), **_portal_and_agency(mine)}


def _portal_and_agency(mine):
    handover = Handover.objects.create(customer=mine, agency_name="Recouvra SA",
                                       handed_on=timezone.localdate())
    handover.invoices.set([invoice(mine, "900.00", due_days_ago=90, number="F-AGENCY")])
    plan = PaymentPlan.objects.create(customer=mine, instalments=3,
                                      starts_on=timezone.localdate() + dt.timedelta(days=7))
    proof = uploads.store(SimpleUploadedFile("proof.pdf", PDF, "application/pdf"), mine,
                          "proof")
    import_run = ImportRun.objects.create(
        company=mine.company, entity="customers", filename="clients.csv",
        started_at=timezone.now(), committed=True, counts={"created": 1})
    return {"handover": handover, "plan": plan, "upload": proof, "import_run": import_run}


def pending_import(client):
    """The token of a customers file a manager uploaded, waiting for its mapping."""
    upload = SimpleUploadedFile("clients.csv", b"reference;name\r\nC-NEW;Nouveau SA\r\n",
                                "text/csv")
    response = client.post(reverse("imports:upload"), {
        "entity": "customers", "source": "Sage export", "file": upload})
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"].rstrip("/").rsplit("/", 1)[1]


def _action(customer, step, channel, status):
    return Action.objects.create(
        company=customer.company, customer=customer, kind=ActionKind.MANUAL, step=step,
        planned_on=timezone.localdate(), currency="EUR", channel=channel,
        tone="courteous", status=status, amount=Decimal("1200.00"),
        overdue_total=Decimal("1200.00"), summary={"invoices": []})


def own_notification(world, user):
    return Notification.objects.create(user=user, note=world["note"], text="x",
                                       link="/customers/", created_at=timezone.now()).pk


def kwargs_for(name, pattern, world, user, client):
    """The URL's arguments, taken from Mine SARL's objects."""
    route = str(pattern.pattern)
    found = {}
    for key in pattern.pattern.converters:
        found[key] = _value(name, route, key, world, user, client)
    return found


def _value(name, route, key, world, user, client):
    if key == "pk" and route.startswith("office/") and "customers" not in route:
        return world["plan" if "plans" in route else "upload"].pk
    if name == "imports:run":
        return world["import_run"].pk
    if key == "token":   # only a manager can have an upload waiting in their session
        managing = user is not None and user.is_manager
        return pending_import(client) if managing else "no-such-token"
    if key == "pk":
        first = route.split("/")[0]
        return {"customers": world["customer"].pk, "invoices": world["dispute"].invoice_id,
                "actions": world["action"].pk, "steps": world["step"].pk,
                "calls": world["call"].pk, "messages": world["message"].pk,
                "notifications": own_notification(world, user) if user else 1,
                }.get(first, world["customer"].pk if "customers" in route else 999999)
    return {"promise_pk": world["promise"].pk, "dispute_pk": world["dispute"].pk,
            "declaration_pk": world["declaration"].pk,
            "attachment_pk": world["attachment"].pk, "handover_pk": world["handover"].pk,
            "decision": "accept"}[key]


def url_of(name, world, user, client=None):
    pattern = all_urls()[name]
    return reverse(name, kwargs=kwargs_for(name, pattern, world, user, client))


def client_for(user):
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def expected(letter):
    return {"y": ALLOWED, "n": FORBIDDEN, "-": NOT_SERVED, "*": None}[letter]


# The matrix -------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_each_role_on_each_page_and_action(world, role):
    user = world["people"][role]
    problems = []
    for name, (get_rule, post_rule) in ROUTES.items():
        for method, rule in (("get", get_rule), ("post", post_rule)):
            client = client_for(user)
            url = url_of(name, world, user, client)
            status = getattr(client, method)(url).status_code
            wanted = expected(rule[ROLES.index(role)])
            if status >= 500 or (wanted is not None and status not in wanted):
                problems.append(f"{method.upper()} {name} {url}: {status}, wanted {rule}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("who", ["lea", "tom"])
def test_another_portfolios_objects_are_not_found(world, who):
    """Léa and Tom may use what their role allows, but Mine SARL is not theirs: its
    customer, invoices and cases answer 404, so their ids do not leak."""
    user = world["people"][who]
    role = user.role
    problems = []
    for name, (get_rule, post_rule) in ROUTES.items():
        if not name.startswith("web:") or "<" not in str(all_urls()[name].pattern):
            continue
        if name.startswith("web:notification"):
            continue   # their own notifications, not Mine SARL's
        for method, rule in (("get", get_rule), ("post", post_rule)):
            if rule[ROLES.index(role)] == "-":
                continue
            status = getattr(client_for(user), method)(url_of(name, world, user)).status_code
            if status != 404:
                problems.append(f"{method.upper()} {name}: {status}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("who", ["lea", "tom"])
def test_another_portfolios_objects_never_show_on_other_pages(world, who):
    user = world["people"][who]
    problems = []
    for name, (get_rule, _post) in ROUTES.items():
        if get_rule[ROLES.index(user.role)] != "y" or "<" in str(all_urls()[name].pattern):
            continue
        page = client_for(user).get(reverse(name))
        if page["Content-Type"].startswith("text/html") and (
                "Mine SARL" in page.content.decode()):
            problems.append(name)
    assert not problems, f"Mine SARL shows on {problems}"


def test_an_anonymous_visitor_is_sent_to_the_login_everywhere(world):
    login = reverse("login")
    problems = []
    for name in ROUTES:
        url = url_of(name, world, None)
        for method in ("get", "post"):
            response = getattr(client_for(None), method)(url)
            if response.status_code != 302 or not response["Location"].startswith(login):
                problems.append(f"{method.upper()} {name}: {response.status_code}")
    assert not problems, "\n".join(problems)


def test_the_public_pages_open_without_login(db):
    for name in ("login", "password_reset", "password_reset_done",
                 "password_reset_complete"):
        assert client_for(None).get(reverse(name)).status_code == 200, name


def test_forbidden_actions_change_nothing(world):
    """A sales rep's refused decisions leave no trace on the timeline."""
    from relance.ledger.models import Event

    sales = world["people"]["sales"]
    before = Event.objects.count()
    for name, (_get, post) in ROUTES.items():
        if post[ROLES.index("sales")] == "n" and name.startswith("web:"):
            client_for(sales).post(url_of(name, world, sales),
                                   {"reason": "x", "outcome": "reached", "note": "x"})
    assert Event.objects.count() == before


def test_a_pending_upload_maps_for_its_manager_only(world):
    claire = client_for(world["people"]["credit_manager"])
    token = pending_import(claire)
    url = reverse("imports:mapping", args=[token])

    assert claire.get(url).status_code == 200
    for role in ("collector", "sales"):
        assert client_for(world["people"][role]).get(url).status_code == 403
    assert client_for(world["people"]["admin"]).get(url)["Location"] == reverse(
        "imports:upload")   # another manager's session does not hold it
