"""Scenarios and their steps, and the editor of a step's reminder texts with a live
preview rendered against a real customer's open invoices."""
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relance.compose import templating
from relance.compose.context import context_for_customer, preview_portal_url
from relance.dunning import defaults, shipped
from relance.dunning.forms_templates import (
    LANGUAGES,
    PREVIEW_CUSTOMERS,
    PreviewForm,
    StepTemplateForm,
    customers_with_open_invoices,
    default_customer,
)
from relance.dunning.models import Channel, Scenario, Step, StepTemplate, Tone, Trigger
from relance.dunning.views.access import dunning_page
from relance.ledger.models import Customer
from relance.ledger.models.customer import ContactRole


@dunning_page
def scenarios(request, company):
    found = (Scenario.objects.filter(company=company)
             .prefetch_related("steps__templates").order_by("-is_default", "name"))
    rows = [(scenario, [_step_row(step) for step in scenario.steps.all()])
            for scenario in found]
    return render(request, "dunning/scenarios.html",
                  {"section": "dunning", "scenarios": rows})


def _step_row(step):
    return {"step": step, "when": _when(step), "channel": Channel(step.channel).label,
            "tone": Tone(step.tone).label,
            "recipients": [_role_label(role) for role in step.roles],
            "languages": sorted(t.language for t in step.templates.all())}


def _when(step):
    if step.trigger == Trigger.PREVIOUS_STEP:
        return _("%(days)s days after the previous step") % {"days": step.days}
    if step.days < 0:
        return _("%(days)s days before the due date") % {"days": -step.days}
    if step.days == 0:
        return _("on the due date")
    return _("%(days)s days after the due date") % {"days": step.days}


def _role_label(role):
    return ContactRole(role).label if role in ContactRole.values else role


# The editor ---------------------------------------------------------------------------

@dunning_page(managers=True)
def step_templates(request, company, pk):
    """One language's subject and body; saved only when `templating.check` passes."""
    step = _step_of(company, pk)
    language = _language(request)
    saved = StepTemplate.objects.filter(step=step, language=language).first()
    if request.method == "POST":
        form = StepTemplateForm(request.POST, language=language)
        if form.is_valid():
            form.save(step)
            messages.success(request, _("The text is saved."))
            return redirect(_editor_url(step, language))
    else:
        initial = {"subject": saved.subject, "body": saved.body} if saved else {}
        form = StepTemplateForm(initial=initial, language=language)
    return render(request, "dunning/step_templates.html",
                  _editor_context(request, company, step, language, form))


def _editor_context(request, company, step, language, form):
    now = timezone.now()
    today = timezone.localdate(now)
    search = request.GET.get("q", "").strip()
    customers = list(customers_with_open_invoices(company, search)[:PREVIEW_CUSTOMERS])
    chosen = _chosen_customer(request, company, customers) or \
        default_customer(company, today, search)
    if chosen is not None and chosen not in customers:
        customers.insert(0, chosen)
    subject, body = form["subject"].value() or "", form["body"].value() or ""
    return {"section": "dunning", "step": step, "language": language,
            "languages": LANGUAGES, "form": form, "search": search,
            "customers": customers, "chosen": chosen,
            "shipped": shipped_key(step) is not None,
            "variables": templating.VARIABLES, "filters": templating.FILTERS,
            "hint": _hint(),
            "preview": _preview(step, chosen, subject, body, language, now)}


def _hint():
    return _("Write %(value)s to insert a value, %(test)s to say something only when "
             "there is one, %(loop)s to go through a list. The text is checked when you "
             "save: an unknown variable is an error, never an empty string.") % {
        "value": "{{ customer.name }}", "test": "{% if contact %}…{% endif %}",
        "loop": "{% for invoice in invoices %}…{% endfor %}"}


def _chosen_customer(request, company, customers):
    wanted = request.GET.get("customer", "")
    if not wanted.isdigit():
        return None
    return Customer.objects.filter(company=company, pk=wanted).first()


@require_POST
@dunning_page(managers=True)
def step_template_preview(request, company, pk):
    """The rendered subject and body, or the problem, for the editor's live preview."""
    step = _step_of(company, pk)
    language = _language(request)
    form = PreviewForm(request.POST, company=company)
    if not form.is_valid():
        return render(request, "dunning/_preview.html", {"preview": {"missing": True}})
    data = form.cleaned_data
    preview = _preview(step, data["customer"], data["subject"], data["body"], language,
                       timezone.now())
    return render(request, "dunning/_preview.html", {"preview": preview})


def _preview(step, customer, subject, body, language, now):
    """{customer, subject, body} rendered, or {customer, problem}, or {missing}; the
    customer's portal link as a reminder would reuse it, never a new one."""
    if customer is None:
        return {"missing": True}
    context = context_for_customer(customer, step, timezone.localdate(now),
                                   portal_url=preview_portal_url(customer, now))
    try:
        rendered = templating.render(subject, body, context, language)
    except templating.TemplateProblem as problem:
        return {"customer": customer, "problem": problem}
    return {"customer": customer, "subject": rendered.subject, "body": rendered.body,
            "invoices": [i["number"] for i in context["invoices"]]}


@require_POST
@dunning_page(managers=True)
def reset_step_template(request, company, pk):
    """Put back the text Relance ships for this step, in one language."""
    step = _step_of(company, pk)
    language = _language(request)
    key = shipped_key(step)
    if key is None:
        messages.error(request, _("This step has no shipped text to go back to."))
    else:
        subject, body = shipped.load_shipped(key, language)
        StepTemplate.objects.update_or_create(
            step=step, language=language, defaults={"subject": subject, "body": body})
        messages.success(request, _("The shipped text is back."))
    return redirect(_editor_url(step, language))


def shipped_key(step):
    """The shipped text a step of a shipped scenario started from, or None.

    Steps keep no such key: a step is recognised by its scenario's and its own shipped
    names (in French or in English, as installed) at its shipped position.
    """
    for name, _description, _default, specs in defaults.SHIPPED:
        if not 0 < step.position <= len(specs):
            continue
        spec = specs[step.position - 1]
        for language in ("fr", "en"):
            with translation.override(language):
                shipped = (translation.gettext(name), translation.gettext(spec["name"]))
            if (step.scenario.name, step.name) == shipped:
                return spec["text"]
    return None


def _step_of(company, pk):
    return get_object_or_404(Step.objects.select_related("scenario"),
                             scenario__company=company, pk=pk)


def _language(request):
    wanted = request.POST.get("language") or request.GET.get("language") or "fr"
    return wanted if wanted in dict(LANGUAGES) else "fr"


def _editor_url(step, language):
    return f"{reverse('dunning:step_templates', args=[step.pk])}?language={language}"
