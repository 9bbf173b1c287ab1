"""Editing a session after it is scheduled: what attendees see raises the calendar
SEQUENCE and reaches those already told; the rest is only recorded. A closed or cancelled
session, a stale form and a host outside the organiser's scope are refused, changing
nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from events.models import AgendaItem, Notice, Session, SessionChange
from events.services import (
    AgendaEntry,
    SessionChanged,
    SessionEdit,
    cancel_session,
    close_session,
    edit_session,
    plan_due_notices,
    send_due_notices,
    session_version,
    set_point_chair,
)
from tests import factories

pytestmark = pytest.mark.django_db

Kind, Status = Notice.Kind, Notice.Status


def fresh(session: Session) -> Session:
    return Session.objects.select_related("host_point__unit").get(pk=session.pk)


def edit(upcoming, session=None, **changes):
    session = fresh(session or upcoming.session)
    return edit_session(
        actor=upcoming.organiser,
        session=session,
        version=session_version(session),
        edit=SessionEdit(**changes),
    )


def updates_to(session):
    rows = Notice.objects.filter(session=session, kind=Kind.UPDATE, person__isnull=False)
    return sorted(rows.values_list("person__full_name", flat=True))


def test_a_new_meeting_link_raises_the_sequence_and_updates_those_already_invited(upcoming):
    # given the invitations went out
    send_due_notices(seconds=10)
    before = fresh(upcoming.session)

    # when the organiser gives the session a new meeting link
    edit(upcoming, meeting_url="https://hop.vinhphuc.gov.vn/cchc-moi")
    plan_due_notices()

    # then the calendar SEQUENCE grows, the change is recorded with before and after, and
    # everyone already invited gets an update carrying the new link
    session = fresh(upcoming.session)
    assert session.meeting_url == "https://hop.vinhphuc.gov.vn/cchc-moi"
    assert session.sequence == before.sequence + 1
    change = session.changes.get(kind=SessionChange.Kind.EDITED)
    assert change.actor == upcoming.organiser
    assert change.details == {
        "before": {"meeting_url": "https://hop.vinhphuc.gov.vn/cchc"},
        "after": {"meeting_url": "https://hop.vinhphuc.gov.vn/cchc-moi"},
    }
    assert updates_to(session) == ["Phạm Đức Thắng", "Trần Thị Ánh", "Vũ Văn Mạnh"]


def test_the_update_mail_carries_the_new_title_and_link(upcoming, mailoutbox):
    send_due_notices(seconds=10)
    mailoutbox.clear()

    edit(upcoming, title="Hội nghị CCHC (đổi tên)", meeting_url="https://hop.example.vn/moi")
    plan_due_notices()
    send_due_notices(seconds=10)

    to_manh = next(m for m in mailoutbox if m.to == [upcoming.manh.email])
    assert "Hội nghị CCHC (đổi tên)" in to_manh.subject
    assert "https://hop.example.vn/moi" in to_manh.body


def test_a_late_threshold_alone_is_recorded_but_tells_nobody(upcoming):
    send_due_notices(seconds=10)
    before = fresh(upcoming.session)

    edit(upcoming, late_after_minutes=30)
    plan_due_notices()

    session = fresh(upcoming.session)
    assert session.late_after_minutes == 30
    assert session.sequence == before.sequence
    change = session.changes.get(kind=SessionChange.Kind.SETTINGS_CHANGED)
    assert change.details == {
        "before": {"late_after_minutes": 15},
        "after": {"late_after_minutes": 30},
    }
    assert updates_to(session) == []


def test_saving_without_a_change_records_nothing(upcoming):
    session = fresh(upcoming.session)
    edit(upcoming, title=session.title, meeting_url=session.meeting_url)
    assert not session.changes.exclude(kind=SessionChange.Kind.SCHEDULED).exists()
    assert fresh(session).sequence == session.sequence


def test_the_agenda_and_its_speakers_are_replaced_and_count_as_a_change(upcoming):
    send_due_notices(seconds=10)
    start = upcoming.session.starts_at
    agenda = (
        AgendaEntry(start, "Khai mạc", "Lãnh đạo Sở Nội vụ"),
        AgendaEntry(start + timedelta(minutes=30), "Nghị quyết 76/NQ-CP", "Trưởng phòng CCHC"),
    )

    edit(upcoming, agenda=agenda)
    plan_due_notices()

    items = list(AgendaItem.objects.filter(session=upcoming.session))
    assert [(i.title, i.speaker) for i in items] == [
        ("Khai mạc", "Lãnh đạo Sở Nội vụ"),
        ("Nghị quyết 76/NQ-CP", "Trưởng phòng CCHC"),
    ]
    change = upcoming.session.changes.get(kind=SessionChange.Kind.EDITED)
    assert change.details["before"]["agenda"] == []
    assert change.details["after"]["agenda"][1]["speaker"] == "Trưởng phòng CCHC"
    assert fresh(upcoming.session).sequence == 1
    assert len(updates_to(upcoming.session)) == 3


def test_a_new_time_moves_the_agenda_with_it(upcoming):
    start = upcoming.session.starts_at
    edit(upcoming, agenda=(AgendaEntry(start + timedelta(minutes=15), "Khai mạc", ""),))

    edit(
        upcoming,
        starts_at=start + timedelta(hours=1),
        ends_at=upcoming.session.ends_at + timedelta(hours=1),
    )

    item = AgendaItem.objects.get(session=upcoming.session)
    assert item.starts_at == start + timedelta(hours=1, minutes=15)
    assert fresh(upcoming.session).sequence == 2


def test_the_host_point_changes_within_scope(upcoming, network):
    edit(upcoming, host_point=network.district_points[0])

    session = fresh(upcoming.session)
    assert session.host_point == network.district_points[0]
    change = session.changes.get(kind=SessionChange.Kind.EDITED)
    assert change.details["after"] == {"host_point": network.district_points[0].name}


def test_a_host_point_outside_scope_is_refused(upcoming, network):
    with pytest.raises(ValidationError) as refused:
        edit(upcoming, host_point=network.ben_tre_point, title="Đổi điểm cầu chính")

    assert "host_point" in refused.value.message_dict
    session = fresh(upcoming.session)
    assert session.host_point != network.ben_tre_point
    assert session.title != "Đổi điểm cầu chính"


def test_an_organiser_of_another_province_cannot_edit(upcoming, network):
    outsider = factories.organiser(network.ben_tre, username="so-noi-vu-ben-tre")
    session = fresh(upcoming.session)
    with pytest.raises((PermissionDenied, ValidationError)):
        edit_session(
            actor=outsider,
            session=session,
            version=session_version(session),
            edit=SessionEdit(title="Không được"),
        )
    assert fresh(session).title != "Không được"


@pytest.mark.parametrize(
    ("end", "message"),
    [
        ("cancel", "đã bị hủy"),
        ("close", "đã kết thúc"),
    ],
)
def test_a_cancelled_or_closed_session_cannot_be_edited(upcoming, end, message):
    session = fresh(upcoming.session)
    if end == "cancel":
        cancel_session(actor=upcoming.organiser, session=session, reason="Hoãn")
    else:
        Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() - timedelta(hours=1))
        close_session(actor=upcoming.organiser, session=fresh(session))

    with pytest.raises(ValidationError) as refused:
        edit(upcoming, title="Sửa sau khi kết thúc")

    assert message in " ".join(refused.value.messages)
    assert fresh(session).title != "Sửa sau khi kết thúc"


def test_a_stale_form_is_refused_and_changes_nothing(upcoming):
    # given two organisers opened the page at the same moment
    opened = session_version(fresh(upcoming.session))
    # and the first saved a new link
    edit(upcoming, meeting_url="https://hop.example.vn/lan-1")

    # when the second saves the form they opened before
    session = fresh(upcoming.session)
    with pytest.raises(SessionChanged) as refused:
        edit_session(
            actor=upcoming.organiser,
            session=session,
            version=opened,
            edit=SessionEdit(meeting_url="https://hop.example.vn/lan-2", late_after_minutes=5),
        )

    # then they are told, and the first save stands whole
    assert "đã được thay đổi kể từ khi bạn mở trang này" in refused.value.messages[0]
    session = fresh(upcoming.session)
    assert (session.meeting_url, session.late_after_minutes) == ("https://hop.example.vn/lan-1", 15)
    assert session.changes.filter(kind=SessionChange.Kind.EDITED).count() == 1


def test_a_save_racing_another_loses_at_the_database(upcoming):
    # given the second organiser's request read the session before the first one wrote
    session = fresh(upcoming.session)
    version = session_version(session)
    Session.objects.filter(pk=session.pk).update(
        title="Ghi trước", updated_at=timezone.now() + timedelta(seconds=1)
    )

    # when it saves with what it read, the conditional UPDATE finds no row
    with pytest.raises(SessionChanged):
        edit_session(
            actor=upcoming.organiser,
            session=session,
            version=version,
            edit=SessionEdit(title="Ghi sau"),
        )

    assert fresh(session).title == "Ghi trước"
    assert not session.changes.filter(kind=SessionChange.Kind.EDITED).exists()


def test_bad_values_are_refused_by_field(upcoming):
    with pytest.raises(ValidationError) as refused:
        edit(upcoming, title="  ", meeting_url="ftp://hop.example.vn", late_after_minutes=999)

    assert set(refused.value.message_dict) == {"title", "meeting_url", "late_after_minutes"}


def test_each_point_gets_its_chair(upcoming, network):
    chair = factories.PersonFactory(full_name="Nguyễn Văn Chủ Trì", agency=upcoming.manh.agency)

    set_point_chair(actor=upcoming.organiser, participation=upcoming.song_lo, chair=chair)

    upcoming.song_lo.refresh_from_db()
    assert upcoming.song_lo.chair == chair
    change = upcoming.session.changes.get(kind=SessionChange.Kind.SETTINGS_CHANGED)
    assert change.details["after"] == {"chair": "Nguyễn Văn Chủ Trì"}
    assert fresh(upcoming.session).sequence == 0


def test_a_chair_from_outside_scope_is_refused(upcoming, network):
    stranger = factories.PersonFactory(
        full_name="Người Bến Tre", agency=factories.AgencyFactory(unit=network.ben_tre)
    )
    with pytest.raises(ValidationError):
        set_point_chair(actor=upcoming.organiser, participation=upcoming.song_lo, chair=stranger)
    upcoming.song_lo.refresh_from_db()
    assert upcoming.song_lo.chair is None
