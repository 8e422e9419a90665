from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relance.ledger.models import (
    Allocation,
    Company,
    Contact,
    Customer,
    Event,
    Invoice,
    Payment,
)
from relance.legal import rates
from relance.legal.checks import missing_mentions
from relance.legal.companies import company_rate_problem


class CompanyForm(forms.ModelForm):
    """The penalty policy and the rate must agree, and a contractual rate must reach
    three times the legal interest rate of the half-year of the day the form is sent
    (legal.companies.company_rate_problem)."""

    class Meta:
        model = Company
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        if "penalty_policy" in cleaned and "contractual_rate" in cleaned:
            proposed = Company(penalty_policy=cleaned["penalty_policy"],
                               contractual_rate=cleaned["contractual_rate"])
            problem = company_rate_problem(proposed, timezone.localdate(), rates.load())
            if problem:
                self.add_error("contractual_rate", problem)
        return cleaned


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    form = CompanyForm
    list_display = ("name", "siren", "vat_number", "iban")
    readonly_fields = ("mentions_missing",)

    @admin.display(description=gettext_lazy("mentions missing from the terms of sale"))
    def mentions_missing(self, company):
        """A warning, not a refusal: the terms of sale may be written elsewhere first."""
        missing = missing_mentions(company.terms_of_sale)
        if not missing:
            return _("none: the terms of sale carry the mandatory mentions (L441-9)")
        items = format_html_join("", "<li>{}</li>", ((m.label,) for m in missing))
        return format_html('<div class="mentions-missing"><strong>{}</strong><ul>{}</ul></div>',
                           _("The terms of sale must mention (Code de commerce L441-9):"),
                           items)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("reference", "name", "country", "segment", "payment_terms", "owner")
    list_filter = ("segment", "country", "language", "road_transport")
    search_fields = ("reference", "name", "siren")
    raw_id_fields = ("owner", "sales_rep")
    inlines = [ContactInline]


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ("number", "customer", "issue_date", "due_date", "amount_total",
                    "open_amount", "status")
    list_filter = ("status", "kind", "currency")
    search_fields = ("number", "customer__name", "customer__reference")
    raw_id_fields = ("customer",)
    date_hierarchy = "due_date"
    show_full_result_count = False


class AllocationInline(admin.TabularInline):
    model = Allocation
    fk_name = "payment"
    raw_id_fields = ("invoice",)
    extra = 0


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("reference", "customer", "date", "amount", "unapplied_amount")
    search_fields = ("reference", "customer__name")
    raw_id_fields = ("customer",)
    inlines = [AllocationInline]
    show_full_result_count = False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Read-only: the timeline is append-only."""

    list_display = ("at", "type", "customer", "invoice", "actor", "actor_label")
    list_filter = ("type",)
    raw_id_fields = ("customer", "invoice", "actor")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
