"""Who may see and do what in the back office: one place for the roles' rules.

- administrator: everything;
- credit manager: every customer, and the configuration of scenarios and templates;
- collector: the customers of their own portfolio (`Customer.owner`);
- sales: read-only on the customers they sell to (`Customer.sales_rep`), plus notes and
  dispute handling on them.

The predicates are pure (a user and a customer in, a yes or no out). The querysets
scope every list to what the user may see. Views answer 404 for an object out of the
user's scope, so its existence does not leak, and 403 for a forbidden action on an
object the user can see (`customer_or_404`, `require`).
"""
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from relance.team.models import Role


def is_manager(user):
    return getattr(user, "role", None) in (Role.ADMIN, Role.CREDIT_MANAGER)


def can_view_customer(user, customer):
    """Managers see every customer; a collector the ones they own; a sales rep the
    ones they sell to."""
    if is_manager(user):
        return True
    if user.role == Role.COLLECTOR:
        return customer.owner_id == user.pk
    if user.role == Role.SALES:
        return customer.sales_rep_id == user.pk
    return False


def can_act_on(user, customer):
    """Dunning decisions (holds, promises, reminders, calls, scenario, statement):
    managers on every customer, a collector on their own."""
    return is_manager(user) or (user.role == Role.COLLECTOR and customer.owner_id == user.pk)


def can_handle_disputes(user, customer):
    """Opening and resolving disputes: whoever may act, and the customer's sales rep,
    who is often the one able to fix what is disputed."""
    return can_act_on(user, customer) or (user.role == Role.SALES
                                           and customer.sales_rep_id == user.pk)


def can_add_note(user, customer):
    """Everyone who sees a customer may write a note on it: notes are how sales and
    finance talk about it."""
    return can_view_customer(user, customer)


def can_configure(user):
    """Scenarios, steps and templates: administrators and credit managers."""
    return is_manager(user)


def can_use_dunning_pages(user):
    """The dunning, calls and outbox pages: everyone but sales reps."""
    return getattr(user, "role", Role.SALES) != Role.SALES


def customer_scope(user, prefix=""):
    """The Q filter that keeps `user`'s customers; `prefix` reaches the customer from
    another model ("customer__", "action__customer__")."""
    if is_manager(user):
        return Q()
    if user.role == Role.COLLECTOR:
        return Q(**{f"{prefix}owner": user})
    if user.role == Role.SALES:
        return Q(**{f"{prefix}sales_rep": user})
    return Q(pk__in=[])


def customers_visible_to(user, company=None):
    """The customers `user` may see, of `company` when given."""
    from relance.ledger.models import Customer

    customers = Customer.objects.filter(customer_scope(user))
    return customers if company is None else customers.filter(company=company)


def scoped(queryset, user, prefix="customer__"):
    """`queryset` (invoices, actions, messages...) limited to `user`'s customers."""
    return queryset.filter(customer_scope(user, prefix))


def customer_or_404(user, pk, queryset=None):
    """The customer `pk` if `user` may see it; 404 otherwise, as if it did not exist."""
    from relance.ledger.models import Customer

    queryset = queryset if queryset is not None else Customer.objects.all()
    return get_object_or_404(queryset.filter(customer_scope(user)), pk=pk)


def require(allowed):
    """403 unless `allowed`: for a forbidden action on a visible object."""
    if not allowed:
        raise PermissionDenied
