"""The personal invitation: one link that signs the attendee in and opens their page."""

from django.urls import reverse

from directory.services import sign_in_link
from events.models import Notice, RosterEntry
from events.outbox.content import PersonalParts

from ..tickets import ticket_for


def invitation_link(entry: RosterEntry) -> str:
    """A one-time sign-in link to the person's invitation page (session, point, QR code)."""
    return sign_in_link(entry.person, reverse("attendance:invitation", args=[entry.session_id]))


def personal_parts(entry: RosterEntry, kind: str) -> PersonalParts:
    """What an e-mail carries for its attendee: their one-time link (to the invitation, to
    the survey form after the session, or to their certificates once one is ready) and
    their QR ticket."""
    if kind == Notice.Kind.CERTIFICATE:
        return PersonalParts(link=sign_in_link(entry.person, reverse("my_certificates")), ticket="")
    if kind == Notice.Kind.SURVEY:
        survey_form = reverse("surveys:survey_answer", args=[entry.session_id])
        return PersonalParts(link=sign_in_link(entry.person, survey_form), ticket="")
    return PersonalParts(
        link=invitation_link(entry), ticket=ticket_for(entry.pk, entry.ticket_version)
    )
