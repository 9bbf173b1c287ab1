"""Demo certificates: Vĩnh Phúc's session of 03/11/2021 held at Sông Lô, with arrivals, a
completion rule and the session closed, so a worker collates and renders on `make run`."""

from datetime import timedelta

from attendance.demo import DEMO_SESSION
from attendance.models import Attendance
from directory.demo import DemoDirectory
from directory.models import Agency
from events.models import BridgePoint, RosterEntry, Session, SessionPoint
from events.services import close_session, invite_agency
from training.services import set_completion_rule

from .models import Completion


def load_demo_certificates(directory: DemoDirectory, points: list[BridgePoint]) -> None:
    session = Session.objects.filter(title=DEMO_SESSION).select_related("programme").first()
    if session is None or Completion.objects.filter(programme=session.programme).exists():
        return
    if session.status == Session.Status.CLOSED:
        return
    song_lo = next(p for p in points if p.unit.name.endswith("Sông Lô"))
    participation = SessionPoint.objects.filter(session=session, point=song_lo).first()
    if participation is None:
        return
    for agency in Agency.objects.filter(unit=song_lo.unit):
        invite_agency(
            actor=directory.provincial_organiser, session=session, point=song_lo, agency=agency
        )
    entries = list(
        RosterEntry.objects.filter(participation=participation, removed_at=None)
        .select_related("person")
        .order_by("person__sort_name")
    )
    # Everyone came on time but the last, who left after forty minutes.
    for index, entry in enumerate(entries):
        last = index == len(entries) - 1
        Attendance.objects.get_or_create(
            entry=entry,
            defaults={
                "session": session,
                "participation": participation,
                "checked_in_at": session.starts_at - timedelta(minutes=15),
                "checked_out_at": session.starts_at + timedelta(minutes=40) if last else None,
            },
        )
    programme = session.programme
    programme.signer_name = "Nguyễn Văn Khước"
    programme.signer_title = "GIÁM ĐỐC"
    programme.signing_place = "Vĩnh Phúc"
    programme.save(update_fields=["signer_name", "signer_title", "signing_place"])
    set_completion_rule(
        actor=directory.provincial_organiser,
        programme=programme,
        required_sessions=None,
        min_minutes_present=120,
        require_on_time=False,
        require_survey=False,
    )
    # Closing starts the collation; the worker issues and renders the certificates.
    close_session(actor=directory.provincial_organiser, session=session)
