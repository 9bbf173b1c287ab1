"""Reminders and notices: what the planner writes to the outbox, and what sending does.

Planning is shown at chosen moments (`plan_due_notices(now=...)`); sending goes through
Django's in-memory mail backend here and through a real SMTP server in test_notice_mail.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone

from attendance.models import Attendance
from events.models import Notice, NoticeBatch, ReminderRule
from events.services import (
    PersonDetails,
    PlanLine,
    add_reminder_rule,
    add_to_roster,
    add_walk_in,
    cancel_session,
    effective_plan,
    plan_due_notices,
    remove_from_roster,
    reschedule_session,
    reset_reminder_plan,
    retry_failed_notices,
    send_due_notices,
    senders_needed,
    switch_reminder_rule,
)
from surveys.models import Survey
from surveys.notices import SURVEY_REQUEST
from tests import factories

Kind, Status, Problem = Notice.Kind, Notice.Status, Notice.Problem


def day_before_at_eight(session):
    return next(
        line.planned_for(session)
        for line in effective_plan(session)
        if line.kind == Kind.REMINDER and line.at_time is not None
    )


def notices(session, kind):
    return Notice.objects.filter(session=session, kind=kind)


def recipients(session, kind, status=Status.PENDING):
    rows = notices(session, kind).filter(status=status)
    return sorted(str(n.person or n.user) for n in rows.select_related("person", "user"))


# Invitations ---------------------------------------------------------------------------


def test_people_put_on_a_roster_are_invited_once(upcoming):
    # then each delegate has one invitation; the one without an e-mail is counted, not sent
    assert recipients(upcoming.session, Kind.INVITATION) == [
        "Phạm Đức Thắng",
        "Trần Thị Ánh",
        "Vũ Văn Mạnh",
    ]
    skipped = notices(upcoming.session, Kind.INVITATION).get(status=Status.SKIPPED)
    assert (skipped.person, skipped.problem) == (upcoming.dung, Problem.NO_ADDRESS)
    assert skipped.participation == upcoming.song_lo

    # when someone is taken off and put back
    entry = upcoming.entry(upcoming.manh)
    remove_from_roster(actor=upcoming.coordinator, entry=entry, reason="Đi công tác")
    add_to_roster(
        actor=upcoming.coordinator, participation=upcoming.song_lo, person_ids=[upcoming.manh.pk]
    )

    # then they are not invited a second time
    assert notices(upcoming.session, Kind.INVITATION).filter(person=upcoming.manh).count() == 1


def test_no_invitation_survives_a_transaction_that_rolls_back(upcoming):
    newcomer = factories.PersonFactory(agency=upcoming.manh.agency)
    with pytest.raises(RuntimeError), transaction.atomic():
        add_to_roster(
            actor=upcoming.coordinator, participation=upcoming.song_lo, person_ids=[newcomer.pk]
        )
        raise RuntimeError("the roster page failed after adding")
    assert not Notice.objects.filter(person=newcomer).exists()


def test_walk_ins_get_no_invitation(upcoming):
    add_walk_in(
        actor=upcoming.coordinator,
        participation=upcoming.song_lo,
        details=PersonDetails(
            full_name="Hoàng Văn Tới", agency="UBND xã Lãng Công", phone="0987654321"
        ),
    )
    assert (
        not notices(upcoming.session, Kind.INVITATION)
        .filter(person__full_name="Hoàng Văn Tới")
        .exists()
    )


# Reminders -----------------------------------------------------------------------------


def test_default_plan_reminds_the_day_before_at_eight_and_an_hour_before(upcoming):
    session = upcoming.session
    plan = {(line.kind, line.describe()) for line in effective_plan(session)}
    assert plan == {
        (Kind.CHECKLIST, "2 ngày trước, lúc 08:00"),
        (Kind.REMINDER, "1 ngày trước, lúc 08:00"),
        (Kind.REMINDER, "1 giờ trước khi bắt đầu"),
        (SURVEY_REQUEST, "30 phút sau khi kết thúc"),
    }
    assert timezone.localtime(day_before_at_eight(session)).strftime("%H:%M") == "08:00"


def test_a_due_reminder_is_planned_once_for_everyone_on_the_roster(upcoming):
    session = upcoming.session
    at = day_before_at_eight(session)

    # before its wave's start (its moment less the wave's time and margin) nothing is planned
    early = at - timedelta(seconds=settings.NOTICE_WAVE_MARGIN_SECONDS) - timedelta(minutes=1)
    assert plan_due_notices(now=early).notices == 0

    # when the tick runs after 08:00 the day before, twice
    first = plan_due_notices(now=at + timedelta(minutes=1))
    second = plan_due_notices(now=at + timedelta(minutes=2))

    # then one batch names every delegate once; the second tick adds nothing
    assert recipients(session, Kind.REMINDER) == ["Phạm Đức Thắng", "Trần Thị Ánh", "Vũ Văn Mạnh"]
    assert notices(session, Kind.REMINDER).filter(status=Status.SKIPPED).count() == 1
    assert first.batches == 1 and first.notices == 4
    assert second.batches == 0 and second.notices == 0
    batch = NoticeBatch.objects.get(session=session, kind=Kind.REMINDER)
    assert (batch.planned_for, batch.planned_count) == (at, 4)


def test_a_person_added_after_the_reminder_went_out_gets_only_the_invitation(upcoming):
    session = upcoming.session
    at = day_before_at_eight(session)
    plan_due_notices(now=at + timedelta(minutes=1))
    late = factories.PersonFactory(full_name="Lê Thị Muộn", agency=upcoming.manh.agency)

    add_to_roster(actor=upcoming.coordinator, participation=upcoming.song_lo, person_ids=[late.pk])
    plan_due_notices(now=at + timedelta(minutes=5))

    assert list(Notice.objects.filter(person=late).values_list("kind", flat=True)) == [
        Kind.INVITATION
    ]


def test_reminders_more_than_the_catch_up_window_late_are_not_sent(upcoming, settings):
    settings.NOTICE_CATCH_UP_HOURS = 6
    at = day_before_at_eight(upcoming.session)
    assert plan_due_notices(now=at + timedelta(hours=6, minutes=1)).notices == 0


def test_a_session_scheduled_after_a_reminders_moment_skips_that_reminder(upcoming):
    session = upcoming.session
    at = day_before_at_eight(session)
    type(session).objects.filter(pk=session.pk).update(created_at=at + timedelta(minutes=1))
    assert plan_due_notices(now=at + timedelta(minutes=2)).notices == 0


def test_the_checklist_goes_to_each_coordinator_once(upcoming):
    session = upcoming.session
    checklist = next(line for line in effective_plan(session) if line.kind == Kind.CHECKLIST)
    plan_due_notices(now=checklist.planned_for(session) + timedelta(minutes=1))
    assert recipients(session, Kind.CHECKLIST) == ["dau-moi-song-lo", "dau-moi-tam-dao"]
    assert not notices(session, Kind.REMINDER).exists()


def test_the_survey_request_goes_only_to_those_who_checked_in(upcoming):
    session = upcoming.session
    entry = upcoming.entry(upcoming.manh)
    Attendance.objects.create(
        entry=entry,
        session=session,
        participation=entry.participation,
        checked_in_at=session.starts_at,
    )
    # Survey requests go out only for a session with a survey (tests/surveys/test_surveys.py).
    Survey.objects.create(
        session=session,
        title="Khảo sát",
        opens_at=session.ends_at,
        closes_at=session.ends_at + timedelta(days=7),
    )
    survey = next(line for line in effective_plan(session) if line.kind == SURVEY_REQUEST)
    plan_due_notices(now=survey.planned_for(session) + timedelta(minutes=1))
    assert recipients(session, SURVEY_REQUEST) == ["Vũ Văn Mạnh"]


def test_a_programme_plan_replaces_the_default_and_a_session_can_have_its_own(upcoming):
    session = upcoming.session
    ReminderRule.objects.create(
        programme=session.programme, kind=Kind.REMINDER, anchor="start", minute_offset=-120
    )
    session.refresh_from_db()
    assert [line.describe() for line in effective_plan(session)] == ["2 giờ trước khi bắt đầu"]

    # when the organiser adds a line for this session only, it keeps the programme's too
    add_reminder_rule(
        actor=upcoming.organiser,
        session=session,
        line=PlanLine(
            Kind.REMINDER,
            "start",
            day_offset=-3,
            at_time=timezone.datetime(2021, 1, 1, 7, 30).time(),
        ),
    )
    session.refresh_from_db()
    assert [line.describe() for line in effective_plan(session)] == [
        "2 giờ trước khi bắt đầu",
        "3 ngày trước, lúc 07:30",
    ]

    # and can switch a line off, or go back to the programme's plan
    switch_reminder_rule(actor=upcoming.organiser, session=session, index=0, active=False)
    session.refresh_from_db()
    assert [line.describe() for line in effective_plan(session)] == ["3 ngày trước, lúc 07:30"]
    reset_reminder_plan(actor=upcoming.organiser, session=session)
    session.refresh_from_db()
    assert [line.describe() for line in effective_plan(session)] == ["2 giờ trước khi bắt đầu"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": Kind.REMINDER, "anchor": "start", "minute_offset": 30}, "kind"),
        ({"kind": Kind.REMINDER, "anchor": "start", "minute_offset": 0}, "minute_offset"),
        ({"kind": SURVEY_REQUEST, "anchor": "start", "minute_offset": -30}, "kind"),
        ({"kind": Kind.CHECKLIST, "anchor": "end", "minute_offset": -30}, "kind"),
    ],
)
def test_a_plan_line_at_the_wrong_moment_is_refused(upcoming, fields, field):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        add_reminder_rule(
            actor=upcoming.organiser, session=upcoming.session, line=PlanLine(**fields)
        )
    assert field in error.value.message_dict
    assert (
        not ReminderRule.objects.filter(session=upcoming.session)
        .exclude(kind__in=[Kind.CHECKLIST, Kind.REMINDER, SURVEY_REQUEST])
        .exists()
    )


def test_only_organisers_in_scope_edit_a_plan(upcoming, network):
    from django.core.exceptions import PermissionDenied, ValidationError

    ben_tre_organiser = factories.organiser(network.ben_tre)
    with pytest.raises((PermissionDenied, ValidationError)):
        add_reminder_rule(
            actor=ben_tre_organiser,
            session=upcoming.session,
            line=PlanLine(Kind.REMINDER, "start", minute_offset=-30),
        )
    with pytest.raises(PermissionDenied):
        reset_reminder_plan(actor=upcoming.coordinator, session=upcoming.session)
    assert not ReminderRule.objects.exists()


# Changes -------------------------------------------------------------------------------


def test_a_rescheduled_session_sends_an_update_to_those_already_told(upcoming):
    session = upcoming.session
    send_due_notices(seconds=10)  # the invitations go out
    mail.outbox.clear()
    at = day_before_at_eight(session)
    plan_due_notices(now=at - timedelta(days=1))  # the checklist is planned (two days before)

    # when the session moves a day later
    reschedule_session(
        actor=upcoming.organiser,
        session=session,
        starts_at=session.starts_at + timedelta(days=1),
        ends_at=session.ends_at + timedelta(days=1),
    )
    plan_due_notices()

    # then the delegates who had their invitation get an update; the planned checklist for
    # the old day gives way
    assert recipients(session, Kind.UPDATE) == ["Phạm Đức Thắng", "Trần Thị Ánh", "Vũ Văn Mạnh"]
    assert set(notices(session, Kind.CHECKLIST).values_list("status", "problem")) == {
        (Status.SKIPPED, Problem.SUPERSEDED)
    }
    # and the reminders follow the new time: none at the old moment (only the checklist,
    # two days before the new day), one at the new
    session.refresh_from_db()
    plan_due_notices(now=at + timedelta(minutes=1))
    assert not notices(session, Kind.REMINDER).exists()
    assert recipients(session, Kind.CHECKLIST) == ["dau-moi-song-lo", "dau-moi-tam-dao"]
    new_at = day_before_at_eight(session)
    assert new_at == at + timedelta(days=1)
    assert plan_due_notices(now=new_at + timedelta(minutes=1)).notices == 4


def test_a_cancelled_session_sends_nothing_but_its_cancellation(upcoming):
    session = upcoming.session
    send_due_notices(seconds=10)
    late = factories.PersonFactory(full_name="Lê Thị Muộn", agency=upcoming.manh.agency)
    add_to_roster(actor=upcoming.coordinator, participation=upcoming.song_lo, person_ids=[late.pk])

    cancel_session(actor=upcoming.organiser, session=session, reason="Trùng lịch họp HĐND tỉnh")
    plan_due_notices()

    assert recipients(session, Kind.CANCELLATION) == [
        "Phạm Đức Thắng",
        "Trần Thị Ánh",
        "Vũ Văn Mạnh",
    ]
    # the late invitation never leaves, and no reminder is planned any more
    assert Notice.objects.get(person=late).problem == Problem.CANCELLED
    at = day_before_at_eight(session)
    assert plan_due_notices(now=at + timedelta(minutes=1)).notices == 0
    mail.outbox.clear()
    send_due_notices(seconds=10)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [upcoming.manh.email, upcoming.anh.email, upcoming.thang.email]
    )
    assert all(
        m.subject.startswith("Đã hủy") or m.subject.startswith("Cancelled") for m in mail.outbox
    )


def test_change_notices_are_planned_once_however_many_ticks(upcoming):
    send_due_notices(seconds=10)
    cancel_session(actor=upcoming.organiser, session=upcoming.session, reason="Hoãn")
    plan_due_notices()
    plan_due_notices()
    assert NoticeBatch.objects.filter(kind=Kind.CANCELLATION).count() == 1
    assert notices(upcoming.session, Kind.CANCELLATION).count() == 3


# Sending -------------------------------------------------------------------------------


def test_sending_marks_each_notice_and_writes_in_the_readers_language(upcoming):
    report = send_due_notices(seconds=10)

    assert (report.sent, report.failed) == (3, 0)
    assert set(notices(upcoming.session, Kind.INVITATION).values_list("status", flat=True)) == {
        Status.SENT,
        Status.SKIPPED,
    }
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[upcoming.manh.email].startswith("Giấy mời: ")
    assert subjects[upcoming.anh.email].startswith("Invitation: ")
    sent = Notice.objects.get(person=upcoming.manh)
    assert (sent.address, sent.attempts) == (upcoming.manh.email, 1)
    assert sent.sent_at is not None and sent.claim == ""

    # a second run finds nothing left to send
    assert send_due_notices(seconds=10).handled == 0


def test_an_invalid_address_fails_at_once_and_is_counted_at_its_point(upcoming):
    type(upcoming.manh).objects.filter(pk=upcoming.manh.pk).update(email="manh.vv@@songlo")
    send_due_notices(seconds=10)
    failed = Notice.objects.get(person=upcoming.manh)
    assert (failed.status, failed.problem, failed.attempts) == (
        Status.FAILED,
        Problem.INVALID_ADDRESS,
        1,
    )
    assert failed.participation == upcoming.song_lo


def test_a_removed_delegate_is_not_sent_a_pending_notice(upcoming):
    remove_from_roster(
        actor=upcoming.coordinator, entry=upcoming.entry(upcoming.manh), reason="Nghỉ phép"
    )
    send_due_notices(seconds=10)
    assert Notice.objects.get(person=upcoming.manh).problem == Problem.REMOVED
    assert upcoming.manh.email not in [m.to[0] for m in mail.outbox]


def test_people_without_email_get_a_text_when_an_sms_channel_is_configured(
    upcoming, settings, capsys
):
    settings.NOTICE_CHANNELS = {
        "email": "events.notices.channels.EmailChannel",
        "sms": "events.notices.channels.ConsoleSmsChannel",
    }
    late = factories.PersonFactory(
        full_name="Ngô Thị Hoa", agency=upcoming.manh.agency, email="", phone="0977000111"
    )
    add_to_roster(actor=upcoming.coordinator, participation=upcoming.song_lo, person_ids=[late.pk])
    send_due_notices(seconds=10)
    notice = Notice.objects.get(person=late)
    assert (notice.channel, notice.status, notice.address) == ("sms", Status.SENT, "0977000111")
    assert "[SMS to 0977000111] [DiemCau]" in capsys.readouterr().out


def test_failed_notices_can_be_sent_again_after_the_address_is_fixed(upcoming):
    type(upcoming.manh).objects.filter(pk=upcoming.manh.pk).update(email="manh.vv@@songlo")
    send_due_notices(seconds=10)
    upcoming.dung.email = "dung.dt@songlo.vinhphuc.gov.vn"
    upcoming.dung.save()
    type(upcoming.manh).objects.filter(pk=upcoming.manh.pk).update(
        email="manh.vv@songlo.vinhphuc.gov.vn"
    )
    mail.outbox.clear()

    count = retry_failed_notices(actor=upcoming.organiser, session=upcoming.session)
    send_due_notices(seconds=10)

    assert count == 2
    assert sorted(m.to[0] for m in mail.outbox) == [
        "dung.dt@songlo.vinhphuc.gov.vn",
        "manh.vv@songlo.vinhphuc.gov.vn",
    ]


def test_the_rate_limit_spreads_sending_over_seconds(upcoming, settings):
    settings.NOTICE_RATE_PER_SECOND = 1
    settings.NOTICE_MARK_EVERY = 1  # each marked as it goes, so sent_at is when it went
    send_due_notices(seconds=10)
    seconds = sorted(Notice.objects.filter(status=Status.SENT).values_list("sent_at", flat=True))
    assert len(seconds) == 3
    assert len({moment.replace(microsecond=0) for moment in seconds}) == 3


def test_senders_are_started_only_for_work_that_is_due(upcoming, settings):
    settings.NOTICE_CHUNK_SIZE = 2
    settings.NOTICE_PARALLEL_SENDERS = 4
    assert senders_needed() == 2  # three pending invitations, two per chunk
    send_due_notices(seconds=10)
    assert senders_needed() == 0


def test_planning_costs_the_same_queries_for_a_small_and_a_large_roster(
    upcoming, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    session = upcoming.session
    at = day_before_at_eight(session)
    with CaptureQueriesContext(connection) as small:
        plan_due_notices(now=at + timedelta(minutes=1))
    Notice.objects.filter(kind=Kind.REMINDER).delete()
    NoticeBatch.objects.all().delete()
    more = [factories.PersonFactory(agency=upcoming.manh.agency).pk for _ in range(30)]
    add_to_roster(actor=upcoming.coordinator, participation=upcoming.song_lo, person_ids=more)
    with django_assert_max_num_queries(len(small.captured_queries)):
        plan_due_notices(now=at + timedelta(minutes=1))
    assert notices(session, Kind.REMINDER).count() == 34


def test_reading_a_chunk_costs_the_same_queries_for_few_and_many_notices(upcoming):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def per_notice(count):
        Notice.objects.all().delete()
        people = [factories.PersonFactory(agency=upcoming.manh.agency).pk for _ in range(count)]
        add_to_roster(actor=upcoming.coordinator, participation=upcoming.song_lo, person_ids=people)
        send_due_notices(seconds=10)  # first sign-in accounts are made here
        Notice.objects.update(status=Status.PENDING, due_at=timezone.now())
        with CaptureQueriesContext(connection) as queries:
            send_due_notices(seconds=10)
        return len(queries.captured_queries)

    few, many = per_notice(3), per_notice(13)
    # The chunk's sent notices are marked with one UPDATE: nothing grows with the chunk.
    assert many == few
