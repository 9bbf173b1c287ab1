"""Demo certificates: Vĩnh Phúc's session of 03/11/2021 held at Sông Lô, with arrivals, a
completion rule, a complete design and the session closed, so a worker collates and renders
on `make run`. The Ministry's 2021 programme has its rule and design too, but a session
still to come: its page lists the sessions to close instead of issuing anything."""

from datetime import timedelta

from attendance.demo import DEMO_SESSION
from attendance.models import Attendance
from directory.demo import DemoDirectory
from directory.models import Agency
from events.models import BridgePoint, RosterEntry, Session, SessionPoint
from events.services import close_session, invite_agency
from training.models import Programme
from training.services import set_certificate_design, set_completion_rule

from .models import Completion

NATIONAL_PROGRAMME = "CCHC-2021"


def load_demo_certificates(directory: DemoDirectory, points: list[BridgePoint]) -> None:
    _national_design(directory)
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
    # Collation is refused without the signer, the title, the body and the place.
    set_certificate_design(
        actor=directory.provincial_organiser,
        programme=programme,
        issuing_body="Sở Nội vụ tỉnh Vĩnh Phúc",
        signer_name="Nguyễn Văn Khước",
        signer_title="GIÁM ĐỐC",
        signing_place="Vĩnh Phúc",
    )
    set_completion_rule(
        actor=directory.provincial_organiser,
        programme=programme,
        required_sessions=None,
        min_minutes_present=120,
        require_on_time=False,
        require_survey=False,
    )
    # Its only session: closing it starts the collation (it was the last one open); the
    # worker issues and renders the certificates.
    close_session(actor=directory.provincial_organiser, session=session)


def _national_design(directory: DemoDirectory) -> None:
    programme = Programme.objects.filter(code=NATIONAL_PROGRAMME).first()
    if programme is None or programme.signer_name:
        return
    set_completion_rule(
        actor=directory.national_organiser,
        programme=programme,
        required_sessions=programme.required_sessions,
        min_minutes_present=programme.min_minutes_present,
        require_on_time=False,
        require_survey=False,
    )
    set_certificate_design(
        actor=directory.national_organiser,
        programme=programme,
        issuing_body="Bộ Nội vụ",
        signer_name="Trần Văn Thành",
        signer_title="KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG",
        signing_place="Hà Nội",
    )
