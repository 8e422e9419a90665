"""Template helpers of the back office: money, links that keep the current filters."""
from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format

from relance.ledger import timeline

register = template.Library()

CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}


@register.filter
def money(value, currency="EUR"):
    """1234.5 -> "1 234,50 €" in French, "1,234.50 €" in English."""
    if value is None or value == "":
        return "—"
    amount = number_format(value, 2, use_l10n=True, force_grouping=True)
    return f"{amount}\u00a0{CURRENCY_SYMBOLS.get(currency, currency)}"


@register.filter
def event_label(event_type):
    return timeline.label(event_type)


@register.filter
def event_actor(event):
    """Who acted, in words: a user, or what acted for nobody (import, dunning run)."""
    return timeline.who(event)


@register.simple_tag
def optional_url(name, fallback):
    """The URL of a view another app may not have written yet, else a plain path."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced; "" removes one.

    Filters survive paging and sorting this way, without JavaScript.
    """
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value not in ("", None):
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.inclusion_tag("web/_sort_link.html", takes_context=True)
def sort_link(context, key, label, default_descending=False):
    """A column header that sorts by `key`, flipping the direction on a second click."""
    current = context.get("sort") or ""
    active = current.lstrip("-") == key
    descending = current.startswith("-") if active else default_descending
    next_sort = key if (active and descending) or (not active and not default_descending) \
        else f"-{key}"
    return {"request": context["request"], "label": label, "next_sort": next_sort,
            "active": active, "descending": descending}


@register.simple_tag
def unread_notifications_count(user):
    """The bell's number: the notifications `user` has not read."""
    from relance.team.notes import unread

    return unread(user).count() if getattr(user, "is_authenticated", False) else 0
