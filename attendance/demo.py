"""Demo certificates and survey: Vĩnh Phúc's session of 03/11/2021 held at Sông Lô, with
arrivals, a completion rule and the session closed, so a worker collates and renders on
`make run`; its satisfaction survey, answered by all of Sông Lô's delegates but the demo
attendee, who can still answer it."""

from datetime import timedelta

from django.utils import timezone

from directory.demo import DemoDirectory
from directory.models import Agency
from events.models import BridgePoint, RosterEntry, Session, SessionPoint
from events.services import close_session, invite_agency
from training.services import set_completion_rule

from .models import Attendance, Completion, Survey
from .services import set_up_survey, submit_survey_response

DEMO_SESSION = "Hội nghị trực tuyến triển khai các văn bản về CCHC giai đoạn 2021-2025"


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


SURVEY_DAYS_OPEN_IN_DEMO = 30
# One line per delegate who answers: the four scores, the session length, a suggestion.
DEMO_ANSWERS = (
    (5, 5, 4, 5, "Vừa phải", "Đề nghị gửi tài liệu trước buổi tập huấn ít nhất ba ngày."),
    (4, 5, 3, 4, "Vừa phải", "Âm thanh tại điểm cầu đôi lúc bị rè, cần kiểm tra trước."),
    (4, 4, 4, 4, "Quá ngắn", "Nên dành thêm thời gian cho phần hỏi đáp."),
    (5, 4, 4, 5, "Vừa phải", ""),
    (3, 4, 2, 4, "Quá dài", "Đường truyền hình ảnh không ổn định trong nửa giờ đầu."),
    (4, 5, 4, 4, "Vừa phải", "Mong có thêm ví dụ thực tế về dịch vụ công trực tuyến."),
    (5, 5, 5, 5, "Vừa phải", ""),
)


def load_demo_survey(directory: DemoDirectory) -> None:
    """The 03/11/2021 session's survey, open from the session's end until a month after the
    demo is loaded, so that the demo attendee can still answer it while the results page
    already shows the others' answers; idempotent."""
    session = Session.objects.filter(title=DEMO_SESSION).select_related("programme").first()
    if session is None or Survey.objects.filter(session=session).exists():
        return
    survey = set_up_survey(
        actor=directory.provincial_organiser,
        session=session,
        title="Khảo sát mức độ hài lòng về hội nghị triển khai các văn bản về CCHC",
        intro=(
            "Ý kiến của anh/chị giúp Sở Nội vụ tổ chức các buổi tập huấn sau tốt hơn. "
            "Phiếu khảo sát không ghi tên người trả lời."
        ),
        is_anonymous=True,
        opens_at=session.ends_at,
        closes_at=(timezone.localtime() + timedelta(days=SURVEY_DAYS_OPEN_IN_DEMO)).replace(
            hour=17, minute=0, second=0, microsecond=0
        ),
    )
    questions = list(survey.questions.all())
    delegates = [
        entry.person
        for entry in RosterEntry.objects.filter(
            session=session, removed_at=None, attendance__checked_in_at__isnull=False
        )
        .exclude(person__email__iexact=directory.attendee_email)
        .select_related("person")
        .order_by("person__sort_name")
    ]
    for index, (person, answers) in enumerate(zip(delegates, DEMO_ANSWERS, strict=False)):
        submit_survey_response(
            person=person,
            survey=survey,
            answers={f"q{q.pk}": value for q, value in zip(questions, answers, strict=True)},
            now=session.ends_at + timedelta(hours=2, minutes=17 * index),
        )


NATIONAL_SESSION = "Hội nghị tập huấn trực tuyến cải cách hành chính năm 2021"
# Who came to the Ministry's session of 23/11/2021, by agency name, at which point: every
# province's point, and at Vĩnh Phúc's its own department with six of its nine districts.
NATIONAL_ARRIVALS = {
    "Điểm cầu chính Bộ Nội vụ": ("Vụ Cải cách hành chính, Bộ Nội vụ",),
    "Điểm cầu tỉnh Bến Tre": ("Sở Nội vụ tỉnh Bến Tre",),
    "Điểm cầu tỉnh Điện Biên": ("UBND tỉnh Điện Biên",),
    "Điểm cầu Sở Ngoại vụ Quảng Trị": ("Sở Ngoại vụ tỉnh Quảng Trị",),
    "Điểm cầu tỉnh Vĩnh Phúc": (
        "Sở Nội vụ tỉnh Vĩnh Phúc",
        "Phòng Nội vụ thành phố Vĩnh Yên",
        "Phòng Nội vụ thành phố Phúc Yên",
        "Phòng Nội vụ huyện Lập Thạch",
        "Phòng Nội vụ huyện Tam Dương",
        "Phòng Nội vụ huyện Bình Xuyên",
        "Phòng Nội vụ huyện Sông Lô",
    ),
}
# Invited to the Vĩnh Phúc point but nobody came: the reports show invited against present.
NATIONAL_ABSENT = {"Điểm cầu tỉnh Vĩnh Phúc": ("Phòng Nội vụ huyện Tam Đảo",)}


def load_demo_national_checkins(directory: DemoDirectory, points: list[BridgePoint]) -> None:
    """Arrivals at the Ministry's session of 23/11/2021 (not closed, so no certificates),
    so that the reports and the dashboard have figures for every province; idempotent."""
    session = Session.objects.filter(title=NATIONAL_SESSION).first()
    if session is None or Attendance.objects.filter(session=session).exists():
        return
    by_name = {point.name: point for point in points}
    agencies = {agency.name: agency for agency in Agency.objects.all()}
    arrived = []
    for point_name, names in NATIONAL_ARRIVALS.items():
        point = by_name[point_name]
        for name in (*names, *NATIONAL_ABSENT.get(point_name, ())):
            invite_agency(
                actor=directory.national_organiser,
                session=session,
                point=point,
                agency=agencies[name],
            )
        arrived.extend(agencies[name].pk for name in names)
    entries = (
        RosterEntry.objects.filter(session=session, removed_at=None, person__agency_id__in=arrived)
        .select_related("person")
        .order_by("person__sort_name")
    )
    # Most arrive in the quarter hour before the start; every fifth is twenty minutes late.
    for index, entry in enumerate(entries):
        late = index % 5 == 4
        Attendance.objects.get_or_create(
            entry=entry,
            defaults={
                "session": session,
                "participation_id": entry.participation_id,
                "checked_in_at": session.starts_at
                + timedelta(minutes=20 if late else -15 + index % 10),
            },
        )
