"""The period a certificate prints: the first and last session its holder checked in at
that was held (or closed), or the programme's held days if its rule says so; never a
session that was not held, never a day after the certificate was issued.

The property is checked on the issuing path itself (completion, who is due, numbering,
the snapshot and its words on the PDF) with the guards set aside: whatever mix of
scheduled, held, closed and cancelled sessions and check-ins got that far, the printed
period holds.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attendance.models import Attendance
from certificates.models import Certificate
from certificates.pdf import _period, vietnamese_date
from certificates.services import collation as service
from certificates.services.completion import record_completions, work_out
from events.models import RosterEntry, Session, SessionPoint
from tests.certificates.helpers import collate
from training.models import Programme
from training.services import set_completion_rule

pytestmark = pytest.mark.django_db

STATES = [
    Session.Status.SCHEDULED,
    Session.Status.HELD,
    Session.Status.CLOSED,
    Session.Status.CANCELLED,
]
WAS_HELD = (Session.Status.HELD, Session.Status.CLOSED)


@dataclass(frozen=True)
class Planned:
    status: str
    days_from_today: int
    attended: bool


sessions_strategy = st.lists(
    st.builds(
        Planned,
        status=st.sampled_from(STATES),
        # Past and future alike, whatever the state says: a state the beat has not caught
        # up with, or a row set wrong, must not print a day that was not held.
        days_from_today=st.integers(min_value=-900, max_value=400),
        attended=st.booleans(),
    ),
    min_size=1,
    max_size=6,
)


def local_day(moment) -> date:
    return timezone.localtime(moment).date()


def make_sessions(rush, plan: list[Planned]) -> list[Session]:
    now = timezone.now().replace(microsecond=0)
    person = rush.people[0]
    made = []
    for index, planned in enumerate(plan):
        starts = now + timedelta(days=planned.days_from_today, minutes=index)
        session = Session.objects.create(
            programme=rush.session.programme,
            title=f"Hội nghị {index + 1}",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            host_point=rush.session.host_point,
            status=planned.status,
            created_by=rush.organiser,
        )
        participation = SessionPoint.objects.create(session=session, point=rush.song_lo.point)
        entry = RosterEntry.objects.create(
            session=session,
            participation=participation,
            person=person,
            source=RosterEntry.Source.IMPORT,
        )
        if planned.attended:
            Attendance.objects.create(
                entry=entry,
                session=session,
                participation=participation,
                checked_in_at=starts - timedelta(minutes=5),
            )
        made.append(session)
    return made


def issue_without_guards(programme: Programme) -> Certificate | None:
    """What run_collation does once its guards let it through."""
    record_completions(programme, work_out(programme))
    now = timezone.now()
    with transaction.atomic():
        service._issue(
            programme,
            list(service._due(programme, None)),
            actor=None,
            collation=None,
            now=now,
            base=service._snapshot_base(programme, timezone.localdate(now).isoformat()),
        )
    return Certificate.objects.filter(programme=programme).first()


@pytest.fixture
def ruled(rush):
    """The rush's programme without its own session, one attended session completing it."""
    Session.objects.filter(pk=rush.session.pk).update(status=Session.Status.CANCELLED)
    set_completion_rule(
        actor=rush.organiser,
        programme=rush.session.programme,
        required_sessions=1,
        min_minutes_present=0,
        require_on_time=False,
        require_survey=False,
    )
    return rush


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=sessions_strategy, whole_programme=st.booleans())
def test_the_printed_period_never_includes_a_session_that_was_not_held(
    ruled, plan, whole_programme
):
    programme = ruled.session.programme
    with transaction.atomic():
        # given: the mix, and the rule's choice of period
        Programme.objects.filter(pk=programme.pk).update(print_programme_period=whole_programme)
        programme.refresh_from_db()
        sessions = make_sessions(ruled, plan)
        today = timezone.localdate()
        held = [s for s in sessions if s.status in WAS_HELD and s.starts_at <= timezone.now()]
        attended_held = [s for s, p in zip(sessions, plan, strict=True) if p.attended and s in held]

        # when
        certificate = issue_without_guards(programme)

        # then: no certificate without a held session attended
        if not attended_held:
            assert certificate is None
        else:
            snapshot = certificate.snapshot
            first = date.fromisoformat(snapshot["first_day"])
            last = date.fromisoformat(snapshot["last_day"])
            counted = held if whole_programme else attended_held
            assert first == min(local_day(s.starts_at) for s in counted)
            assert last == min(today, max(local_day(s.ends_at) for s in counted))
            assert first <= last <= today
            # every day printed from is a day a held session started on; none that was not
            # held is the first or the last
            not_held_days = {local_day(s.starts_at) for s in sessions if s not in held}
            held_days = {local_day(s.starts_at) for s in held}
            assert first in held_days
            assert not (not_held_days - held_days) & {first}
            words = _period(snapshot)
            assert vietnamese_date(first) in words
            assert last == first or vietnamese_date(last) in words
        transaction.set_rollback(True)


def test_the_issues_case_prints_the_days_attended_not_the_sessions_added_for_later(course):
    # given: the 2021 programme's sessions held and closed, then a session added a year on
    later = course.second.starts_at + timedelta(days=380)
    Session.objects.create(
        programme=course.programme,
        title="Hội nghị bổ sung",
        starts_at=later,
        ends_at=later + timedelta(hours=2),
        host_point=course.first.host_point,
        status=Session.Status.CANCELLED,
        created_by=course.rush.organiser,
    )

    # when
    collate(course)

    # then Ánh's colleague Mạnh, at both, has both days; nobody has a day to come
    manh = Certificate.objects.get(person=course.people["manh"]).snapshot
    assert manh["first_day"] == local_day(course.first.starts_at).isoformat()
    assert manh["last_day"] == local_day(course.second.ends_at).isoformat()
    for certificate in Certificate.objects.all():
        assert certificate.snapshot["last_day"] <= timezone.localdate().isoformat()


def test_the_rule_may_print_the_programmes_held_days_on_every_certificate(course):
    # given: Thắng attended both; the rule asks for the programme's days
    set_completion_rule(
        actor=course.rush.organiser,
        programme=course.programme,
        required_sessions=1,
        min_minutes_present=60,
        require_on_time=False,
        require_survey=False,
        print_programme_period=True,
    )
    course.programme.refresh_from_db()

    collate(course)

    # then Ánh, who counted at the first only, prints both sessions' days as well
    anh = Certificate.objects.get(person=course.people["anh_t"]).snapshot
    assert anh["first_day"] == local_day(course.first.starts_at).isoformat()
    assert anh["last_day"] == local_day(course.second.ends_at).isoformat()
    assert "programme_first_day" not in anh


def test_the_completion_rule_page_offers_the_choice(course, client):
    client.force_login(course.rush.organiser)
    from django.urls import reverse

    answer = client.post(
        reverse("training:programme_rule", args=[course.programme.pk]),
        {"required_sessions": "", "min_minutes_present": "60", "print_programme_period": "on"},
    )

    assert answer.status_code == 302
    course.programme.refresh_from_db()
    assert course.programme.print_programme_period
    page = client.get(reverse("training:programme_rule", args=[course.programme.pk]))
    assert "Ghi thời gian của cả chương trình trên giấy chứng nhận" in page.content.decode()
