"""What an action says: its own subject and body where a user wrote them, else its
step's template in the customer's language, rendered with the action's context. The
review page shows it (with `context.preview_portal_url`); the worker sends it (with the
link `portal.links.for_reminder` reuses or issues)."""
from dataclasses import dataclass

from django.utils.translation import gettext as _

from relance.compose import formatting, templating
from relance.compose.context import build_context
from relance.dunning.models import StepTemplate

FALLBACK_LANGUAGE = "fr"


@dataclass
class Wording:
    language: str
    template: tuple          # (subject, body) sources of the step's template
    subject: str = ""
    body: str = ""
    problem: str = ""        # why it cannot be rendered, for the error box
    context: dict = None     # what it was rendered with
    today: object = None     # the date it was rendered for (documents are as of it)


def message_for(action, today, *, portal_url):
    """The action's text as it will read on `today` with `portal_url` as the portal
    address: its own subject and body where set, else the step's template in the
    customer's language (French when there is none)."""
    language, template = _template(action)
    message = Wording(language, template, today=today)
    subject = action.subject or template[0]
    body = action.body or template[1]
    if not (subject.strip() and body.strip()):
        message.problem = _("This action has no text: neither its own nor a template "
                            "of its step.")
        return message
    try:
        message.context = build_context(action, today, portal_url=portal_url)
        rendered = templating.render(subject, body, message.context, language)
    except (templating.TemplateProblem, ValueError, TypeError) as problem:
        message.problem = str(problem)
    else:
        message.subject, message.body = rendered.subject, rendered.body
    return message


def _template(action):
    wanted = action.customer.language
    if wanted not in formatting.LOCALES:
        wanted = FALLBACK_LANGUAGE
    if action.step_id is None:
        return wanted, ("", "")
    by_language = {t.language: t for t in
                   StepTemplate.objects.filter(step_id=action.step_id,
                                               language__in=[wanted, FALLBACK_LANGUAGE])}
    for language in (wanted, FALLBACK_LANGUAGE):
        if language in by_language:
            return language, (by_language[language].subject, by_language[language].body)
    return wanted, ("", "")
