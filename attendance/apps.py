from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    name = "attendance"
    verbose_name = _("Attendance")

    def ready(self) -> None:
        from common.places import provide_places

        from .places import PLACES

        provide_places(PLACES)

        # Notices (events) carry the attendee's QR ticket and personal link, and the
        # coordinators' checklist links to the roster page, all of which this app makes; it
        # hands events the means instead of events importing it.
        from events.notices.content import provide_personal_parts, provide_roster_path

        from .services.invitations import personal_parts, roster_path

        provide_personal_parts(personal_parts)
        provide_roster_path(roster_path)
