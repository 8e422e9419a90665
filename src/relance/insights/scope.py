"""Whose figures a page shows: the company's, or one person's portfolio.

Administrators and credit managers see the company; a collector the customers they own
(`Customer.owner`); a sales rep the customers they sell to (`Customer.sales_rep`). The
scope's `key` names it in the month-end cache and its `list_filter` is the query string
that gives the customer and invoice lists the same customers.
"""
from dataclasses import dataclass

from django.db.models import Q

from relance.team.models import Role


@dataclass(frozen=True)
class Scope:
    company: object
    owner_id: int | None = None
    sales_rep_id: int | None = None

    @property
    def key(self):
        if self.owner_id is not None:
            return f"owner:{self.owner_id}"
        return f"sales:{self.sales_rep_id}" if self.sales_rep_id is not None else ""

    def customers(self, prefix="customer__"):
        """The Q keeping this scope's rows; `prefix` reaches the customer."""
        q = Q(**{f"{prefix}company": self.company}) if prefix else Q(company=self.company)
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
        return queryset.filter(self.customers(prefix))

    @property
    def list_filter(self):
        """Query-string pairs that scope the customer and invoice lists alike."""
        if self.owner_id is not None:
            return {"owner": self.owner_id}
        return {"sales_rep": self.sales_rep_id} if self.sales_rep_id is not None else {}


def scope_for(user, company, collector=None):
    """The scope `user` sees; a manager may narrow it to one `collector` (a user id)."""
    if user.is_manager:
        return Scope(company, owner_id=collector) if collector else Scope(company)
    if user.role == Role.COLLECTOR:
        return Scope(company, owner_id=user.pk)
    if user.role == Role.SALES:
        return Scope(company, sales_rep_id=user.pk)
    return Scope(company, owner_id=-1)   # an unknown role sees nothing
