"""Paying by transfer: the creditor's bank details, the reference that names the
customer and the invoices, and the EPC069-12 QR code ("BCD", version 002, SCT) for the
chosen amount, drawn with segno as the letters draw theirs."""
import io
from dataclasses import dataclass
from decimal import Decimal

from segno import helpers as segno_helpers

from relance.portal import rules

MAX_EPC_AMOUNT = Decimal("999999999.99")


@dataclass(frozen=True)
class Transfer:
    iban: str
    bic: str
    beneficiary: str
    amount: Decimal
    currency: str
    reference: str       # the structured RF reference, or "" when it does not fit
    text: str            # else the remittance in words

    @property
    def quoted(self):
        """What the debtor writes in the transfer's reference field."""
        return self.reference or self.text

    @property
    def iban_spaced(self):
        return " ".join(self.iban[i:i + 4] for i in range(0, len(self.iban), 4))


def transfer_for(company, customer, invoices, amount):
    structured, text = rules.transfer_reference(customer.reference,
                                                [i.number for i in invoices])
    currency = invoices[0].currency if invoices else "EUR"
    return Transfer(iban=(company.iban or "").replace(" ", ""), bic=company.bic or "",
                    beneficiary=company.name, amount=amount, currency=currency,
                    reference=structured, text=text)


def epc_code(transfer):
    """The segno QR code, or None when EPC069-12 cannot carry it (not in euros, no
    IBAN, an amount out of range)."""
    if transfer.currency != "EUR" or not transfer.iban:
        return None
    if not Decimal("0.01") <= transfer.amount <= MAX_EPC_AMOUNT:
        return None
    remittance = ({"reference": transfer.reference.replace(" ", "")} if transfer.reference
                  else {"text": transfer.text})
    try:
        return segno_helpers.make_epc_qr(name=transfer.beneficiary[:70], iban=transfer.iban,
                                         amount=transfer.amount, bic=transfer.bic or None,
                                         **remittance)
    except ValueError:
        return None


def qr_png(transfer):
    code = epc_code(transfer)
    if code is None:
        return None
    out = io.BytesIO()
    code.save(out, kind="png", scale=6, border=4)
    return out.getvalue()
