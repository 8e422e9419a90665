from django.contrib import admin

from relance.legal.models import ExchangeRate, RateTable


@admin.register(RateTable)
class RateTableAdmin(admin.ModelAdmin):
    list_display = ("kind", "year", "half", "rate", "source", "updated_at")
    list_filter = ("kind",)
    list_editable = ("rate",)
    ordering = ("kind", "-year", "-half")


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ("currency", "day", "rate", "source", "updated_at")
    list_filter = ("currency",)
    date_hierarchy = "day"
    ordering = ("currency", "-day")
