"""Which creditor company a command works on."""
from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from relance.ledger.models import Company


def get_company(company_id):
    try:
        return Company.objects.get(pk=company_id)
    except Company.DoesNotExist:
        raise CommandError(f"no company with id {company_id}") from None


def several():
    """Whether the database holds more than one creditor company. Most hold one, and
    then a filter on the company compares nothing: several queries drop it, since it
    would make the databases walk the company's index for a few rows."""
    return Company.objects.count() > 1


def default_company():
    """The only company; in an empty database, a default one is created."""
    with transaction.atomic():
        companies = list(Company.objects.order_by("pk")[:2])
        if len(companies) > 1:
            raise CommandError("several companies exist: choose one with --company ID")
        if companies:
            return companies[0]
        return Company.objects.create(name=_("My company"))
