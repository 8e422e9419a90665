"""`relance portal link CUSTOMER_REF [--company ID] [--days N] [--new]`: prints a working
portal URL for that customer (the active link when it has time left, else a new one)."""
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from relance.ledger.companies import default_company, get_company
from relance.ledger.models import Customer
from relance.portal import links


class Command(BaseCommand):
    help = "The debtor portal: print a customer's portal link."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        link = commands.add_parser("link", help="print a working portal URL for a customer")
        link.add_argument("reference", help="the customer's reference")
        link.add_argument("--company", type=int, help="the creditor company's id")
        link.add_argument("--new", action="store_true",
                          help="revoke the customer's links and issue a new one")

    def handle(self, *args, command, reference, company=None, new=False, **options):
        creditor = get_company(company) if company else _only_company()
        customer = Customer.objects.filter(company=creditor, reference=reference).first()
        if customer is None:
            raise CommandError(f"no customer with reference {reference!r} in {creditor}")
        now = timezone.now()
        if new:
            _link, token = links.regenerate(customer, now)
            self.stdout.write(links.url(token))
        else:
            self.stdout.write(links.for_reminder(customer, now))


def _only_company():
    from relance.ledger.models import Company

    if not Company.objects.exists():
        raise CommandError("no company yet: import a ledger or run relance demo first")
    return default_company()
