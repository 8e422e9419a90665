"""Whose figures a page shows: the company's, or one person's portfolio.

Administrators and credit managers see the company; a collector the customers they own
(`Customer.owner`); a sales rep the customers they sell to (`Customer.sales_rep`). The
scope's `key` names it in the month-end cache and its `list_filter` is the query string
that gives the customer and invoice lists the same customers.
"""
from dataclasses import dataclass

from django.db.models import Q

from relance.ledger import companies
from relance.team.models import Role


@dataclass(frozen=True)
class Scope:
    company: object
    owner_id: int | None = None
    sales_rep_id: int | None = None
    alone: bool = False     # the only company of the database

    @property
    def key(self):
        if self.owner_id is not None:
            return f"owner:{self.owner_id}"
        return f"sales:{self.sales_rep_id}" if self.sales_rep_id is not None else ""

    def customers(self, prefix="customer__"):
        """The Q keeping this scope's rows; `prefix` reaches the customer."""
        q = Q(**{f"{_company_path(prefix)}": self.company})
        if self.owner_id is not None:
            q &= Q(**{f"{prefix}owner_id": self.owner_id})
        if self.sales_rep_id is not None:
            q &= Q(**{f"{prefix}sales_rep_id": self.sales_rep_id})
        return q

    def filter(self, queryset, prefix="customer__"):
        """Rows of the company, and of the portfolio when there is one. Invoices and
        payments carry the company themselves: the company filter stays on their index."""
        if prefix == "customer__" and hasattr(queryset.model, "company_id"):
            queryset = queryset.filter(company=self.company)
            q = Q()
            if self.owner_id is not None:
                q &= Q(customer__owner_id=self.owner_id)
            if self.sales_rep_id is not None:
                q &= Q(customer__sales_rep_id=self.sales_rep_id)
            return queryset.filter(q)
        if prefix == "invoice__customer__":
            return self._through_invoice(queryset)
        return queryset.filter(self.customers(prefix))

    def _through_invoice(self, queryset):
        """Disputes reach their company through their invoice. With a single company
        (the usual case) there is nothing to compare, so the planner reads the few open
        disputes and their invoices by key instead of every invoice of the company in
        search of disputes."""
        if not self.alone:
            queryset = queryset.filter(invoice__company=self.company)
        if self.owner_id is not None:
            queryset = queryset.filter(invoice__customer__owner_id=self.owner_id)
        if self.sales_rep_id is not None:
            queryset = queryset.filter(invoice__customer__sales_rep_id=self.sales_rep_id)
        return queryset

    @property
    def list_filter(self):
        """Query-string pairs that scope the customer and invoice lists alike."""
        if self.owner_id is not None:
            return {"owner": self.owner_id}
        return {"sales_rep": self.sales_rep_id} if self.sales_rep_id is not None else {}


def _company_path(prefix):
    """Reach the company without joining the customer when the row's parent (an
    invoice) carries it: "invoice__customer__" -> "invoice__company"."""
    if prefix.endswith("customer__") and prefix != "customer__":
        return prefix[:-len("customer__")] + "company"
    return f"{prefix}company"


def scope_for(user, company, collector=None):
    """The scope `user` sees; a manager may narrow it to one `collector` (a user id)."""
    alone = not companies.several()
    if user.is_manager:
        return Scope(company, owner_id=collector, alone=alone)
    if user.role == Role.COLLECTOR:
        return Scope(company, owner_id=user.pk, alone=alone)
    if user.role == Role.SALES:
        return Scope(company, sales_rep_id=user.pk, alone=alone)
    return Scope(company, owner_id=-1)   # an unknown role sees nothing
