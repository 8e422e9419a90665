"""The portal's actions as a reminder offers them: buttons in the HTML part, the same
links listed at the end of the text part. Each opens the portal on that action."""
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# (action path, label) in the order the email shows them.
ACTIONS = (
    ("pay", _("Pay online")),
    ("dispute", _("Dispute an invoice")),
    ("promise", _("Promise to pay")),
    ("paid", _("Already paid")),
)


def buttons(portal_url):
    """[(label, url)] of the email's action buttons; none without a portal link."""
    if not portal_url:
        return []
    return [(label, f"{portal_url}{path}/") for path, label in ACTIONS]


def text_links(portal_url, language):
    """The text part's block of links, in the message's language ("" without a link)."""
    if not portal_url:
        return ""
    with translation.override(language):
        lines = [f"{_('Your statement')}: {portal_url}"]
        lines += [f"{label}: {url}" for label, url in buttons(portal_url)]
        return "\n\n" + "\n".join(str(line) for line in lines) + "\n"
