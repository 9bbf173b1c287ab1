from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Personal data protection")

    def ready(self) -> None:
        from common.places import provide_places

        from .places import PLACES

        provide_places(PLACES)
