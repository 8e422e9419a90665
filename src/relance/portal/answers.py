"""What the debtor answers on the portal, recorded through the cases services (which
stop dunning and write the timeline) and told to the customer's owner.

Each function checks the company's limits (`rules`), stores any file, records the
case with the actor "debtor" and notifies the owner through relance.team.notify
(in-app at once, by email after the commit). A refusal is
`CaseRefused` with a message for the debtor; nothing is then changed.
"""
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from relance.cases import services
from relance.cases.models import PaymentPlan, PlanStatus
from relance.cases.services import CaseRefused
from relance.ledger import timeline
from relance.ledger.models import Contact, ContactRole
from relance.portal import rules, uploads
from relance.portal.models import PortalPolicy, UploadKind
from relance.team import notify

DEBTOR = "debtor"


def policy_of(company):
    """The company's portal limits, or the settings' defaults."""
    found = PortalPolicy.objects.filter(company=company).first()
    return found or PortalPolicy(company=company,
                                 max_promise_days=settings.PORTAL_MAX_PROMISE_DAYS,
                                 max_instalments=settings.PORTAL_MAX_INSTALMENTS,
                                 max_plan_start_days=settings.PORTAL_MAX_PROMISE_DAYS)


@transaction.atomic
def dispute(customer, invoice, reason, comment, upload, today):
    found = services.open_dispute(invoice, reason, comment, today, actor_label=DEBTOR)
    if upload is not None:
        _attach(upload, customer, UploadKind.DISPUTE, dispute=found)
    _tell_owner(customer, "dispute.opened", lambda: _("Invoice %(number)s: %(comment)s")
                % {"number": invoice.number, "comment": comment})
    return found


@transaction.atomic
def promise(customer, invoices, amount, promised_for, note, today):
    limits = policy_of(customer.company)
    most = sum((i.open_amount for i in invoices), 0)
    problem = rules.promise_problem(promised_for, amount, today, limits.max_promise_days,
                                    most)
    if problem:
        raise CaseRefused(problem)
    found = services.record_promise(customer, invoices, amount, promised_for, today,
                                    note=note, actor_label=DEBTOR)
    _tell_owner(customer, "promise.recorded", lambda: _("%(amount)s %(currency)s by "
                "%(date)s") % {"amount": amount, "currency": found.currency,
                               "date": promised_for.isoformat()})
    return found


@transaction.atomic
def declare_paid(customer, invoices, amount, paid_on, note, proof, today):
    problem = rules.declaration_problem(paid_on, amount, today)
    if problem:
        raise CaseRefused(problem)
    found = services.declare_payment(customer, invoices, amount, paid_on, today,
                                     note=note, actor_label=DEBTOR)
    _attach(proof, customer, UploadKind.PROOF, declaration=found)
    _tell_owner(customer, "payment.declared", lambda: _("%(amount)s paid on %(date)s")
                % {"amount": amount, "date": paid_on.isoformat()})
    return found


@transaction.atomic
def request_plan(customer, invoices, instalments, starts_on, note, today):
    """A plan the debtor asks for: PROPOSED until the collector accepts or refuses it;
    until then reminders go on (the cases only stop dunning once it is active)."""
    limits = policy_of(customer.company)
    problem = rules.plan_problem(instalments, starts_on, today, limits.max_instalments,
                                 limits.max_plan_start_days)
    if problem:
        raise CaseRefused(problem)
    plan = PaymentPlan.objects.create(customer=customer, instalments=instalments,
                                      starts_on=starts_on, note=note,
                                      status=PlanStatus.PROPOSED)
    plan.invoices.set(invoices)
    timeline.record(customer.company, "plan.requested", customer=customer, message=note,
                    actor_label=DEBTOR,
                    data={"plan": plan.pk, "instalments": instalments,
                          "starts_on": starts_on.isoformat(),
                          "invoices": [i.number for i in invoices]})
    _tell_owner(customer, "plan.requested", lambda: _("%(count)s instalments from "
                "%(date)s") % {"count": instalments, "date": starts_on.isoformat()})
    return plan


@transaction.atomic
def decide_plan(plan, accept, user):
    if plan.status != PlanStatus.PROPOSED:
        raise CaseRefused(_("This payment plan has already been decided."))
    plan.status = PlanStatus.ACTIVE if accept else PlanStatus.REFUSED
    plan.save(update_fields=["status"])
    timeline.record(plan.customer.company, "plan.accepted" if accept else "plan.refused",
                    customer=plan.customer, actor=user, data={"plan": plan.pk})
    return plan


@transaction.atomic
def update_contact(customer, name, email, phone):
    """The debtor names its accounts-payable contact: the preferred one of that role is
    updated, else one is created."""
    contact = (customer.contacts.filter(role=ContactRole.ACCOUNTS_PAYABLE)
               .order_by("-preferred", "pk").first())
    clash = customer.contacts.filter(name=name).exclude(pk=getattr(contact, "pk", None))
    if clash.exists():
        raise CaseRefused(_("Another contact already has this name."))
    before = {} if contact is None else {"name": contact.name, "email": contact.email,
                                         "phone": contact.phone}
    contact = contact or Contact(customer=customer, role=ContactRole.ACCOUNTS_PAYABLE)
    contact.name, contact.email, contact.phone = name, email, phone
    contact.email_bounced = False
    contact.save()
    timeline.record(customer.company, "contact.updated", customer=customer,
                    actor_label=DEBTOR, message=f"{name} <{email}> {phone}".strip(),
                    data={"contact": contact.pk, "before": before})
    _tell_owner(customer, "contact.updated", lambda: f"{name} <{email}> {phone}")
    return contact


def _tell_owner(customer, event_type, summary):
    """The customer's owner (its collector) gets a notice in the bell and by email;
    `summary()` is called in the owner's language."""
    if customer.owner is None:
        return
    link = reverse("web:customer", args=[customer.pk]) + "?tab=portal"

    def compose():
        what = {"customer": customer.name, "what": timeline.label(event_type)}
        text = _("%(customer)s: %(what)s on the portal") % what
        body = _("%(customer)s (%(reference)s) answered on the portal: %(what)s.\n\n"
                 "%(summary)s\n\nSee the customer: %(url)s") % {
            **what, "reference": customer.reference, "summary": summary(),
            "url": notify.absolute(link)}
        return text, body
    notify.users([customer.owner], compose, link)


def _attach(upload, customer, kind, **case):
    stored = uploads.store(upload, customer, kind)
    for field, value in case.items():
        setattr(stored, field, value)
    stored.save(update_fields=list(case))
    return stored
