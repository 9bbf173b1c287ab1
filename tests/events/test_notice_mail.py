"""Notices through a real SMTP server on loopback (aiosmtpd), read back as a mail client
would: subject, plain and HTML bodies, the QR image and the calendar invitation."""

import email
import email.policy
import shutil
import socket
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from attendance.tickets import ticket_for
from events.models import Notice
from events.services import cancel_session, plan_due_notices, reschedule_session, send_due_notices
from tests import smtp

Kind, Status, Problem = Notice.Kind, Notice.Status, Notice.Problem


class PickyInbox:
    """Accepts mail, except for addresses that ask for a temporary or a permanent refusal."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "tam-thoi" in address:
            return "451 4.3.0 Mailbox busy, try again later"
        if "khong-ton-tai" in address:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox(settings):
    handler = PickyInbox()
    with smtp.relay(handler, settings):
        settings.DEFAULT_FROM_EMAIL = "Sở Nội vụ Vĩnh Phúc <no-reply@snv.vinhphuc.gov.vn>"
        yield handler


def calendar_of(message: email.message.EmailMessage) -> tuple[str, Calendar]:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() in ("invite.ics", "cancel.ics")
    return part.get_param("method"), Calendar.from_ical(part.get_content())


def event_of(calendar: Calendar):
    [event] = calendar.walk("VEVENT")
    return event


def test_an_invitation_reads_as_a_proper_invitation_with_the_qr_code(upcoming, inbox, tmp_path):
    session = upcoming.session
    send_due_notices(seconds=20)

    [message] = inbox.to(upcoming.manh.email)
    weekday = ["Thứ 2", "Thứ 3", "Thứ 4", "Thứ 5", "Thứ 6", "Thứ 7", "Chủ nhật"]
    start = timezone.localtime(session.starts_at)
    assert message["Subject"].strip() == (
        "Giấy mời: Hội nghị trực tuyến triển khai các văn bản về CCHC giai đoạn 2021-2025, "
        f"09:00, {weekday[start.weekday()]}, {start:%d/%m/%Y}"
    )
    assert message["Message-ID"].startswith(
        f"<notice.{Notice.objects.get(person=upcoming.manh).pk}."
    )
    text = message.get_body(("plain",)).get_content()
    assert "Kính gửi Vũ Văn Mạnh," in text
    assert "Trân trọng kính mời đồng chí dự hội nghị tập huấn" in text
    assert "Điểm cầu: Điểm cầu Huyện Sông Lô, Hội trường" in text
    assert "https://hop.vinhphuc.gov.vn/cchc" in text
    assert "/accounts/link/sign-in/?token=" in text
    html = message.get_body(("html",)).get_content()
    assert 'src="cid:qr"' in html and "Vũ Văn Mạnh" in html

    # the QR code is the person's ticket
    [image] = [p for p in message.walk() if p.get_content_type() == "image/png"]
    assert image["Content-ID"] == "<qr>"
    if shutil.which("zbarimg"):
        png = tmp_path / "qr.png"
        png.write_bytes(image.get_content())
        read = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True)
        entry = upcoming.entry(upcoming.manh)
        assert read.stdout.strip() == ticket_for(entry.pk, entry.ticket_version)

    # and the calendar invitation names the session as the feeds do
    method, calendar = calendar_of(message)
    event = event_of(calendar)
    assert (method, str(calendar["METHOD"])) == ("REQUEST", "REQUEST")
    assert str(event["UID"]) == f"{session.uid}@diemcau"
    assert int(event["SEQUENCE"]) == 0
    assert event["DTSTART"].dt == timezone.localtime(session.starts_at)
    assert str(event["ATTENDEE"]) == f"mailto:{upcoming.manh.email}"
    assert str(event["ORGANIZER"]) == "mailto:no-reply@snv.vinhphuc.gov.vn"
    assert "Sông Lô" in str(event["LOCATION"])


def test_english_readers_get_english(upcoming, inbox):
    send_due_notices(seconds=20)
    [message] = inbox.to(upcoming.anh.email)
    assert message["Subject"].strip().startswith("Invitation: ")
    assert "Dear Trần Thị Ánh," in message.get_body(("plain",)).get_content()


def test_a_reschedule_sends_an_update_with_the_same_uid_and_a_higher_sequence(upcoming, inbox):
    session = upcoming.session
    send_due_notices(seconds=20)
    old_start = timezone.localtime(session.starts_at)

    reschedule_session(
        actor=upcoming.organiser,
        session=session,
        starts_at=session.starts_at + timedelta(hours=1),
        ends_at=session.ends_at + timedelta(hours=1),
    )
    plan_due_notices()
    send_due_notices(seconds=20)

    first, update = inbox.to(upcoming.manh.email)
    assert update["Subject"].strip().startswith("Thay đổi lịch: ")
    text = update.get_body(("plain",)).get_content()
    assert "10:00" in text and f"trước đây: {old_start:%H:%M}" in text
    method, calendar = calendar_of(update)
    event = event_of(calendar)
    assert method == "REQUEST"
    assert str(event["UID"]) == str(event_of(calendar_of(first)[1])["UID"])
    assert int(event["SEQUENCE"]) == 1
    assert event["DTSTART"].dt == old_start + timedelta(hours=1)


def test_a_cancellation_carries_method_cancel(upcoming, inbox):
    session = upcoming.session
    send_due_notices(seconds=20)
    cancel_session(actor=upcoming.organiser, session=session, reason="Trùng lịch họp HĐND tỉnh")
    plan_due_notices()
    send_due_notices(seconds=20)

    cancellation = inbox.to(upcoming.thang.email)[-1]
    assert cancellation["Subject"].strip().startswith("Đã hủy: ")
    assert "Lý do: Trùng lịch họp HĐND tỉnh" in cancellation.get_body(("plain",)).get_content()
    assert not [p for p in cancellation.walk() if p.get_content_type() == "image/png"]
    method, calendar = calendar_of(cancellation)
    event = event_of(calendar)
    assert (method, str(calendar["METHOD"])) == ("CANCEL", "CANCEL")
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == f"{session.uid}@diemcau"
    assert int(event["SEQUENCE"]) == 1
    # coordinators who had been told about the session are told too (none had been here)
    assert not Notice.objects.filter(kind=Kind.CANCELLATION, user__isnull=False).exists()


def test_the_coordinators_checklist_counts_the_roster(upcoming, inbox):
    from events.services import effective_plan

    session = upcoming.session
    checklist = next(line for line in effective_plan(session) if line.kind == Kind.CHECKLIST)
    plan_due_notices(now=checklist.planned_for(session) + timedelta(minutes=1))
    # planned "two days before" in the test's imagined future: due now in the real one
    Notice.objects.filter(kind=Kind.CHECKLIST).update(due_at=timezone.now())
    send_due_notices(seconds=20)

    [message] = inbox.to("daumoi.songlo@vinhphuc.gov.vn")
    assert message["Subject"].strip().startswith("Chuẩn bị điểm cầu: ")
    text = message.get_body(("plain",)).get_content()
    assert "danh sách: 3 đại biểu dự kiến" in text
    assert "/attendance/points/" in text and "/roster/" in text


def test_a_temporary_refusal_is_retried_later_and_a_permanent_one_fails_at_once(
    upcoming, inbox, settings
):
    type(upcoming.manh).objects.filter(pk=upcoming.manh.pk).update(email="tam-thoi@songlo.vn")
    type(upcoming.anh).objects.filter(pk=upcoming.anh.pk).update(email="khong-ton-tai@songlo.vn")

    report = send_due_notices(seconds=20)

    assert (report.sent, report.retried, report.failed) == (1, 1, 1)
    busy = Notice.objects.get(person=upcoming.manh)
    assert (busy.status, busy.problem, busy.attempts) == (Status.PENDING, Problem.UNAVAILABLE, 1)
    assert busy.detail.startswith("451")
    assert busy.due_at > timezone.now() + timedelta(
        seconds=settings.NOTICE_RETRY_BASE_SECONDS * 0.7
    )
    gone = Notice.objects.get(person=upcoming.anh)
    assert (gone.status, gone.problem, gone.attempts) == (Status.FAILED, Problem.REFUSED, 1)
    assert gone.detail.startswith("550")
    assert len(inbox.messages) == 1


def test_a_mail_server_that_is_down_is_retried_with_backoff_then_marked_failed(upcoming, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens
    settings.EMAIL_TIMEOUT = 2

    report = send_due_notices(seconds=20)
    assert report.retried == 3 and report.sent == 0
    waiting = Notice.objects.filter(status=Status.PENDING)
    assert waiting.count() == 3
    assert all(n.problem == Problem.UNAVAILABLE and n.attempts == 1 for n in waiting)
    assert all(n.due_at > timezone.now() for n in waiting)

    # when the retries come due and the server is still down, until the last attempt
    settings.NOTICE_MAX_ATTEMPTS = 3
    for _attempt in range(2):
        Notice.objects.filter(status=Status.PENDING).update(due_at=timezone.now())
        send_due_notices(seconds=20)
    assert set(
        Notice.objects.filter(person__email__gt="").values_list("status", "problem", "attempts")
    ) == {(Status.FAILED, Problem.UNAVAILABLE, 3)}
