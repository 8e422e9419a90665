"""The dashboard (the home page) and the worklist. Both read a scope (the company, or the
user's portfolio) and hand it to the loaders; the numbers come from `dashboard.py`,
`worklist.py` and the pure modules they call."""
from django import forms
from django.contrib.auth import get_user_model
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relance.dunning import rate_gaps
from relance.insights import alerts, cache, dashboard as loaders, worklist
from relance.insights.scope import scope_for
from relance.ledger import aging, companies
from relance.ledger.models import Company
from relance.team.models import Role


class ScopeForm(forms.Form):
    """What a manager may narrow the pages to: one company, one collector. A bad value
    is ignored (the whole company is shown) rather than an error page."""
    company = forms.ModelChoiceField(queryset=Company.objects.order_by("name"),
                                     required=False, empty_label=None)
    collector = forms.ModelChoiceField(
        label=_("Collector"), required=False, empty_label=_("All collectors"),
        queryset=get_user_model().objects.filter(is_active=True, role=Role.COLLECTOR)
        .order_by("first_name", "last_name", "email"))

    def value(self, name):
        return self.cleaned_data.get(name) if self.is_valid() else None


def _scope(request):
    form = ScopeForm(request.GET)
    company = form.value("company") or Company.objects.order_by("pk").first()
    collector = form.value("collector")
    if company is None:
        return form, None, None
    return form, company, scope_for(request.user, company,
                                    collector=collector.pk if collector else None)


def dashboard_page(request):
    today = timezone.localdate()
    form, company, scope = _scope(request)
    if company is None:
        return render(request, "insights/no_company.html", {"section": "home"})
    alerts.refresh_if_stale(company, today)
    data = cache.kept("dashboard", scope, today, lambda: _dashboard_data(scope, today))
    figures = data["f"]
    several = companies.several()
    context = {
        "section": "home", "today": today, "form": form, "company": company,
        "scope": scope, "list_filter": scope.list_filter, **data,
        "aging_rows": [(key, aging.LABELS[key], amount)
                       for key, amount in figures.aging.items()],
        "disputes_by_age": [(key, DISPUTE_AGE_LABELS[key], n, amount)
                            for key, n, amount in data["disputes_by_age"]],
        "chart": _chart_data(figures),
        "cash_periods": loaders.cash_periods(today),
        "payments_filter": _payments_filter(scope, company, several),
        "several_companies": several,
        # the rates are read on every request: one entered shows at once
        "rate_gap": rate_gaps.gap_since(company, data["oldest_overdue"], today),
    }
    return render(request, "insights/dashboard.html", context)


def _payments_filter(scope, company, several):
    """The payment list behind the cash collected: the scope's portfolio, and the
    company when there are several."""
    return {**scope.list_filter, **({"company": company.pk} if several else {})}


def _dashboard_data(scope, today):
    """Every number of the page, as plain values and rows that can be cached."""
    disputes_by_age, oldest_disputes = loaders.open_disputes(scope, today)
    figures = loaders.figures(scope, today)
    return {"f": figures,
            "other_currencies": loaders.other_currencies(scope, today, figures.receivables),
            "top_overdue": loaders.top_overdue(scope, today),
            "promises": loaders.promises_this_week(scope, today),
            "disputes_by_age": disputes_by_age, "oldest_disputes": oldest_disputes,
            "alerts": loaders.live_alerts(scope),
            "oldest_overdue": rate_gaps.oldest_overdue(scope.company, today)}


DISPUTE_AGE_LABELS = {"0_7": _("0-7 days"), "8_30": _("8-30 days"),
                      "31_60": _("31-60 days"), "over_60": _("Over 60 days")}


def _chart_data(figures):
    """What the two charts draw; the tables beside them hold the same numbers."""
    return {
        "aging": {"labels": [str(aging.LABELS[k]) for k in figures.aging],
                  "values": [float(v) for v in figures.aging.values()]},
        "dso": {"labels": [end.strftime("%m/%Y") for end, _dso in figures.trend],
                "values": [round(float(dso), 1) for _end, dso in figures.trend]},
    }


def worklist_page(request):
    today = timezone.localdate()
    form, company, scope = _scope(request)
    if company is None:
        return render(request, "insights/no_company.html", {"section": "worklist"})
    alerts.refresh_if_stale(company, today)
    tasks = worklist.tasks_for(request.user, scope, today)
    return render(request, "insights/worklist.html",
                  {"section": "worklist", "form": form, "tasks": tasks, "today": today,
                   "kinds": TASK_LABELS})


TASK_LABELS = {
    worklist.CALL: _("Call due"),
    worklist.APPROVAL: _("Awaiting approval"),
    worklist.BROKEN_PROMISE: _("Broken promise"),
    worklist.DISPUTE: _("Dispute past its target date"),
    worklist.BOUNCED: _("Email bounced"),
    worklist.OVER_LIMIT: _("Over its credit limit"),
    worklist.PAYING_LATER: _("Paying later than usual"),
}
