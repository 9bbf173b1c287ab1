"""The personal invitation: one link that signs the attendee in and opens their page."""

from django.urls import reverse

from directory.services import sign_in_link
from events.models import RosterEntry
from events.outbox.content import PersonalParts

from ..tickets import ticket_for


def invitation_link(entry: RosterEntry) -> str:
    """A one-time sign-in link to the person's invitation page (session, point, QR code)."""
    return sign_in_link(entry.person, reverse("attendance:invitation", args=[entry.session_id]))


def personal_parts(entry: RosterEntry) -> PersonalParts:
    """What an e-mail about a session carries for its attendee: their link and QR ticket."""
    return PersonalParts(
        link=invitation_link(entry), ticket=ticket_for(entry.pk, entry.ticket_version)
    )
