from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Organiser's home")

    def ready(self) -> None:
        # The warning that a held session will close itself counts its check-ins, which
        # attendance holds and events may not read; home, above both, hands events the count.
        from events.notices.content import provide_checked_in_count

        from .selectors import checked_in_count

        provide_checked_in_count(checked_in_count)
