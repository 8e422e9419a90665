from django.contrib import admin

from relance.dunning.models import Action, Run, Scenario, SegmentRule, Step, StepTemplate


class StepInline(admin.TabularInline):
    model = Step
    extra = 0
    fields = ("position", "name", "trigger", "days", "channel", "tone", "recipient_roles",
              "copy_sales_rep", "min_amount", "needs_approval", "repeat_every_days")
    show_change_link = True


class StepTemplateInline(admin.StackedInline):
    model = StepTemplate
    extra = 0


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ("name", "company", "is_default")
    list_filter = ("company",)
    inlines = [StepInline]


@admin.register(Step)
class StepAdmin(admin.ModelAdmin):
    list_display = ("scenario", "position", "name", "trigger", "days", "channel", "tone",
                    "needs_approval")
    list_filter = ("scenario", "channel", "tone")
    inlines = [StepTemplateInline]


@admin.register(SegmentRule)
class SegmentRuleAdmin(admin.ModelAdmin):
    list_display = ("segment", "scenario", "company")


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    list_display = ("as_of", "company", "actions", "origin", "started_at", "finished_at")
    readonly_fields = [f.name for f in Run._meta.fields]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ("planned_on", "customer", "step", "channel", "status", "amount",
                    "currency")
    list_filter = ("status", "channel", "kind")
    raw_id_fields = ("customer", "contact", "step", "run")
    search_fields = ("customer__name", "customer__reference")
