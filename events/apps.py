from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from .notices.kinds import register
        from .services.points import POINT_REMOVED_KIND

        register(POINT_REMOVED_KIND)

        # The session page lists its programme's materials; training serves their files and
        # asks this app who, besides staff in scope, may read them.
        from training.access import provide_material_reader

        from .selectors.sessions import reads_programme_materials

        provide_material_reader(reads_programme_materials)
