"""The columns of the exported lists of other apps' pages (dunning actions, calls,
outbox), kept beside the export helper so those views only add two lines."""
from django.utils.translation import gettext_lazy as _

from relance.web.exports import DATE, NUMBER, Column


def _owner(customer):
    return str(customer.owner) if customer.owner_id else ""


ACTION_COLUMNS = [
    Column(_("Planned on"), "planned_on", DATE),
    Column(_("Customer reference"), lambda a: a.customer.reference),
    Column(_("Customer"), lambda a: a.customer.name),
    Column(_("Collector"), lambda a: _owner(a.customer)),
    Column(_("Step"), lambda a: a.step.name if a.step_id else _("Manual")),
    Column(_("Channel"), lambda a: a.get_channel_display()),
    Column(_("Amount"), "amount", NUMBER),
    Column(_("Total overdue"), "overdue_total", NUMBER),
    Column(_("Currency"), "currency"),
    Column(_("Status"), lambda a: a.get_status_display()),
]

# The calendar's rows are the preview's entries (dicts), not actions.
PLANNED_COLUMNS = [
    Column(_("Day"), lambda e: e["day"], DATE),
    Column(_("Customer reference"), lambda e: e["customer"].reference),
    Column(_("Customer"), lambda e: e["customer"].name),
    Column(_("Collector"), lambda e: _owner(e["customer"])),
    Column(_("Step"), lambda e: e["step"].name),
    Column(_("Channel"), lambda e: e["channel"]),
    Column(_("Invoices"), lambda e: ", ".join(e["numbers"])),
    Column(_("Amount"), lambda e: e["amount"], NUMBER),
    Column(_("Currency"), lambda e: e["currency"]),
]

MESSAGE_COLUMNS = [
    Column(_("Message"), "pk", NUMBER),
    Column(_("Created at"), "created_at", DATE),
    Column(_("Customer reference"), lambda m: m.action.customer.reference),
    Column(_("Customer"), lambda m: m.action.customer.name),
    Column(_("Channel"), lambda m: m.get_channel_display()),
    Column(_("State"), lambda m: m.get_state_display()),
    Column(_("Recipients"), lambda m: ", ".join(m.recipients or [])),
    Column(_("Subject"), "subject"),
    Column(_("Sent at"), "sent_at", DATE),
    Column(_("Attempts"), "attempts", NUMBER),
    Column(_("Last error"), "last_error"),
]

CALL_COLUMNS = [
    Column(_("Planned on"), "planned_on", DATE),
    Column(_("Customer reference"), lambda a: a.customer.reference),
    Column(_("Customer"), lambda a: a.customer.name),
    Column(_("Collector"), lambda a: _owner(a.customer)),
    Column(_("Total overdue"), "overdue_total", NUMBER),
    Column(_("Days late"), "days_late", NUMBER),
    Column(_("Attempts"), "attempts", NUMBER),
    Column(_("Call"), lambda a: str(a.callee.name) if a.callee else ""),
    Column(_("Phone"), lambda a: (a.callee.phone or "") if a.callee else ""),
]
