"""Who receives an action: contact roles in order of preference, with fallback."""
from typing import NamedTuple

EMAIL = "email"
CALL = "call"
LETTER = "letter"


class ContactCard(NamedTuple):   # a tuple: a run reads every contact of the company
    id: int
    role: str
    email: str
    phone: str
    preferred: bool
    email_bounced: bool
    phone_invalid: bool = False


def reachable(contact, channel):
    if channel == EMAIL:
        return bool(contact.email) and not contact.email_bounced
    if channel == CALL:
        return bool(contact.phone) and not contact.phone_invalid
    return True


def choose_contact(contacts, roles, channel):
    """The first reachable contact of the first role that has one (a preferred contact
    before the others), else any reachable contact, else None."""
    usable = sorted((c for c in contacts if reachable(c, channel)),
                    key=lambda c: (not c.preferred, c.id))
    for role in roles:
        for contact in usable:
            if contact.role == role:
                return contact
    return usable[0] if usable else None


def route(contacts, roles, channel):
    """(channel, contact): an email nobody can receive becomes a letter to the
    customer's address, addressed to the best contact for a letter."""
    contact = choose_contact(contacts, roles, channel)
    if contact is None and channel == EMAIL:
        return LETTER, choose_contact(contacts, roles, LETTER)
    return channel, contact
