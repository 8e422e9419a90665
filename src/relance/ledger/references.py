"""Payment references, pure: what a transfer quotes so that the payment names the
customer. No ORM, no clock: reminders (relance.compose) and the portal's transfer
instructions (relance.portal.rules) both quote it."""
import re

from stdnum import iso11649
from stdnum.iso7064 import mod_97_10


def creditor_reference(reference):
    """The ISO 11649 creditor reference ("RF" + two check digits + the reference, in
    groups of four) made of a customer reference's letters and digits.

    A reference with no letter or digit, or more than the 21 the standard allows,
    cannot be one: it is then returned as it is, so that a transfer still names it.
    """
    body = re.sub(r"[^0-9A-Za-z]", "", reference).upper()
    if not 0 < len(body) <= 21:
        return reference
    return iso11649.format(f"RF{mod_97_10.calc_check_digits(body + 'RF')}{body}")
