"""Each company's portal limits are set here; links and uploads are shown read-only
(a token cannot be shown: only its digest is kept)."""
from django.contrib import admin

from relance.portal.models import PortalLink, PortalPolicy, PortalUpload


@admin.register(PortalPolicy)
class PortalPolicyAdmin(admin.ModelAdmin):
    list_display = ("company", "max_promise_days", "max_instalments", "max_plan_start_days")


@admin.register(PortalLink)
class PortalLinkAdmin(admin.ModelAdmin):
    list_display = ("customer", "created_at", "expires_at", "revoked_at", "last_used_at")
    list_filter = ("company",)
    raw_id_fields = ("customer", "company", "created_by")
    readonly_fields = ("customer", "company", "created_at", "expires_at", "created_by",
                       "last_used_at")


@admin.register(PortalUpload)
class PortalUploadAdmin(admin.ModelAdmin):
    list_display = ("original_name", "customer", "kind", "size", "created_at")
    list_filter = ("kind",)
    raw_id_fields = ("customer", "company", "dispute", "declaration")
    readonly_fields = ("sha256", "size", "content_type", "original_name")
