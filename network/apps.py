from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("Bridge-point network")

    def ready(self) -> None:
        from . import receivers  # noqa: F401
