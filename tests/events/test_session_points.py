"""Taking a bridge point away from a session whose roster has people: it works, its
delegates are told, and the history stays (roster entries, attendance), while counts of
the session leave the point out."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from attendance.models import Attendance
from attendance.selectors import live_counts
from events.models import Notice, RosterChange, RosterEntry, Session, SessionChange, SessionPoint
from events.selectors import points_by_province, sessions_with_counts
from events.services import PointSelection, change_session_points, send_due_notices
from events.services.points import POINT_REMOVED

pytestmark = pytest.mark.django_db


def take_away(upcoming, *points):
    return change_session_points(
        actor=upcoming.organiser,
        session=upcoming.session,
        remove=tuple(p.point_id for p in points),
    )


def test_a_point_with_people_on_its_roster_can_be_taken_away(upcoming):
    # given Sông Lô has three delegates (taking it away was once a server error)
    assert RosterEntry.objects.filter(participation=upcoming.song_lo).count() == 3

    # when the organiser takes it away
    take_away(upcoming, upcoming.song_lo)

    # then the session goes on at Tam Đảo only, and the change is recorded
    assert list(SessionPoint.objects.filter(session=upcoming.session)) == [upcoming.tam_dao]
    change = upcoming.session.changes.get(kind=SessionChange.Kind.POINTS_CHANGED)
    assert change.details["removed_names"] == ["Điểm cầu Huyện Sông Lô"]


def test_the_history_of_a_point_taken_away_stays(upcoming):
    entry = upcoming.entry(upcoming.manh)
    Attendance.objects.create(
        entry=entry,
        session=upcoming.session,
        participation=upcoming.song_lo,
        checked_in_at=timezone.now(),
    )

    take_away(upcoming, upcoming.song_lo)

    kept = SessionPoint.every.get(pk=upcoming.song_lo.pk)
    assert kept.removed_at is not None and kept.removed_by == upcoming.organiser
    entries = RosterEntry.objects.filter(participation=kept)
    assert entries.count() == 3
    assert all(e.removed_at is not None for e in entries)
    assert Attendance.objects.filter(entry=entry).exists()
    reasons = set(
        RosterChange.objects.filter(
            entry__participation=kept, kind=RosterChange.Kind.REMOVED
        ).values_list("reason", flat=True)
    )
    assert reasons == {"Điểm cầu không còn tham gia hội nghị."}


def test_counts_of_the_session_leave_the_point_out(upcoming, vinh_phuc_organiser):
    take_away(upcoming, upcoming.song_lo)

    session = upcoming.session
    counts = live_counts(session)
    assert [p.participation_id for p in counts.points] == [upcoming.tam_dao.pk]
    assert counts.on_roster == 1
    assert sessions_with_counts(Session.objects.filter(pk=session.pk)).get().point_count == 1
    groups = points_by_province(session)
    assert sum(group.count for group in groups) == 1


def test_its_delegates_are_told_their_point_no_longer_takes_part(upcoming, mailoutbox):
    take_away(upcoming, upcoming.song_lo)

    told = Notice.objects.filter(session=upcoming.session, kind=POINT_REMOVED)
    assert sorted(told.values_list("person__full_name", flat=True)) == [
        "Trần Thị Ánh",
        "Vũ Văn Mạnh",
        "Đỗ Thị Dung",
    ]
    mailoutbox.clear()
    send_due_notices(seconds=10)
    removal = [m for m in mailoutbox if "no longer" in m.subject or "không còn" in m.subject]
    assert sorted(m.to[0] for m in removal) == sorted([upcoming.manh.email, upcoming.anh.email])
    to_manh = next(m for m in removal if m.to == [upcoming.manh.email])
    assert "không còn tham gia" in to_manh.subject
    # and the invitations still waiting for them never leave
    assert not [m for m in mailoutbox if m.to == [upcoming.manh.email] and m is not to_manh]


def test_a_point_with_an_empty_roster_goes_entirely(upcoming, network):
    change_session_points(
        actor=upcoming.organiser,
        session=upcoming.session,
        add=PointSelection(add=(network.district_points[0].pk,)),
    )
    empty = SessionPoint.objects.get(session=upcoming.session, point=network.district_points[0])

    take_away(upcoming, empty)

    assert not SessionPoint.every.filter(pk=empty.pk).exists()


def test_a_point_taken_away_can_come_back(upcoming):
    take_away(upcoming, upcoming.song_lo)

    change_session_points(
        actor=upcoming.organiser,
        session=upcoming.session,
        add=PointSelection(add=(upcoming.song_lo.point_id,)),
    )

    back = SessionPoint.objects.get(pk=upcoming.song_lo.pk)
    assert back.removed_at is None
    # its former delegates stay taken off until someone puts them back
    assert not RosterEntry.objects.filter(participation=back, removed_at=None).exists()


def test_taking_away_every_point_is_refused_and_keeps_everything(upcoming):
    with pytest.raises(ValidationError):
        take_away(upcoming, upcoming.song_lo, upcoming.tam_dao)

    assert SessionPoint.objects.filter(session=upcoming.session).count() == 2
    assert not RosterEntry.objects.filter(removed_at__isnull=False).exists()
    assert not Notice.objects.filter(kind=POINT_REMOVED).exists()


def test_a_point_outside_scope_cannot_be_taken_away(upcoming, network):
    from tests import factories

    outsider = factories.organiser(network.districts[0], username="phong-noi-vu-vinh-yen")
    with pytest.raises(ValidationError):
        change_session_points(
            actor=outsider, session=upcoming.session, remove=(upcoming.song_lo.point_id,)
        )
    assert SessionPoint.objects.filter(pk=upcoming.song_lo.pk).exists()
