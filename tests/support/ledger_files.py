"""A synthetic ledger for the tests: the four files of `relance import ledger DIR`
(docs/imports.md), as large as a test needs and the same bytes for the same arguments.

    write_ledger(folder, invoices=20_000)   # customers.csv, contacts.csv, invoices.csv,
                                            # payments.csv in folder

Every row is valid, so a test that wants a problem appends its own bad line. The shape:

1. `invoices // 10` customers, referenced `C0000001`, `C0000002`...; most French with a
   valid SIREN and accented names (the files are UTF-8 beyond ASCII), some abroad
   without SIREN; net 30, 45 or 60 days.
2. One or two contacts per customer, each with a role and an email.
3. Invoices issued over the year before `as_of`, due after their customer's terms; a
   few disputed (`disputed` 1), a few credit notes (`kind` credit_note).
4. Payments: most invoices paid in full, some partly, the rest open; a payment dated
   after `as_of` is not made. Now and then a payment on account that names no invoice.

The benchmarks (bench/) measure on the shared generator of the workplace instead; this
one is the tests' own, small and kept with them.
"""
import csv
import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

from stdnum import luhn

AS_OF = dt.date(2026, 11, 22)
CENTS = Decimal("0.01")
VAT_RATE = Decimal("0.20")

TRADES = ["Atelier", "Société", "Boulangerie", "Menuiserie", "Transports", "Cabinet",
          "Imprimerie", "Garage"]
SURNAMES = ["Durand", "Lefèvre", "Moreau", "Gauthier", "Chevalier", "Bénard", "Roux",
            "Mercier", "Faure", "Lambert"]
FORMS = ["SAS", "SARL", "SA", "EURL"]
ABROAD = [("BE", "fr"), ("DE", "en"), ("ES", "en"), ("IT", "en"), ("LU", "fr")]
FIRST_NAMES = ["Claire", "Marc", "Sophie", "Hélène", "Julien", "Amélie", "Paul", "Inès"]
ROLES = ["accounting", "purchasing", "management"]

HEADERS = {
    "customers": ["customer_ref", "name", "siren", "country", "language",
                  "payment_terms_days", "segment"],
    "contacts": ["customer_ref", "name", "email", "phone", "role"],
    "invoices": ["number", "customer_ref", "issue_date", "due_date", "currency",
                 "amount_excl_tax", "vat", "amount_total", "disputed", "kind"],
    "payments": ["payment_ref", "customer_ref", "invoice_number", "date", "amount"],
}


def write_ledger(folder, invoices=1_000, seed=7, as_of=AS_OF):
    """Write the four files into `folder` (created if need be); return its Path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    customers = [_customer(rng, n) for n in range(1, max(1, invoices // 10) + 1)]
    rows = {"customers": [c[:7] for c in customers],
            "contacts": [contact for c in customers for contact in _contacts(rng, c)],
            "invoices": [], "payments": []}
    for n in range(1, invoices + 1):
        invoice = _invoice(rng, n, rng.choice(customers), as_of)
        rows["invoices"].append(invoice)
        rows["payments"].extend(_payments(rng, invoice, as_of, len(rows["payments"])))
    for entity, header in HEADERS.items():
        with open(folder / f"{entity}.csv", "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows[entity])
    return folder


def _customer(rng, n):
    """(ref, name, siren, country, language, terms, segment), as customers.csv has it."""
    name = f"{rng.choice(TRADES)} {rng.choice(SURNAMES)} {rng.choice(FORMS)}"
    if rng.random() < 0.9:
        country, language = "FR", "fr"
        body = f"{rng.randrange(10**7, 10**8)}"
        siren = body + luhn.calc_check_digit(body)
    else:
        (country, language), siren = rng.choice(ABROAD), ""
    return (f"C{n:07d}", name, siren, country, language, rng.choice([30, 45, 60]),
            rng.choice(["sme", "sme", "large", "public"]))


def _contacts(rng, customer):
    ref = customer[0]
    count = rng.choice([1, 1, 2])
    for first, role in zip(rng.sample(FIRST_NAMES, count), rng.sample(ROLES, count)):
        yield (ref, f"{first} {rng.choice(SURNAMES)}", f"{role}@{ref.lower()}.example",
               f"+33 1 {rng.randrange(10, 100)} {rng.randrange(10, 100)} "
               f"{rng.randrange(10, 100)} {rng.randrange(10, 100)}", role)


def _invoice(rng, n, customer, as_of):
    """A row of invoices.csv: an invoice, or now and then a credit note."""
    credit_note = rng.random() < 0.03
    issued = as_of - dt.timedelta(days=rng.randrange(365))
    due = issued + dt.timedelta(days=customer[5])
    excl_tax = Decimal(rng.lognormvariate(6.9, 0.9)).quantize(CENTS)  # median ~1,000
    if credit_note:
        excl_tax = (excl_tax / 5).quantize(CENTS)
    vat = (excl_tax * VAT_RATE).quantize(CENTS)
    disputed = not credit_note and rng.random() < 0.02
    return (f"{'A' if credit_note else 'F'}{issued.year}-{n:06d}", customer[0],
            issued.isoformat(), due.isoformat(), "EUR", excl_tax, vat, excl_tax + vat,
            int(disputed), "credit_note" if credit_note else "invoice")


def _payments(rng, invoice, as_of, made):
    """The payments of one invoice: in full, in part or none; sometimes one on account."""
    number, ref, due, total = invoice[0], invoice[1], invoice[3], invoice[7]
    rows = []
    if invoice[9] == "invoice" and not invoice[8]:
        share = rng.choices([Decimal(1), Decimal("0.5"), Decimal(0)], [6, 1, 3])[0]
        paid_on = dt.date.fromisoformat(due) + dt.timedelta(days=rng.randrange(-10, 40))
        if share and paid_on <= as_of:
            rows.append([number, paid_on, (total * share).quantize(CENTS)])
    if rng.random() < 0.01:
        rows.append(["", as_of - dt.timedelta(days=rng.randrange(90)),
                     Decimal(rng.randrange(50, 500))])
    return [(f"P{made + i:07d}", ref, invoice_number, date.isoformat(), f"{amount:.2f}")
            for i, (invoice_number, date, amount) in enumerate(rows, 1)]
