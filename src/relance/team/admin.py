from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from relance.team.models import Note, Notification, User


@admin.register(User)
class RelanceUserAdmin(UserAdmin):
    list_display = ("email", "first_name", "last_name", "role", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("first_name", "last_name", "role", "language", "signature")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"fields": ("email", "role", "password1", "password2")}),)


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ("customer", "author", "created_at")
    search_fields = ("text", "customer__name", "customer__reference")
    raw_id_fields = ("customer", "author")
    filter_horizontal = ("mentioned",)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "text", "created_at", "read_at")
    list_filter = ("read_at",)
    raw_id_fields = ("user", "note")
