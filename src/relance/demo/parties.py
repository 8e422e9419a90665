"""The people and companies of the demo: the creditor, its team, its customers."""
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from relance.ledger import validators
from relance.demo import identities, names
from relance.ledger.models import Company, Contact, ContactRole, Customer
from relance.team.models import Role, User

DEMO_EMAIL = "demo@relance.example"
TEAM = [  # (first name, last name, role); the first one is the demo login
    ("Camille", "Martin", Role.ADMIN),
    ("Nathalie", "Roux", Role.CREDIT_MANAGER),
    ("Julien", "Moreau", Role.COLLECTOR),
    ("Sophie", "Lefèvre", Role.COLLECTOR),
    ("Karim", "Benali", Role.COLLECTOR),
    ("Thomas", "Girard", Role.SALES),
    ("Élodie", "Fontaine", Role.SALES),
]

# How a customer pays: (share of customers, days late as (low, high), chance to leave an
# invoice unpaid for good). Negative days are early payments.
HABITS = {
    "punctual": (0.40, (-12, 1), 0.0),
    "average": (0.30, (-6, 15), 0.02),
    "late": (0.20, (5, 60), 0.08),
    "chronic": (0.10, (25, 150), 0.3),
}


@dataclass
class CustomerPlan:
    """A customer and the private habits the builder gives it to make a story."""

    customer: Customer
    habit: str
    invoices_per_year: float


def ascii_slug(text, sep="-"):
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in plain.lower()).split()
    return sep.join(words)


def create_company(rng):
    """The creditor, with identifiers checked by the same validators as user input."""
    siren = identities.siren(rng)
    iban = identities.french_iban(rng)
    company = Company(
        name="Ateliers Boréal SAS", siren=siren, siret=identities.siret(rng, siren),
        vat_number=identities.french_vat(siren), iban=iban.compact,
        bic=identities.bic_for(iban), email="comptabilite@ateliers-boreal.example",
        phone=identities.french_phone(rng), payment_terms="net:30",
        address_line1="14 rue de l'Industrie", address_line2="ZI de Gerland",
        postal_code="69007", city="Lyon", country="FR")
    # Fail here, loudly, rather than show a demo whose own identifiers are invalid.
    validators.validate_siren(company.siren)
    validators.validate_siret(company.siret)
    validators.validate_vat(company.vat_number)
    validators.validate_iban(company.iban)
    validators.validate_bic(company.bic)
    company.save()
    return company


def create_team():
    """The back office; passwords are unusable, the demo command sets the demo login's."""
    users = []
    for first, last, role in TEAM:
        email = (DEMO_EMAIL if not users
                 else f"{ascii_slug(first)}.{ascii_slug(last)}@relance.example")
        user = User(email=email, username=email, first_name=first, last_name=last, role=role,
                    is_staff=role in (Role.ADMIN, Role.CREDIT_MANAGER),
                    is_superuser=role == Role.ADMIN)
        user.set_unusable_password()
        users.append(user)
    return User.objects.bulk_create(users)


def create_customers(rng, company, team, count=200):
    collectors = [u for u in team if u.role == Role.COLLECTOR]
    sales_reps = [u for u in team if u.role == Role.SALES]
    plans, taken = [], set()
    for number in range(1, count + 1):
        customer = _new_customer(rng, company, number, taken)
        customer.owner = rng.choice(collectors)
        customer.sales_rep = rng.choice(sales_reps)
        plans.append(CustomerPlan(customer, _pick_habit(rng, customer), _volume(rng, customer)))
    Customer.objects.bulk_create([plan.customer for plan in plans])
    return plans


def _new_customer(rng, company, number, taken):
    roll = rng.random()
    if roll < 0.09:
        customer = _foreign_customer(rng)
    elif roll < 0.18:
        customer = _public_customer(rng)
    else:
        customer = _french_customer(rng)
    while customer.name in taken:  # two draws of the same words: tell them apart
        customer.name = customer.name.replace(" ", f" {rng.choice(names.NAME_STEMS)} ", 1)
    taken.add(customer.name)
    customer.company, customer.reference = company, f"C{number:05d}"
    customer.payment_terms_days = 30 if customer.segment == "public" else rng.choice(
        [30, 30, 30, 45, 45, 60])
    customer.credit_limit = _credit_limit(rng, customer.segment)
    return customer


def _french_customer(rng):
    city, postal_code, _ = rng.choice(names.FRENCH_CITIES)
    stem, activity = rng.choice(names.NAME_STEMS), rng.choice(names.ACTIVITIES)
    if rng.random() < 0.3:  # a family business named after its founder
        stem = rng.choice(names.LAST_NAMES)
    name = f"{stem} {activity}"
    siren = identities.siren(rng)
    return Customer(
        name=f"{name} {rng.choice(names.FRENCH_FORMS)}", siren=siren,
        siret=identities.siret(rng, siren), vat_number=identities.french_vat(siren),
        segment="large" if rng.random() < 0.22 else "sme", language="fr",
        address_line1=_street(rng), postal_code=postal_code, city=city, country="FR")


def _public_customer(rng):
    city, postal_code, department = rng.choice(names.FRENCH_CITIES)
    pattern = rng.choice(names.PUBLIC_BODIES)
    siren = identities.siren(rng)
    return Customer(
        name=pattern.format(city=city, dept=department), siren=siren,
        siret=identities.siret(rng, siren), segment="public", language="fr",
        address_line1=_street(rng), postal_code=postal_code, city=city, country="FR")


def _foreign_customer(rng):
    country = rng.choice(sorted(names.FOREIGN))
    language, cities, form, street_kind, streets = names.FOREIGN[country]
    city, postal_code = rng.choice(cities)
    street = f"{street_kind} {rng.choice(streets)}".strip()
    return Customer(
        name=f"{rng.choice(names.NAME_STEMS)} {rng.choice(names.ACTIVITIES)} {form}",
        vat_number=identities.foreign_vat(rng, country), language=language,
        segment="large" if rng.random() < 0.3 else "sme",
        address_line1=f"{street} {rng.randint(1, 120)}", postal_code=postal_code, city=city,
        country=country)


def _street(rng):
    return (f"{rng.randint(1, 180)} {rng.choice(names.STREET_KINDS)} "
            f"{rng.choice(names.STREET_NAMES)}")


def _credit_limit(rng, segment):
    if segment == "public":
        return None  # public bodies do not go bankrupt; nobody sets them a limit
    low, high = (100, 500) if segment == "large" else (5, 60)
    return Decimal(rng.randint(low, high) * 1000)


def _pick_habit(rng, customer):
    shares = {habit: spec[0] for habit, spec in HABITS.items()}
    if customer.segment == "public":  # public bodies pay, but on their own schedule
        shares = {"punctual": 0.15, "average": 0.45, "late": 0.35, "chronic": 0.05}
    return rng.choices(list(shares), weights=list(shares.values()))[0]


def _volume(rng, customer):
    """Invoices a year: large accounts buy often, most SMEs a few times a year."""
    base = {"large": 20, "public": 10, "sme": 8}[customer.segment]
    return base * rng.lognormvariate(0, 0.6)


def create_contacts(rng, plans):
    contacts = []
    for plan in plans:
        contacts.extend(_contacts_of(rng, plan.customer))
    return Contact.objects.bulk_create(contacts)


def _contacts_of(rng, customer):
    domain = ascii_slug(customer.name)[:40].strip("-") + ".example"
    roles = [ContactRole.ACCOUNTS_PAYABLE] + rng.sample(
        [ContactRole.PURCHASING, ContactRole.SALES, ContactRole.MANAGEMENT], rng.randint(0, 2))
    contacts, used = [], set()
    for index, role in enumerate(roles):
        first, last = rng.choice(names.FIRST_NAMES), rng.choice(names.LAST_NAMES)
        if f"{first} {last}" in used:
            continue
        used.add(f"{first} {last}")
        contacts.append(Contact(
            customer=customer, name=f"{first} {last}", role=role, preferred=index == 0,
            email=f"{ascii_slug(first, '')}.{ascii_slug(last, '')}@{domain}",
            phone=identities.french_phone(rng, mobile=rng.random() < 0.4)))
    return contacts
