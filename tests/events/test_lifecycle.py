"""A session's life after its end: held by itself, its organisers warned once, closed after
SESSION_AUTO_CLOSE_DAYS only once they were warned, or closed by an organiser; and what a
held or closed session still allows."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from attendance.services import request_excuse
from directory.models import Agency
from events.models import Notice, RosterEntry, Session, SessionChange, SessionPoint
from events.services import (
    PersonDetails,
    PointSelection,
    SessionAlreadyClosed,
    SessionEdit,
    add_to_roster,
    add_walk_in,
    advance_sessions,
    assign_coordinator,
    cancel_session,
    change_session_points,
    close_due,
    close_session,
    edit_session,
    invite_agency,
    mark_held,
    remove_from_roster,
    reschedule_session,
    session_version,
    warn_closing,
)
from events.signals import session_closed
from events.states import closes_itself_at
from tests import factories
from tests.events.seeds import vinh_phuc_session

HELD_REFUSAL = (
    "Hội nghị đã diễn ra: không thể đổi giờ hay điểm cầu; hãy đóng hội nghị khi đã nhập xong "
    "điểm danh."
)
WALK_IN = PersonDetails("Lê Văn Hậu", agency="UBND huyện Sông Lô", phone="0912000111")
FROZEN = "Hội nghị đã kết thúc: danh sách và điểm danh đã được chốt."


@pytest.fixture(autouse=True)
def _lifecycle_settings(settings):
    settings.SESSION_AUTO_CLOSE_DAYS = 14
    settings.SESSION_CLOSE_WARNING_DAYS = 3


def fresh(session: Session) -> Session:
    return Session.objects.select_related("host_point__unit").get(pk=session.pk)


def warnings_of(session: Session) -> list[Notice]:
    return list(Notice.objects.filter(session=session, kind=Notice.Kind.SESSION_CLOSING))


# Held


def test_a_session_whose_end_has_passed_becomes_held_and_a_coming_one_stays(past, network):
    # given a session that ended an hour ago and one that has not started
    ended = past(days=1 / 24)
    coming = past(days=-2, title="Hội nghị sắp tới")

    # when the beat runs
    held = mark_held()

    # then the ended one is held, with the moment, and the coming one is untouched
    assert held == 1
    ended = fresh(ended)
    assert ended.status == Session.Status.HELD
    assert ended.held_at is not None
    assert fresh(coming).status == Session.Status.SCHEDULED


def test_marking_held_again_changes_nothing(past):
    session = past(days=1)
    mark_held()
    first = fresh(session).held_at

    assert mark_held() == 0
    assert fresh(session).held_at == first


def test_held_is_recorded_on_the_session_not_as_someones_change(past):
    session = past(days=1)
    kinds_before = list(session.changes.values_list("kind", flat=True))

    mark_held()

    assert list(session.changes.values_list("kind", flat=True)) == kinds_before


def test_marking_many_sessions_held_costs_the_same_few_queries(past, django_assert_max_num_queries):
    for index in range(12):
        past(days=1 + index, title=f"Hội nghị {index}")

    with django_assert_max_num_queries(4):
        assert mark_held() == 12


# Warned


def test_a_held_session_due_to_close_within_the_warning_days_warns_its_organisers(past):
    # given a session held 12 days ago: it closes itself in 2 days, within the 3 of warning
    session = past(days=12)
    mark_held()

    # when the beat warns
    assert warn_closing() == 1

    # then its organiser has one notice, and the session knows it was warned
    notices = warnings_of(session)
    assert [(n.user.username, n.status) for n in notices] == [
        ("so-noi-vu-vinh-phuc", Notice.Status.PENDING)
    ]
    assert fresh(session).close_warned_at is not None


def test_a_session_held_recently_is_not_warned_yet(past):
    session = past(days=5)
    mark_held()

    assert warn_closing() == 0
    assert warnings_of(session) == []


def test_the_warning_goes_once_however_often_the_beat_runs(past):
    session = past(days=12)
    advance_sessions()
    advance_sessions()
    warn_closing()

    assert len(warnings_of(session)) == 1


def test_the_nearest_organisers_and_whoever_scheduled_it_are_warned(
    network, past, ministry_organiser, vinh_phuc_organiser
):
    # given a second organiser at the province, one at a district, and a national one
    colleague = factories.organiser(network.vinh_phuc, username="so-noi-vu-2")
    factories.organiser(network.districts[0], username="phong-noi-vu-vinh-yen")
    session = past(days=12)
    mark_held()

    warn_closing()

    # then the province's organisers (the host point's nearest) are told, not the Ministry
    assert sorted(n.user.username for n in warnings_of(session)) == sorted(
        [vinh_phuc_organiser.username, colleague.username]
    )


def test_a_session_hosted_where_nobody_organises_warns_the_national_organisers(
    network, ministry_organiser, song_lo
):
    # given the Ministry's session hosted in Hà Nội, where no provincial organiser sits
    ends = timezone.now() - timedelta(days=12)
    session = vinh_phuc_session(
        network,
        ministry_organiser,
        host_point=network.host,
        programme=factories.ProgrammeFactory(created_by=ministry_organiser),
        starts_at=ends - timedelta(hours=3),
        ends_at=ends,
        selection=PointSelection(add=(song_lo.pk,)),
    ).session
    mark_held()

    warn_closing()

    # then the national organiser is warned, without an address so the notice says so
    notices = warnings_of(session)
    assert [(n.user, n.status, n.problem) for n in notices] == [
        (ministry_organiser, Notice.Status.SKIPPED, Notice.Problem.NO_ADDRESS)
    ]
    # and the notice hangs on a point of the session (the host does not take part here)
    assert notices[0].participation.session_id == session.pk


def test_warning_many_sessions_costs_the_same_few_queries(past, django_assert_max_num_queries):
    for index in range(10):
        past(days=12 + index, title=f"Hội nghị {index}")
    mark_held()

    with django_assert_max_num_queries(12):
        assert warn_closing() == 10
    assert Notice.objects.filter(kind=Notice.Kind.SESSION_CLOSING).count() == 10


def test_a_warning_not_sent_before_the_session_was_closed_is_skipped(past):
    from events.services import send_due_notices

    session = past(days=12)
    mark_held()
    warn_closing()
    close_session(actor=session.created_by, session=fresh(session))

    send_due_notices(seconds=5)

    assert [(n.status, n.problem) for n in warnings_of(session)] == [
        (Notice.Status.SKIPPED, Notice.Problem.TOO_LATE)
    ]


# Closed by itself


def test_a_session_closes_itself_only_after_the_warning_days(past, closings):
    # given a session held 15 days ago whose organisers were never warned (worker down)
    session = past(days=15)
    now = timezone.now()

    # when the beat comes back, it warns and does not close
    assert advance_sessions(now=now) == {"held": 1, "warned": 1, "closed": 0}
    assert fresh(session).status == Session.Status.HELD

    # and two days later it is still open
    assert close_due(now=now + timedelta(days=2)) == 0

    # and three days after the warning it closes itself, once
    assert close_due(now=now + timedelta(days=3, minutes=1)) == 1
    assert close_due(now=now + timedelta(days=3, minutes=6)) == 0
    closed = fresh(session)
    assert closed.status == Session.Status.CLOSED
    assert closed.closed_at is not None and closed.closed_by is None
    assert closings == [(session.pk, None)]


def test_closing_by_itself_is_recorded_as_nobodys_act(past):
    session = past(days=20)
    advance_sessions()
    close_due(now=timezone.now() + timedelta(days=4))

    change = session.changes.get(kind=SessionChange.Kind.CLOSED)
    assert change.actor is None
    assert change.details == {"automatic": True}


def test_a_session_warned_in_time_closes_on_its_day(past, closings):
    # given a session warned when it was due (11 days after its end)
    past(days=11, title="Hội nghị đúng hạn")
    now = timezone.now()
    advance_sessions(now=now)

    # then it closes 14 days after its end, not sooner
    assert close_due(now=now + timedelta(days=2, hours=23)) == 0
    assert close_due(now=now + timedelta(days=3, minutes=1)) == 1


def test_the_day_it_closes_itself_moves_with_a_late_warning(past):
    session = past(days=30)
    now = timezone.now()
    mark_held(now=now)
    session = fresh(session)

    # not yet warned: it cannot close before the warning has had its days
    assert closes_itself_at(
        status=session.status, ends_at=session.ends_at, close_warned_at=None, now=now
    ) == now + timedelta(days=3)
    # warned long ago: its due day stands
    warned = session.ends_at + timedelta(days=11)
    assert closes_itself_at(
        status=session.status, ends_at=session.ends_at, close_warned_at=warned, now=now
    ) == session.ends_at + timedelta(days=14)


def test_one_session_that_cannot_close_leaves_the_others_to_close(past, closings):
    first = past(days=20, title="Hội nghị hỏng")
    second = past(days=21, title="Hội nghị lành")
    advance_sessions()

    def broken(sender, session, actor, **kwargs):
        if session.pk == first.pk:
            raise RuntimeError("a receiver failed")

    session_closed.connect(broken, dispatch_uid="tests.broken")
    try:
        assert close_due(now=timezone.now() + timedelta(days=4)) == 1
    finally:
        session_closed.disconnect(dispatch_uid="tests.broken")

    # then the failing one rolled back whole and stays held for the next run
    assert fresh(first).status == Session.Status.HELD
    assert not first.changes.filter(kind=SessionChange.Kind.CLOSED).exists()
    assert fresh(second).status == Session.Status.CLOSED


# Closed by an organiser


def test_an_organiser_closes_a_held_session(past, vinh_phuc_organiser, closings):
    session = past(days=2)
    mark_held()

    closed = close_session(actor=vinh_phuc_organiser, session=fresh(session))

    assert closed.status == Session.Status.CLOSED
    assert closed.closed_by == vinh_phuc_organiser
    assert closings == [(session.pk, vinh_phuc_organiser)]
    assert session.changes.get(kind=SessionChange.Kind.CLOSED).actor == vinh_phuc_organiser


def test_closing_a_closed_session_says_when_it_was_closed_and_changes_nothing(
    past, vinh_phuc_organiser, closings
):
    session = past(days=2)
    mark_held()
    stale = fresh(session)  # a page opened before the first closing
    close_session(actor=vinh_phuc_organiser, session=fresh(session))

    with pytest.raises(SessionAlreadyClosed) as refused:
        close_session(actor=vinh_phuc_organiser, session=stale)

    assert refused.value.messages[0].startswith("Hội nghị này đã được đóng lúc ")
    assert len(closings) == 1
    assert session.changes.filter(kind=SessionChange.Kind.CLOSED).count() == 1


def test_a_scheduled_session_that_has_started_can_still_be_closed(past, vinh_phuc_organiser):
    session = past(days=1)  # ended, the beat has not marked it yet

    assert close_session(actor=vinh_phuc_organiser, session=fresh(session)).status == "closed"


def test_a_session_not_started_cannot_be_closed(past, vinh_phuc_organiser):
    session = past(days=-1)

    with pytest.raises(ValidationError, match="sau khi đã khai mạc"):
        close_session(actor=vinh_phuc_organiser, session=fresh(session))


def test_an_organiser_outside_the_host_scope_cannot_close_it(network, past):
    session = past(days=2)
    mark_held()
    ben_tre = factories.organiser(network.ben_tre, username="so-noi-vu-ben-tre")

    with pytest.raises(ValidationError, match="ngoài phạm vi"):
        close_session(actor=ben_tre, session=fresh(session))
    assert fresh(session).status == Session.Status.HELD


# What a held session allows


@pytest.fixture
def held(past):
    session = past(days=2)
    mark_held()
    return fresh(session)


def refusal(call) -> str:
    with pytest.raises(ValidationError) as refused:
        call()
    return " ".join(refused.value.messages)


def test_a_held_session_cannot_be_moved_edited_cancelled_or_given_points(
    held, vinh_phuc_organiser, network
):
    organiser = vinh_phuc_organiser
    later = timezone.now() + timedelta(days=1)
    calls = {
        "reschedule": lambda: reschedule_session(
            actor=organiser, session=held, starts_at=later, ends_at=later + timedelta(hours=2)
        ),
        "points": lambda: change_session_points(
            actor=organiser, session=held, add=PointSelection(add=(network.district_points[0].pk,))
        ),
        "cancel": lambda: cancel_session(actor=organiser, session=held, reason="Nhầm"),
        "edit": lambda: edit_session(
            actor=organiser,
            session=held,
            version=session_version(held),
            edit=SessionEdit(title="Tên mới"),
        ),
        "invite": lambda: invite_agency(
            actor=organiser,
            session=held,
            point=network.vinh_phuc_point,
            agency=factories.AgencyFactory(unit=network.vinh_phuc),
        ),
    }
    for name, call in calls.items():
        assert refusal(call) == HELD_REFUSAL, name
    assert fresh(held).title == "Hội nghị triển khai CCHC"
    assert fresh(held).status == Session.Status.HELD


def test_a_held_sessions_rosters_and_attendance_can_still_be_corrected(
    held, vinh_phuc_organiser, song_lo
):
    # given Sông Lô's coordinator and a delegate who came without being listed
    coordinator = factories.coordinator(song_lo.unit, username="dau-moi-song-lo")
    assign_coordinator(point=song_lo, user=coordinator)
    participation = SessionPoint.objects.get(session=held, point=song_lo)
    agency = Agency.objects.create(name="UBND huyện Sông Lô", unit=song_lo.unit)
    person = factories.PersonFactory(agency=agency)

    # when the coordinator enters them after the session
    add_to_roster(actor=coordinator, participation=participation, person_ids=[person.pk])
    walk_in = add_walk_in(
        actor=coordinator,
        participation=participation,
        details=WALK_IN,
    )
    request_excuse(
        actor=coordinator,
        entry=RosterEntry.objects.get(session=held, person=person),
        reason="Đi công tác",
    )

    # then they are on the roster, and nobody is invited to a session already held
    assert RosterEntry.objects.filter(session=held, removed_at=None).count() == 2
    assert walk_in.session_id == held.pk
    assert not Notice.objects.filter(session=held, kind=Notice.Kind.INVITATION).exists()


def test_a_closed_sessions_rosters_and_attendance_are_frozen(held, vinh_phuc_organiser, song_lo):
    # given a delegate on Sông Lô's roster and the session then closed
    coordinator = factories.coordinator(song_lo.unit, username="dau-moi-song-lo")
    assign_coordinator(point=song_lo, user=coordinator)
    participation = SessionPoint.objects.get(session=held, point=song_lo)
    agency = Agency.objects.create(name="UBND huyện Sông Lô", unit=song_lo.unit)
    listed, other = factories.PersonFactory.create_batch(2, agency=agency)
    add_to_roster(actor=coordinator, participation=participation, person_ids=[listed.pk])
    entry = RosterEntry.objects.get(session=held, person=listed)
    close_session(actor=vinh_phuc_organiser, session=fresh(held))

    # when the coordinator, on a page opened before the closing, tries every change
    stale = SessionPoint.objects.select_related("session").get(pk=participation.pk)
    stale.session.status = Session.Status.HELD
    entry = RosterEntry.objects.select_related("session", "participation").get(pk=entry.pk)
    entry.session.status = Session.Status.HELD
    calls = {
        "add": lambda: add_to_roster(actor=coordinator, participation=stale, person_ids=[other.pk]),
        "walk-in": lambda: add_walk_in(
            actor=coordinator,
            participation=stale,
            details=WALK_IN,
        ),
        "remove": lambda: remove_from_roster(actor=coordinator, entry=entry, reason="Nhầm"),
        "excuse": lambda: request_excuse(actor=coordinator, entry=entry, reason="Ốm"),
    }

    # then each is refused, the state being read again, and nothing changed
    for name, call in calls.items():
        assert refusal(call) == FROZEN, name
    assert list(
        RosterEntry.objects.filter(session=held).values_list("person_id", "removed_at")
    ) == [(listed.pk, None)]
