"""Demo survey: the 03/11/2021 session's, answered by all of Sông Lô's delegates but the
demo attendee, who can still answer it."""

from datetime import timedelta

from django.utils import timezone

from attendance.demo import DEMO_SESSION
from directory.demo import DemoDirectory
from events.models import RosterEntry, Session

from .models import Survey
from .services import set_up_survey, submit_survey_response

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
