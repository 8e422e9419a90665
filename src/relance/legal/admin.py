from django.contrib import admin

from relance.legal.models import RateTable


@admin.register(RateTable)
class RateTableAdmin(admin.ModelAdmin):
    list_display = ("kind", "year", "half", "rate", "source", "updated_at")
    list_filter = ("kind",)
    list_editable = ("rate",)
    ordering = ("kind", "-year", "-half")
