from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "relance.delivery"
    label = "delivery"
    verbose_name = _("Delivery")

    def ready(self):
        from relance.delivery import recheck   # models are ready now
        recheck.connect()
