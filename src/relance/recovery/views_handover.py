"""What the "Legal" section of the customer page and the legal path page show about
hand-overs to a collection agency: the hand-overs with their reports, and the forms
when the user is a manager. A posted form with errors replaces its empty one."""
from relance.cases.models import Handover
from relance.recovery.forms import EndHandoverForm, HandoverForm, ReportForm
from relance.team.models import Role


def may_view_legal(user, customer):
    """Managers, and the collector who owns the customer."""
    return user.is_manager or (user.role == Role.COLLECTOR and customer.owner_id == user.pk)


def handover_context(user, customer, today, submitted=None):
    submitted = submitted or {}
    may_hand_over = user.is_manager
    rows = list(Handover.objects.filter(customer=customer)
                .prefetch_related("invoices", "reports").order_by("-handed_on", "-id"))
    failed = submitted.get("failed_handover")
    for row in rows:
        row.report_form = row.end_form = None
        if may_hand_over and row.is_active:
            row.report_form = (submitted.get("report_form") if failed == row.pk else None
                               ) or ReportForm(today=today, prefix=f"r{row.pk}")
            row.end_form = (submitted.get("end_form") if failed == row.pk else None
                            ) or EndHandoverForm(today=today, prefix=f"e{row.pk}")
    context = {"handovers": rows, "may_hand_over": may_hand_over,
               "may_view_legal": may_view_legal(user, customer)}
    if may_hand_over:
        context["handover_form"] = (submitted.get("handover_form")
                                    or HandoverForm(customer, today=today))
    return context
