from django.contrib import admin

from relance.imports.models import ImportRun, ImportSource


@admin.register(ImportSource)
class ImportSourceAdmin(admin.ModelAdmin):
    list_display = ("name", "entity", "company", "updated_at")
    list_filter = ("entity",)
    search_fields = ("name",)


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("filename", "entity", "source", "user", "started_at", "committed",
                    "problem_count")
    list_filter = ("committed", "entity")
    search_fields = ("filename",)
    raw_id_fields = ("user",)
    date_hierarchy = "started_at"
