from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")

    def ready(self) -> None:
        from common.places import provide_places

        from .places import PLACES

        provide_places(PLACES)

        from events.notices.kinds import register

        from .notices import CERTIFICATE_READY_KIND

        register(CERTIFICATE_READY_KIND)

        # Closing a session (events) or a programme (training) collates certificates; those
        # apps sit below this one, so they announce the fact and this app listens.
        from events.signals import session_closed
        from training.signals import programme_closed

        from .receivers import on_programme_closed, on_session_closed

        session_closed.connect(on_session_closed, dispatch_uid="certificates.session_closed")
        programme_closed.connect(on_programme_closed, dispatch_uid="certificates.programme_closed")
