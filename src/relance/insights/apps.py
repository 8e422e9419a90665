from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "relance.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self):
        from relance.insights import follow   # models are ready now
        follow.connect()
