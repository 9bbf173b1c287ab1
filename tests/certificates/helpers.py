"""What tests of certificates do before collating: close the sessions, as collation asks."""

from django.utils import timezone

from certificates.models import Collation
from certificates.services import collation as certificates
from events.models import Session


def close_sessions(*sessions: Session) -> None:
    """Sessions held and closed, as the beat and their organisers leave them before
    certificates are issued (straight in the database: no signal, no collation)."""
    now = timezone.now()
    for session in sessions:
        Session.objects.filter(pk=session.pk).exclude(status=Session.Status.CLOSED).update(
            status=Session.Status.CLOSED, held_at=session.ends_at, closed_at=now
        )
        session.refresh_from_db()


def collate(course, **kwargs) -> Collation:
    """Close the course's sessions, then collate it as its organiser."""
    close_sessions(course.first, course.second)
    collation = certificates.start_collation(
        actor=course.rush.organiser, programme=course.programme, **kwargs
    )
    return certificates.run_collation(collation.pk)
