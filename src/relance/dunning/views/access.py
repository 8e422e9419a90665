"""Who may do what on the dunning pages, and which company they are about.

Sales reps never see these pages. Collectors see and decide on their own customers'
actions only: another collector's action is not found rather than forbidden, so that
its existence does not leak. Administrators and credit managers see everything and
alone may start a run.
"""
from functools import wraps

from django.core.management.base import CommandError
from django.shortcuts import get_object_or_404, render

from relance.dunning.access import visible_actions
from relance.ledger.companies import default_company
from relance.team.models import Role


def dunning_page(view=None, *, managers=False):
    """Guard a view and hand it the company: `view(request, company, ...)`.

    Sales reps get 403 everywhere; with `managers=True`, collectors too. Without a
    single company the page says so instead of guessing.
    """
    def decorate(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if request.user.role == Role.SALES or (managers and not request.user.is_manager):
                return render(request, "dunning/forbidden.html",
                              {"section": "dunning", "managers": managers}, status=403)
            company = current_company()
            if company is None:
                return render(request, "dunning/no_company.html", {"section": "dunning"})
            return view(request, company, *args, **kwargs)
        return guarded
    return decorate(view) if view is not None else decorate


def current_company():
    """The only company, or None when there are several."""
    try:
        return default_company()
    except CommandError:
        return None


def action_for(user, company, pk):
    return get_object_or_404(
        visible_actions(user, company).select_related(
            "company", "customer", "customer__owner", "customer__sales_rep", "step",
            "contact", "decided_by", "step__scenario"),
        pk=pk)
