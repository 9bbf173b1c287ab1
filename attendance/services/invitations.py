"""The personal invitation: one link that signs the attendee in and opens their page."""

from django.urls import reverse

from directory.services import sign_in_link
from events.models import RosterEntry
from events.notices.content import PersonalParts

from ..tickets import ticket_for


def invitation_link(entry: RosterEntry) -> str:
    """A one-time sign-in link to the person's invitation page (session, point, QR code)."""
    return sign_in_link(entry.person, reverse("attendance:invitation", args=[entry.session_id]))


def personal_parts(entry: RosterEntry, kind: str) -> PersonalParts:
    """What a session's own notice carries for its attendee: their one-time link to the
    invitation and their QR ticket. Kinds that other apps register bring their own link."""
    return PersonalParts(
        link=invitation_link(entry), ticket=ticket_for(entry.pk, entry.ticket_version)
    )


def roster_path(participation_id: int) -> str:
    """The coordinator's roster page of one bridge point in one session."""
    return reverse("attendance:roster", args=[participation_id])
