"""Session pages through the client: each role's view, bad input, and scope."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Session
from events.services import PointSelection, invite_agency, schedule_session
from tests import factories
from tests.events.seeds import ministry_training, vinh_phuc_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def training(network, ministry_organiser):
    return ministry_training(network, ministry_organiser).session


def test_the_session_page_groups_points_by_province(client, network, ministry_organiser):
    # given a session at the nine district points and the provincial point of Vĩnh Phúc
    session = ministry_training(
        network,
        ministry_organiser,
        selection=PointSelection(
            add=(
                network.ben_tre_point.pk,
                network.vinh_phuc_point.pk,
                *(p.pk for p in network.district_points),
            )
        ),
    ).session
    client.force_login(ministry_organiser)

    # when
    response = client.get(reverse("events:session_detail", args=[session.pk]))

    # then
    groups = {group.province: group.count for group in response.context["groups"]}
    assert groups == {"Tỉnh Bến Tre": 1, "Tỉnh Vĩnh Phúc": 10}
    assert "Lãnh đạo Vụ Cải cách hành chính" in response.content.decode()


def test_a_session_outside_the_scope_is_404(client, network, training):
    client.force_login(factories.organiser(factories.province("Tỉnh Điện Biên", "11")))

    assert client.get(reverse("events:session_detail", args=[training.pk])).status_code == 404


def test_the_list_filters_by_province_and_status(client, network, ministry_organiser, training):
    other = vinh_phuc_session(
        network, factories.organiser(network.vinh_phuc), title="Hội nghị Vĩnh Phúc"
    ).session
    client.force_login(ministry_organiser)

    in_ben_tre = client.get(reverse("events:session_list"), {"province": network.ben_tre.pk})
    scheduled = client.get(reverse("events:session_list"), {"status": "scheduled"})

    assert [s.pk for s in in_ben_tre.context["page"]] == [training.pk]
    assert {s.pk for s in scheduled.context["page"]} == {training.pk, other.pk}


def test_the_list_of_thirty_sessions_takes_a_fixed_number_of_queries(
    client, network, ministry_organiser, django_assert_max_num_queries
):
    programme = factories.ProgrammeFactory(created_by=ministry_organiser)
    start = timezone.now() + timedelta(days=3)
    for day in range(30):
        schedule_session(
            actor=ministry_organiser,
            programme=programme,
            title=f"Hội nghị {day}",
            starts_at=start + timedelta(days=day),
            ends_at=start + timedelta(days=day, hours=2),
            host_point=network.host,
            selection=PointSelection(add=(network.ben_tre_point.pk,)),
        )
    client.force_login(ministry_organiser)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("events:session_list"))

    assert len(response.context["page"]) == 30


def test_attendees_cannot_open_the_staff_list(client, network):
    person = factories.PersonFactory(user=factories.UserFactory())
    client.force_login(person.user)

    assert client.get(reverse("events:session_list")).status_code == 403


def schedule_form(network, programme, **overrides):
    return {
        "programme": programme.pk,
        "title": "Hội nghị trực tuyến triển khai các văn bản về CCHC",
        "starts_at": "2021-11-03T08:00",
        "ends_at": "2021-11-03T11:00",
        "host_point": network.vinh_phuc_point.pk,
        "meeting_url": "https://hop.vinhphuc.example.vn/cchc",
        "agenda": (
            "08:00 | Khai mạc | Nguyễn Phú Sơn\n"
            "08:15 | Triển khai Nghị quyết 76/NQ-CP | Phạm Minh Hùng"
        ),
        "use_rule": "on",
        "within": network.vinh_phuc.pk,
        "level": "district",
        "record_past": "on",
        **overrides,
    }


def test_the_form_schedules_the_vinh_phuc_session_at_its_nine_districts(
    client, network, vinh_phuc_organiser
):
    programme = factories.ProgrammeFactory(unit=network.vinh_phuc, created_by=vinh_phuc_organiser)
    client.force_login(vinh_phuc_organiser)

    response = client.post(reverse("events:session_create"), schedule_form(network, programme))

    session = Session.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("events:session_detail", args=[session.pk])
    assert session.participations.count() == 9
    assert [i.speaker for i in session.agenda_items.all()] == ["Nguyễn Phú Sơn", "Phạm Minh Hùng"]
    assert timezone.localtime(session.starts_at).hour == 8


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_at": "2021-11-03T07:00"}, "ends_at"),
        ({"record_past": ""}, "starts_at"),
        ({"agenda": "tám giờ khai mạc"}, "agenda"),
        ({"use_rule": "", "add_points": []}, "add_points"),
    ],
)
def test_bad_input_is_shown_on_its_field_and_nothing_is_saved(
    client, network, vinh_phuc_organiser, overrides, field
):
    programme = factories.ProgrammeFactory(unit=network.vinh_phuc, created_by=vinh_phuc_organiser)
    client.force_login(vinh_phuc_organiser)

    response = client.post(
        reverse("events:session_create"), schedule_form(network, programme, **overrides)
    )

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not Session.objects.exists()


def test_a_point_outside_the_scope_cannot_even_be_chosen(client, network, vinh_phuc_organiser):
    programme = factories.ProgrammeFactory(unit=network.vinh_phuc, created_by=vinh_phuc_organiser)
    client.force_login(vinh_phuc_organiser)

    response = client.post(
        reverse("events:session_create"),
        schedule_form(network, programme, add_points=[network.ben_tre_point.pk]),
    )

    assert response.status_code == 400
    assert "add_points" in response.context["form"].errors
    assert not Session.objects.exists()


def test_the_page_moves_and_cancels_a_session(client, network, vinh_phuc_organiser):
    session = vinh_phuc_session(network, vinh_phuc_organiser).session
    client.force_login(vinh_phuc_organiser)

    client.post(
        reverse("events:session_reschedule", args=[session.pk]),
        {"starts_at": "2021-11-04T14:00", "ends_at": "2021-11-04T16:00", "record_past": "on"},
    )
    client.post(reverse("events:session_cancel", args=[session.pk]), {"reason": "Hoãn"})

    session.refresh_from_db()
    assert timezone.localtime(session.starts_at).day == 4
    assert session.status == Session.Status.CANCELLED


def test_the_month_calendar_shows_a_session_on_its_day(
    client, network, ministry_organiser, training
):
    client.force_login(ministry_organiser)

    month = client.get(reverse("events:session_calendar_view"), {"date": "2021-11-10"})
    week = client.get(
        reverse("events:session_calendar_view"), {"date": "2021-11-23", "view": "week"}
    )

    days = {day: sessions for row in month.context["weeks"] for day, sessions in row}
    assert [s.pk for s in days[training.starts_at.astimezone().date()]] == [training.pk]
    assert len(week.context["weeks"]) == 1 and len(week.context["weeks"][0]) == 7
    assert training.title in week.content.decode()


def test_a_coordinator_sees_the_upcoming_sessions_of_their_points(
    client, network, ministry_organiser
):
    coordinator = factories.coordinator(network.ben_tre, username="dau-moi-ben-tre")
    network.ben_tre_point.coordinators.add(coordinator)
    start = timezone.now() + timedelta(days=2)
    upcoming = ministry_training(
        network,
        ministry_organiser,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        agenda=(),
        selection=PointSelection(add=(network.ben_tre_point.pk,)),
    ).session
    client.force_login(coordinator)

    response = client.get(reverse("events:my_points"))

    [(point, sessions)] = response.context["rows"]
    assert point == network.ben_tre_point
    assert sessions == [upcoming]


def test_an_attendee_sees_their_sessions_and_subscribes(client, network, ministry_organiser):
    start = timezone.now() + timedelta(days=2)
    session = ministry_training(
        network,
        ministry_organiser,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        agenda=(),
        selection=PointSelection(add=(network.ben_tre_point.pk,)),
    ).session
    agency = factories.AgencyFactory(name="Sở Nội vụ tỉnh Bến Tre", unit=network.ben_tre)
    person = factories.PersonFactory(agency=agency, user=factories.UserFactory())
    invite_agency(
        actor=ministry_organiser, session=session, point=network.ben_tre_point, agency=agency
    )
    client.force_login(person.user)

    listed = client.get(reverse("events:my_sessions"))
    subscribed = client.post(reverse("events:my_sessions"))
    detail = client.get(reverse("events:session_detail", args=[session.pk]))

    assert list(listed.context["sessions"]) == [session]
    assert subscribed.context["feed"].token in subscribed.content.decode()
    assert detail.context["location"] == network.ben_tre_point


def test_the_page_adds_and_takes_away_points(client, network, vinh_phuc_organiser):
    session = vinh_phuc_session(network, vinh_phuc_organiser).session
    client.force_login(vinh_phuc_organiser)

    client.post(
        reverse("events:session_points", args=[session.pk]),
        {
            "add_points": [network.vinh_phuc_point.pk],
            "remove_points": [network.district_points[0].pk],
        },
    )

    points = set(session.points.all())
    assert network.vinh_phuc_point in points
    assert network.district_points[0] not in points
    assert session.changes.filter(kind="points_changed").count() == 1
