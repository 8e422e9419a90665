"""Random but valid identifiers: SIREN, SIRET, VAT numbers, IBAN and BIC, phone numbers.

Check digits come from python-stdnum and schwifty, the libraries the validators use, so
every generated number passes `relance.ledger.validators`.
"""
from schwifty import IBAN
from stdnum import luhn
from stdnum.fr import siren as siren_module
from stdnum.iso7064 import mod_11_10

# French banks whose codes schwifty's registry knows, so the IBAN yields a matching BIC.
FRENCH_BANK_CODES = ["30004", "30003", "30002", "10107", "20041", "30066"]


def siren(rng):
    body = f"{rng.randint(30_000_000, 99_999_999)}"
    return body + luhn.calc_check_digit(body)


def siret(rng, siren_number):
    """SIRET = SIREN + establishment number (NIC) whose last digit makes the Luhn sum work."""
    body = siren_number + f"{rng.randint(1, 999):04d}"
    return body + luhn.calc_check_digit(body)


def french_vat(siren_number):
    return "FR" + siren_module.to_tva(siren_number)


def foreign_vat(rng, country):
    """A valid VAT number for the EU countries whose check is simple; blank elsewhere."""
    if country == "BE":
        body = f"0{rng.randint(2_000_000, 9_999_999)}"
        return f"BE{body}{97 - int(body) % 97:02d}"
    if country == "DE":
        body = f"{rng.randint(10_000_000, 99_999_999)}"
        return "DE" + body + mod_11_10.calc_check_digit(body)
    if country == "IT":
        body = f"{rng.randint(1_000_000, 9_999_999)}{rng.randint(1, 100):03d}"
        return "IT" + body + luhn.calc_check_digit(body)
    return ""


def french_iban(rng):
    """A French IBAN at a known bank; schwifty computes the RIB key and the IBAN check."""
    bank = rng.choice(FRENCH_BANK_CODES)
    branch = f"{rng.randint(1, 99_999):05d}"
    account = f"{rng.randint(1, 10**11 - 1):011d}"
    return IBAN.generate("FR", bank_code=bank + branch, account_code=account)


def bic_for(iban):
    """The BIC of the IBAN's bank as schwifty's registry has it, on 11 characters."""
    bic = iban.bic
    return str(bic) + "XXX" if bic and len(str(bic)) == 8 else str(bic or "")


def french_phone(rng, mobile=False):
    prefix = rng.choice(["06", "07"]) if mobile else rng.choice(["01", "02", "03", "04", "05"])
    pairs = " ".join(f"{rng.randint(0, 99):02d}" for _ in range(4))
    return f"+33 {prefix[1]} {pairs}"
