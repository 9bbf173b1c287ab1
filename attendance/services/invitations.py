"""The personal invitation: one link that signs the attendee in and opens their page."""

from django.urls import reverse

from directory.services import sign_in_link
from events.models import RosterEntry


def invitation_link(entry: RosterEntry) -> str:
    """A one-time sign-in link to the person's invitation page (session, point, QR code)."""
    return sign_in_link(entry.person, reverse("attendance:invitation", args=[entry.session_id]))
