"""The certificate notice, registered with the outbox (events): sent to each person when
their certificate is issued, with a link to their certificates."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from directory.services import sign_in_link
from events.models import RosterEntry
from events.notices.kinds import RegisteredKind

CERTIFICATE_READY = "certificate"


def _certificates_link(entry: RosterEntry) -> str:
    return sign_in_link(entry.person, reverse("my_certificates"))


CERTIFICATE_READY_KIND = RegisteredKind(
    value=CERTIFICATE_READY,
    label=_("Certificate ready"),
    subject=_("Your certificate is ready: %(programme)s"),
    lead=_(
        "You have completed the programme “%(title)s”. Your certificate is ready to download, "
        "and anyone can check it by its QR code."
    ),
    link_label=_("Your certificates"),
    link_for=_certificates_link,
    about_programme=True,
    short_label=_("Your certificate is ready"),
)
