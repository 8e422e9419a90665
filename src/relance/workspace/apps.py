from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    """The collector's pages over the ledger and the cases (no models of its own)."""

    name = "relance.workspace"
    label = "workspace"
    verbose_name = _("Workspace")
