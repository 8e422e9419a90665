from django.contrib import admin

from relance.cases.models import Dispute


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin):
    list_display = ("invoice", "reason", "status", "opened_on", "owner")
    list_filter = ("status", "reason")
    raw_id_fields = ("invoice", "owner")
