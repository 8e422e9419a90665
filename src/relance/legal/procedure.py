"""Which legal procedure fits a claim at the end of amicable collection. Pure: the
claim's lines, the debtor's situation and a date in, a recommendation out.

1. Leave out of the claim what cannot be claimed: invoices not yet due, disputed
   ones (a court would see them contested; settle the dispute first) and those whose
   five-year limitation has passed. Each is listed with the reason.
2. The amount that decides is what the statement of claim asks on what is left:
   open principal + late penalties + the 40 EUR indemnities, in euros. Lines in
   another currency are not converted: they are left out of the threshold, with a
   warning.
3. A debtor in insolvency proceedings cannot be sued for a prior debt (Code de
   commerce L622-21): declare the claim to the court-appointed creditors'
   representative (mandataire judiciaire) instead.
4. Up to 5,000 EUR: the simplified small-claims procedure through a commissaire de
   justice (Code des procédures civiles d'exécution L125-1); the debtor has one month
   to agree. Above: an order for payment (injonction de payer, Cerfa 12946) at the
   commercial court of the debtor's registered seat, or the tribunal judiciaire of
   the debtor's home for a consumer.
5. Warn where the file is weak: no formal notice sent for a claimed invoice, a
   limitation date within six months, invoices handed over to a collection agency.
"""
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

SMALL_CLAIMS_LIMIT = Decimal("5000.00")
EUR = "EUR"
SOON_DAYS = 180

SMALL_CLAIMS = "small_claims"
ORDER_FOR_PAYMENT = "order_for_payment"
DECLARE_CLAIM = "declare_claim"
NOTHING_TO_CLAIM = "nothing_to_claim"

# Why a line was left out of the claim.
NOT_DUE = "not_due"
DISPUTED = "disputed"
TIME_BARRED = "time_barred"


@dataclass(frozen=True)
class ClaimLine:
    """One invoice of the statement of claim, as the recommendation needs it."""
    number: str
    due_date: dt.date
    currency: str
    open: Decimal            # open principal, in the invoice's currency
    penalties: Decimal       # in the invoice's currency
    indemnity: Decimal       # in euros
    disputed: bool = False
    noticed: bool = False    # a formal notice about it went out
    limitation_date: dt.date | None = None
    with_agency: bool = False   # handed over to a collection agency

    @property
    def claimed_in_euros(self):
        """What this line adds to the euro amount that decides the procedure."""
        own = self.open + self.penalties if self.currency == EUR else Decimal("0.00")
        return own + self.indemnity


@dataclass(frozen=True)
class Debtor:
    name: str
    address_lines: tuple = ()
    postal_code: str = ""
    city: str = ""
    consumer: bool = False
    insolvent: bool = False


@dataclass(frozen=True)
class Recommendation:
    procedure: str
    amount: Decimal                  # the euro amount that decided it
    court: str                       # where to file, in words ("" when none)
    reasons: tuple                   # sentences, why this procedure
    warnings: tuple                  # sentences, what weakens the file
    claimed: tuple                   # ClaimLines kept in the claim
    excluded: tuple = field(default=())   # (ClaimLine, reason code, sentence)

    @property
    def claimed_numbers(self):
        return [line.number for line in self.claimed]


def recommend(lines, debtor, as_of):
    """The procedure for `lines` (ClaimLine) owed by `debtor` (Debtor) on `as_of`."""
    kept, excluded = _split(lines, as_of)
    amount = sum((line.claimed_in_euros for line in kept), Decimal("0.00"))
    warnings = _warnings(kept, as_of)
    if not kept:
        return Recommendation(NOTHING_TO_CLAIM, amount, "",
                              (_("Nothing can be claimed before a court on this date."),),
                              warnings, (), excluded)
    procedure, court, reasons = _procedure(amount, debtor)
    return Recommendation(procedure, amount, court, reasons, warnings, tuple(kept), excluded)


def _split(lines, as_of):
    kept, excluded = [], []
    for line in sorted(lines, key=lambda item: (item.due_date, item.number)):
        reason = _exclusion(line, as_of)
        if reason:
            excluded.append((line, *reason))
        else:
            kept.append(line)
    return kept, tuple(excluded)


def _exclusion(line, as_of):
    """(code, sentence) when the line cannot be claimed, else None."""
    if line.due_date >= as_of:
        return NOT_DUE, _("%(number)s is not late yet.") % {"number": line.number}
    if line.disputed:
        return DISPUTED, _("%(number)s is disputed: settle the dispute before going to "
                           "court.") % {"number": line.number}
    if line.limitation_date is not None and line.limitation_date < as_of:
        return TIME_BARRED, _("%(number)s is time-barred since %(date)s (five years, "
                              "Code de commerce L110-4).") % {
            "number": line.number, "date": line.limitation_date.isoformat()}
    return None


def _procedure(amount, debtor):
    """(procedure, court, reasons) for a claim of `amount` euros."""
    if debtor.insolvent:
        return DECLARE_CLAIM, _("the creditors' representative (mandataire judiciaire)"), (
            _("The debtor is in insolvency proceedings: no court action can be brought "
              "for a debt born before them (Code de commerce L622-21)."),
            _("Declare the claim to the creditors' representative within two months "
              "of the judgment's publication in the BODACC."))
    if amount <= SMALL_CLAIMS_LIMIT:
        return SMALL_CLAIMS, _("a commissaire de justice of your choice"), (
            _("The claim is %(amount)s EUR, at most 5,000 EUR: the simplified small-claims "
              "procedure applies (Code des procédures civiles d'exécution L125-1).")
            % {"amount": amount},
            _("A commissaire de justice invites the debtor to agree on the amount and "
              "the payment terms; the debtor has one month to answer. The agreement, "
              "once issued by the commissaire, is enforceable."),
            _("If the debtor refuses or does not answer, an order for payment remains "
              "possible."))
    court = _court(debtor)
    if debtor.consumer:
        return ORDER_FOR_PAYMENT, court, (
            _("The claim is %(amount)s EUR, above 5,000 EUR: ask for an order for "
              "payment (injonction de payer).") % {"amount": amount},
            _("The debtor is a consumer: the application goes to the tribunal judiciaire "
              "of the place where the debtor lives."))
    return ORDER_FOR_PAYMENT, court, (
        _("The claim is %(amount)s EUR, above 5,000 EUR: ask for an order for payment "
          "(injonction de payer, Cerfa 12946).") % {"amount": amount},
        _("Between businesses the application goes to the commercial court of the "
          "debtor's registered seat."))


def _court(debtor):
    place = " ".join(p for p in (debtor.postal_code, debtor.city) if p) or _("unknown place")
    if debtor.consumer:
        return _("Tribunal judiciaire of the debtor's home: %(place)s") % {"place": place}
    return _("Commercial court of the debtor's seat: %(place)s") % {"place": place}


def _warnings(kept, as_of):
    warnings = []
    unnoticed = [line.number for line in kept if not line.noticed]
    if unnoticed:
        warnings.append(_("No formal notice was sent for %(numbers)s: send one (registered "
                          "letter with a deadline) before going to court.")
                        % {"numbers": ", ".join(unnoticed)})
    agency = [line.number for line in kept if line.with_agency]
    if agency:
        warnings.append(_("Handed over to a collection agency: %(numbers)s; agree with it "
                          "before going to court.") % {"numbers": ", ".join(agency)})
    foreign = sorted({line.currency for line in kept if line.currency != EUR})
    if foreign:
        warnings.append(_("Amounts in %(currencies)s are not counted in the 5,000 EUR "
                          "threshold: convert them to check the procedure.")
                        % {"currencies": ", ".join(foreign)})
    soon = as_of + dt.timedelta(days=SOON_DAYS)
    for line in kept:
        if line.limitation_date is not None and line.limitation_date <= soon:
            warnings.append(_("%(number)s will be time-barred after %(date)s: act before.")
                            % {"number": line.number,
                               "date": line.limitation_date.isoformat()})
    return tuple(warnings)
