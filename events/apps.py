from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from .notices.kinds import register
        from .services.points import POINT_REMOVED_KIND

        register(POINT_REMOVED_KIND)
