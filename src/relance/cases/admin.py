from django.contrib import admin

from relance.cases.models import (
    AgencyReport, Dispute, Handover, PaymentDeclaration, PaymentPlan, Promise,
)


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin):
    list_display = ("invoice", "reason", "status", "opened_on", "owner")
    list_filter = ("status", "reason")
    raw_id_fields = ("invoice", "owner")


@admin.register(Promise)
class PromiseAdmin(admin.ModelAdmin):
    list_display = ("customer", "amount", "currency", "promised_for", "status")
    list_filter = ("status",)
    raw_id_fields = ("customer", "invoices", "created_by")


@admin.register(PaymentPlan)
class PaymentPlanAdmin(admin.ModelAdmin):
    list_display = ("customer", "status", "instalments", "starts_on")
    list_filter = ("status",)
    raw_id_fields = ("customer", "invoices")


@admin.register(PaymentDeclaration)
class PaymentDeclarationAdmin(admin.ModelAdmin):
    list_display = ("customer", "amount", "paid_on", "status")
    list_filter = ("status",)
    raw_id_fields = ("customer", "invoices")


class AgencyReportInline(admin.TabularInline):
    model = AgencyReport
    extra = 0
    raw_id_fields = ("created_by",)


@admin.register(Handover)
class HandoverAdmin(admin.ModelAdmin):
    list_display = ("customer", "agency_name", "agency_reference", "handed_on", "status")
    list_filter = ("status",)
    raw_id_fields = ("customer", "invoices", "created_by")
    inlines = [AgencyReportInline]
