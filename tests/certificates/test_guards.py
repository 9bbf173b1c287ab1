"""Nothing is numbered while a session that counts is not closed, or while the design lacks
its signer, its title, its issuing body or its place; every way in asks.

The course (see conftest): two sessions of Vĩnh Phúc's programme at Sông Lô and Tam Đảo,
both over, both still open until a test closes them; its design is complete.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate, CertificateCounter, Collation, Completion
from certificates.services import collation as certificates
from certificates.services.guards import collation_guard
from events.models import Session
from events.services import close_session
from tests.certificates.helpers import close_sessions
from training.models import Programme
from training.services import close_programme, set_completion_rule

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def start(course, **kwargs) -> Collation:
    return certificates.start_collation(
        actor=course.rush.organiser, programme=course.programme, **kwargs
    )


def refusal_of(course, **kwargs) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        start(course, **kwargs)
    return refused.value.messages


def nothing_issued() -> bool:
    return not (
        Collation.objects.exists()
        or Certificate.objects.exists()
        or Completion.objects.exists()
        or CertificateCounter.objects.exists()
    )


def held(session: Session) -> Session:
    """What the beat does once the session's end has passed."""
    Session.objects.filter(pk=session.pk).update(status=Session.Status.HELD, held_at=timezone.now())
    session.refresh_from_db()
    return session


# --- Sessions ------------------------------------------------------------------------------


def test_a_session_still_scheduled_refuses_collation_and_is_named(course):
    close_sessions(course.first)

    [message] = refusal_of(course)

    assert "Còn 1 hội nghị của chương trình chưa được đóng" in message
    assert course.second.title in message
    assert "Đã lên lịch" in message
    assert nothing_issued()


def test_a_session_held_but_not_closed_still_refuses_collation(course):
    # given: both over, the first closed, the second held: its attendance may still change
    close_sessions(course.first)
    held(course.second)

    # when / then
    [message] = refusal_of(course)
    assert course.second.title in message and "Đã diễn ra ngày" in message
    assert nothing_issued()

    # and once it is closed, the programme collates
    close_sessions(course.second)
    assert start(course).status == Collation.Status.QUEUED


def test_a_cancelled_session_does_not_count_and_does_not_refuse(course):
    close_sessions(course.first)
    Session.objects.filter(pk=course.second.pk).update(status=Session.Status.CANCELLED)

    assert not collation_guard(course.programme).refused
    collation = certificates.run_collation(start(course).pk)
    assert collation.status == Collation.Status.DONE


def test_a_session_added_for_next_year_refuses_the_programme_until_it_is_closed(course):
    # given: the case: sessions of a later year added to a programme already held
    close_sessions(course.first, course.second)
    later = Session.objects.create(
        programme=course.programme,
        title="Hội nghị bổ sung năm sau",
        starts_at=timezone.now() + timedelta(days=370),
        ends_at=timezone.now() + timedelta(days=370, hours=3),
        host_point=course.first.host_point,
        created_by=course.rush.organiser,
    )

    # then
    guard = collation_guard(course.programme)
    assert [s.pk for s in guard.open_sessions] == [later.pk]
    assert guard.refused and not guard.missing_design and not guard.no_rule


def test_the_page_lists_the_sessions_to_close_with_their_state_and_a_link_instead_of_the_button(
    course, client
):
    held(course.first)
    client.force_login(course.rush.organiser)

    page = client.get(reverse("certificates:programme_certificates", args=[course.programme.pk]))

    html = page.content.decode()
    begins = html.index("data-open-sessions")
    listed = html[begins : html.index("</ul>", begins)]
    for session in (course.first, course.second):
        assert reverse("events:session_detail", args=[session.pk]) in listed
        assert session.title in listed
        start_local = timezone.localtime(session.starts_at)
        assert f"{start_local:%H:%M} ngày {start_local:%d/%m/%Y}" in listed
    assert "Đã diễn ra ngày" in listed and "Đã lên lịch" in listed
    assert "Còn 2 hội nghị chưa được đóng" in html
    assert "Xét và cấp giấy</button>" not in html
    assert ">Chạy thử</button>" in html  # a dry run still previews


# --- The design ----------------------------------------------------------------------------


def test_an_empty_signer_refuses_collation_naming_exactly_what_is_missing(course):
    close_sessions(course.first, course.second)
    Programme.objects.filter(pk=course.programme.pk).update(signer_name="  ")
    course.programme.refresh_from_db()

    [message] = refusal_of(course)

    assert message.startswith("Mẫu giấy chứng nhận còn thiếu: họ tên người ký.")
    assert collation_guard(course.programme).missing_design == ["họ tên người ký"]
    assert nothing_issued()


def test_a_missing_body_title_and_place_are_all_named_in_the_design_pages_order(course):
    close_sessions(course.first, course.second)
    Programme.objects.filter(pk=course.programme.pk).update(
        issuing_body="", signing_place="", signer_title=""
    )
    course.programme.refresh_from_db()

    guard = collation_guard(course.programme)

    assert guard.missing_design == ["cơ quan cấp", "địa danh nơi ký", "chức vụ người ký"]
    [message] = refusal_of(course)
    assert "cơ quan cấp, địa danh nơi ký, chức vụ người ký" in message


def test_the_page_links_a_missing_design_to_the_design_page(course, client):
    close_sessions(course.first, course.second)
    Programme.objects.filter(pk=course.programme.pk).update(signer_name="", signing_place="")
    client.force_login(course.rush.organiser)

    html = client.get(
        reverse("certificates:programme_certificates", args=[course.programme.pk])
    ).content.decode()

    assert "Mẫu giấy chứng nhận còn thiếu: địa danh nơi ký, họ tên người ký." in html
    assert reverse("training:programme_design", args=[course.programme.pk]) in html
    assert "Xét và cấp giấy</button>" not in html


# --- The worker asks again ----------------------------------------------------------------


def test_the_worker_asks_again_and_refuses_a_run_whose_design_lost_its_signer(course):
    # given: a run queued while everything held
    close_sessions(course.first, course.second)
    run = start(course)

    # when the signer is taken off before a worker takes it
    Programme.objects.filter(pk=course.programme.pk).update(signer_name="")
    certificates.run_collation(run.pk)

    # then the run says why and nothing was numbered
    run.refresh_from_db()
    assert run.status == Collation.Status.REFUSED
    assert "họ tên người ký" in run.error
    assert run.get_status_display() == "Bị từ chối"
    assert not Certificate.objects.exists() and not CertificateCounter.objects.exists()
    # and a refused run is not taken again, nor does it block the next one
    assert certificates.run_collation(run.pk).status == Collation.Status.REFUSED
    Programme.objects.filter(pk=course.programme.pk).update(signer_name="Nguyễn Văn Khước")
    course.programme.refresh_from_db()
    assert start(course).pk != run.pk


def test_the_worker_refuses_a_run_queued_before_a_session_was_added(course):
    close_sessions(course.first, course.second)
    run = start(course)
    Session.objects.create(
        programme=course.programme,
        title="Hội nghị bổ sung",
        starts_at=timezone.now() + timedelta(days=3),
        ends_at=timezone.now() + timedelta(days=3, hours=2),
        host_point=course.first.host_point,
        created_by=course.rush.organiser,
    )

    certificates.run_collation(run.pk)

    run.refresh_from_db()
    assert run.status == Collation.Status.REFUSED and "Hội nghị bổ sung" in run.error
    assert not Certificate.objects.exists()


# --- A point's collation ------------------------------------------------------------------


def test_a_point_collates_once_the_sessions_its_people_take_part_in_are_closed(course, network):
    # given: the two sessions closed, and a third at Tam Đảo only, still to come; two
    # sessions of three complete the programme
    close_sessions(course.first, course.second)
    set_completion_rule(
        actor=course.rush.organiser,
        programme=course.programme,
        required_sessions=2,
        min_minutes_present=60,
        require_on_time=False,
        require_survey=False,
    )
    third = Session.objects.create(
        programme=course.programme,
        title="Hội nghị riêng của Tam Đảo",
        starts_at=timezone.now() + timedelta(days=2),
        ends_at=timezone.now() + timedelta(days=2, hours=2),
        host_point=course.first.host_point,
        created_by=course.rush.organiser,
    )
    from events.models import RosterEntry, SessionPoint

    tam_dao = SessionPoint.objects.create(session=third, point_id=course.rush.tam_dao.point_id)
    RosterEntry.objects.create(
        session=third,
        participation=tam_dao,
        person=course.people["thang"],
        source=RosterEntry.Source.IMPORT,
    )

    # then Sông Lô's people may have theirs, Tam Đảo's and the whole programme's wait
    song_lo = course.rush.song_lo.point
    assert not collation_guard(course.programme, point=song_lo).refused
    [message] = refusal_of(course, point=course.rush.tam_dao.point)
    assert "điểm cầu này" in message and third.title in message
    assert collation_guard(course.programme).open_sessions == [third]
    run = certificates.run_collation(start(course, point=song_lo).pk)
    assert run.status == Collation.Status.DONE
    assert set(Certificate.objects.values_list("person__full_name", flat=True)) == {
        "Nguyễn Văn Mạnh",
        "Đỗ Thị Dung",
    }


# --- Twice at once --------------------------------------------------------------------------


def test_the_database_keeps_one_waiting_run_per_programme_and_point(course):
    Collation.objects.create(programme=course.programme)

    with pytest.raises(IntegrityError), transaction.atomic():
        Collation.objects.create(programme=course.programme)

    # a point's run, a dry run and a finished run are other rows
    Collation.objects.create(programme=course.programme, point=course.rush.song_lo.point)
    Collation.objects.create(programme=course.programme, dry_run=True)
    Collation.objects.create(programme=course.programme, status=Collation.Status.DONE)
    assert Collation.objects.count() == 4


# --- Receivers ------------------------------------------------------------------------------


def test_closing_a_session_while_another_is_open_collates_nothing_and_raises_nothing(course):
    closed = close_session(actor=course.rush.organiser, session=course.first)

    assert closed.status == Session.Status.CLOSED
    assert not Collation.objects.exists()


def test_closing_the_last_open_session_collates_once(course):
    close_session(actor=course.rush.organiser, session=course.first)
    close_session(actor=course.rush.organiser, session=course.second)

    [run] = Collation.objects.all()
    assert (run.session_id, run.requested_by, run.dry_run) == (course.second.pk, None, False)


def test_closing_the_last_session_of_a_programme_without_a_signer_collates_nothing(course):
    Programme.objects.filter(pk=course.programme.pk).update(signer_name="")
    close_session(actor=course.rush.organiser, session=course.first)

    closed = close_session(actor=course.rush.organiser, session=course.second)

    assert closed.status == Session.Status.CLOSED
    assert not Collation.objects.exists()


def test_a_session_closing_itself_collates_when_it_is_the_last(course):
    close_sessions(course.first)

    close_session(actor=None, session=course.second)

    assert Collation.objects.filter(requested_by=None, session=course.second).count() == 1


def test_closing_the_programme_with_a_session_open_collates_nothing(course):
    close_sessions(course.first)

    close_programme(actor=course.rush.organiser, programme=course.programme)

    course.programme.refresh_from_db()
    assert course.programme.status == Programme.Status.CLOSED
    assert not Collation.objects.exists()


def test_closing_the_programme_once_its_sessions_are_closed_collates(course):
    close_sessions(course.first, course.second)

    close_programme(actor=course.rush.organiser, programme=course.programme)

    assert Collation.objects.filter(status=Collation.Status.QUEUED).count() == 1
