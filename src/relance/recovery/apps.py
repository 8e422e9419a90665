from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecoveryConfig(AppConfig):
    """Recovering a claim: the statement of claim's pages, the legal path to a court or
    an agency, hand-overs, the dossier, and the `relance legal` command. The rules it
    applies live in relance.legal."""

    name = "relance.recovery"
    label = "recovery"
    verbose_name = _("Recovery")
