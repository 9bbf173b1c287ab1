"""The live session dashboard: every point's state and counts in the organiser's scope,
grouped by province, the points still silent before the start, check-ins over time."""

import gzip
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attendance.selectors.dashboard import CENTRAL_GROUP, PointState, dashboard_for
from directory.models import AdministrativeUnit
from events.models import Session, SessionPoint
from events.services import PointSelection, add_to_roster
from tests import factories
from tests.checkins import attend, attendee_of
from tests.events.seeds import at, ministry_training, vinh_phuc_session


def board(user, session, now=None):
    return dashboard_for(user, session, now=now)


def point_of(dashboard, participation):
    return next(
        row
        for group in dashboard.groups
        for row in group.points
        if row.participation_id == participation.pk
    )


def page_url(session) -> str:
    return reverse("attendance:session_dashboard", args=[session.pk])


def api_url(session) -> str:
    return reverse("api:dashboard", args=[session.pk])


# States and counts ------------------------------------------------------------------------


def test_before_anyone_arrives_every_point_has_not_started(rush):
    # given the session starts in twenty minutes and nobody has checked in
    starts = rush.session.starts_at

    # when the organiser looks half an hour before the start
    dashboard = board(rush.organiser, rush.session, now=starts - timedelta(minutes=30))

    # then both points are waiting, invited counts are the rosters, nothing is flagged yet
    song_lo = point_of(dashboard, rush.song_lo)
    assert (song_lo.state, song_lo.invited, song_lo.checked_in) == (PointState.NOT_STARTED, 4, 0)
    assert song_lo.last_scan is None
    assert not song_lo.silent
    assert dashboard.totals.invited == 5
    assert dashboard.totals.states == {"not_started": 2, "checking_in": 0, "done": 0}
    assert dashboard.silent_points == []


def test_a_point_checking_in_counts_on_time_and_late_arrivals(rush):
    # given two Sông Lô delegates arrived, one before the start and one 20 minutes after
    # (lateness starts 15 minutes after the start)
    starts = rush.session.starts_at
    attend(rush.entries[0], starts - timedelta(minutes=10))
    attend(rush.entries[1], starts + timedelta(minutes=20))

    # when the organiser looks 30 minutes into the session
    dashboard = board(rush.organiser, rush.session, now=starts + timedelta(minutes=30))

    # then Sông Lô is checking in with 2 of 4, one on time and one late, last at +20'
    song_lo = point_of(dashboard, rush.song_lo)
    assert song_lo.state == PointState.CHECKING_IN
    assert (song_lo.invited, song_lo.checked_in, song_lo.on_time, song_lo.late) == (4, 2, 1, 1)
    assert song_lo.percent == 50
    assert song_lo.last_scan == starts + timedelta(minutes=20)
    assert not song_lo.silent
    # and Tam Đảo, with nobody yet, stands out
    tam_dao = point_of(dashboard, rush.tam_dao)
    assert tam_dao.state == PointState.NOT_STARTED
    assert tam_dao.silent
    assert [row.name for row in dashboard.silent_points] == [rush.tam_dao.point.name]
    assert (dashboard.totals.checked_in, dashboard.totals.late, dashboard.totals.silent) == (
        2,
        1,
        1,
    )


def test_after_the_end_every_point_is_finished_and_nothing_is_flagged(rush):
    # given one arrival at Sông Lô and none at Tam Đảo
    session = rush.session
    attend(rush.entries[0], session.starts_at)

    # when the organiser looks after the end
    dashboard = board(rush.organiser, session, now=session.ends_at + timedelta(minutes=1))

    # then both points are finished, the counts stay, and calling anyone is too late
    assert {row.state for group in dashboard.groups for row in group.points} == {PointState.DONE}
    assert point_of(dashboard, rush.song_lo).checked_in == 1
    assert dashboard.silent_points == []
    assert dashboard.is_over


def test_a_closed_session_is_finished_even_before_its_end(rush):
    # given the session was closed early
    Session.objects.filter(pk=rush.session.pk).update(status=Session.Status.CLOSED)
    rush.session.refresh_from_db()

    # when the organiser looks during its scheduled time
    dashboard = board(rush.organiser, rush.session, now=rush.session.starts_at)

    # then every point is finished
    assert dashboard.totals.states == {"not_started": 0, "checking_in": 0, "done": 2}


def test_a_removed_delegate_counts_neither_invited_nor_arrived(rush):
    # given a delegate who checked in and was then taken off the roster
    attend(rush.entries[0], rush.session.starts_at)
    rush.entries[0].removed_at = timezone.now()
    rush.entries[0].save()

    # when the dashboard counts Sông Lô
    song_lo = point_of(board(rush.organiser, rush.session), rush.song_lo)

    # then they count nowhere
    assert (song_lo.invited, song_lo.checked_in) == (3, 0)


# The points still silent before the start -------------------------------------------------


@pytest.mark.parametrize(
    ("minutes_before", "flagged"), [(30, False), (11, False), (10, True), (1, True), (-45, True)]
)
def test_a_point_with_no_check_ins_is_flagged_from_ten_minutes_before_the_start(
    rush, minutes_before, flagged
):
    # given Sông Lô has an arrival and Tam Đảo none
    starts = rush.session.starts_at
    attend(rush.entries[0], starts - timedelta(minutes=40))

    # when the organiser looks some minutes before (or after) the start
    dashboard = board(rush.organiser, rush.session, now=starts - timedelta(minutes=minutes_before))

    # then only Tam Đảo is flagged, and only from ten minutes before the start
    assert point_of(dashboard, rush.tam_dao).silent is flagged
    assert point_of(dashboard, rush.song_lo).silent is False
    assert dashboard.totals.silent == int(flagged)


def test_the_page_lists_the_silent_points_at_the_top(client, rush):
    # given the session starts in five minutes, and Sông Lô has a first arrival
    starts = timezone.now().replace(microsecond=0) + timedelta(minutes=5)
    Session.objects.filter(pk=rush.session.pk).update(
        starts_at=starts, ends_at=starts + timedelta(hours=3)
    )
    attend(rush.entries[0], timezone.now())
    client.force_login(rush.organiser)

    # when the organiser opens the dashboard
    response = client.get(page_url(rush.session))

    # then the warning names Tam Đảo and counts one point to call
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 điểm cầu chưa có ai điểm danh" in html
    warning = html.split('id="silent-list"')[1].split("</ul>")[0]
    assert rush.tam_dao.point.name in warning
    assert rush.song_lo.point.name not in warning


# Grouping by province and scope -------------------------------------------------------------


@pytest.fixture
def national(network, ministry_organiser):
    """The Ministry's session at a central point, the Hà Nội host, Bến Tre, Vĩnh Phúc and
    one of its districts."""
    central = factories.BridgePointFactory(
        name="Điểm cầu Văn phòng Chính phủ", unit=factories.nation()
    )
    points = (
        central,
        network.host,
        network.ben_tre_point,
        network.vinh_phuc_point,
        network.district_points[0],
    )
    return ministry_training(
        network,
        ministry_organiser,
        selection=PointSelection(add=tuple(point.pk for point in points)),
    ).session


def test_points_are_grouped_by_province_with_the_central_level_first(
    network, ministry_organiser, national
):
    # when the Ministry looks at its national session
    dashboard = board(ministry_organiser, national)

    # then the central point has its own group, then the provinces in official code order,
    # a district point under its province
    assert [(group.key == CENTRAL_GROUP, group.name) for group in dashboard.groups] == [
        (True, "Cấp trung ương"),
        (False, "Thành phố Hà Nội"),
        (False, "Tỉnh Vĩnh Phúc"),
        (False, "Tỉnh Bến Tre"),
    ]
    vinh_phuc = dashboard.groups[2]
    assert [row.name for row in vinh_phuc.points] == [
        "Điểm cầu tỉnh Vĩnh Phúc",
        "Điểm cầu Thành phố Vĩnh Yên",
    ]
    assert vinh_phuc.totals.points == 2
    assert dashboard.totals.points == 5


def test_a_provincial_organiser_sees_only_their_provinces_points(
    client, network, vinh_phuc_organiser, national
):
    # given a Bến Tre delegate checked in at the national session
    ben_tre = SessionPoint.objects.get(session=national, point=network.ben_tre_point)
    person = factories.PersonFactory(agency=factories.AgencyFactory(unit=network.ben_tre))
    organiser = factories.organiser(None)
    add_to_roster(actor=organiser, participation=ben_tre, person_ids=[person.pk])
    attend(ben_tre.roster.get(), national.starts_at)
    client.force_login(vinh_phuc_organiser)

    # when Vĩnh Phúc's organiser asks for the dashboard
    data = client.get(api_url(national)).json()

    # then only Vĩnh Phúc's two points come back, and none of Bến Tre's figures
    assert [group["name"] for group in data["groups"]] == ["Tỉnh Vĩnh Phúc"]
    assert data["totals"]["points"] == 2
    assert data["totals"]["checked_in"] == 0
    assert data["timeline"] == []
    assert client.get(page_url(national)).status_code == 200


def test_a_session_outside_the_organisers_province_is_not_found(
    client, network, ministry_organiser, vinh_phuc_organiser
):
    # given a Ministry session received only in Bến Tre
    session = ministry_training(
        network, ministry_organiser, selection=PointSelection(add=(network.ben_tre_point.pk,))
    ).session
    client.force_login(vinh_phuc_organiser)

    # then Vĩnh Phúc's organiser finds neither the page nor its data
    assert client.get(page_url(session)).status_code == 404
    assert client.get(api_url(session)).status_code == 404
    assert client.get(reverse("api:dashboard", args=[999_999])).status_code == 404


def test_coordinators_and_attendees_may_not_open_the_dashboard(client, rush):
    # given the point's coordinator and one of its delegates
    attendee = attendee_of(rush.entries[0])
    for user in (rush.coordinator, attendee):
        client.force_login(user)

        # then both are refused, on the page and on the API
        assert client.get(page_url(rush.session)).status_code == 403
        assert client.get(api_url(rush.session)).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client, rush):
    response = client.get(page_url(rush.session))

    assert response.status_code == 302
    assert reverse("login") in response.url
    assert client.get(api_url(rush.session)).status_code == 401


# Check-ins over time --------------------------------------------------------------------------


def test_check_ins_are_counted_per_five_minutes_with_a_running_total(network, vinh_phuc_organiser):
    # given the 03/11/2021 session at 08:00 and four arrivals at Sông Lô and Tam Đảo
    session = vinh_phuc_session(network, vinh_phuc_organiser).session
    participations = list(SessionPoint.objects.filter(session=session)[:2])
    agency = factories.AgencyFactory(unit=network.vinh_phuc)
    people = [factories.PersonFactory(agency=agency) for _ in range(4)]
    add_to_roster(
        actor=vinh_phuc_organiser,
        participation=participations[0],
        person_ids=[p.pk for p in people[:3]],
    )
    add_to_roster(
        actor=vinh_phuc_organiser, participation=participations[1], person_ids=[people[3].pk]
    )
    entries = {entry.person_id: entry for entry in session.roster.all()}
    for person, clock in zip(people, ("07:48", "07:49:30", "07:57", "08:20"), strict=True):
        attend(entries[person.pk], at("2021-11-03", clock))

    # when the dashboard draws the timeline
    timeline = board(vinh_phuc_organiser, session).timeline

    # then five-minute buckets from the first arrival to the last, empty ones included
    assert [(b.starts_at, b.count, b.cumulative) for b in timeline] == [
        (at("2021-11-03", "07:45"), 2, 2),
        (at("2021-11-03", "07:50"), 0, 2),
        (at("2021-11-03", "07:55"), 1, 3),
        (at("2021-11-03", "08:00"), 0, 3),
        (at("2021-11-03", "08:05"), 0, 3),
        (at("2021-11-03", "08:10"), 0, 3),
        (at("2021-11-03", "08:15"), 0, 3),
        (at("2021-11-03", "08:20"), 1, 4),
    ]


# Size ------------------------------------------------------------------------------------------


def session_with_points(
    network, organiser, *, provinces: int, per_province: int, first_code: int
) -> Session:
    """A session at provinces times per_province commune points, two delegates on each roster,
    one of them checked in."""
    units = []
    for p in range(provinces):
        code = first_code + p
        province = factories.province(f"Tỉnh Thử {code}", str(code))
        units += [
            factories.UnitFactory(name=f"Xã {code}-{c}", parent=province)
            for c in range(per_province)
        ]
    points = [
        factories.BridgePointFactory(name=f"Điểm cầu {unit.name}", unit=unit) for unit in units
    ]
    session = ministry_training(
        network, organiser, selection=PointSelection(add=tuple(p.pk for p in points))
    ).session
    for participation in SessionPoint.objects.filter(session=session).select_related("point"):
        agency = factories.AgencyFactory(unit=participation.point.unit)
        people = [factories.PersonFactory(agency=agency) for _ in range(2)]
        add_to_roster(
            actor=organiser, participation=participation, person_ids=[p.pk for p in people]
        )
        attend(participation.roster.first(), session.starts_at + timedelta(minutes=len(people)))
    return session


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_page_and_the_api_take_the_same_number_of_queries_for_9_or_60_points(
    client, network, ministry_organiser, django_assert_max_num_queries, settings
):
    # given a nine-point session and a sixty-point one, with rosters and arrivals, and the
    # dashboard computed on every call (tests/attendance/test_dashboard_shared.py shares it)
    settings.DASHBOARD_SHARED_SECONDS = 0
    small = session_with_points(
        network, ministry_organiser, provinces=3, per_province=3, first_code=40
    )
    large = session_with_points(
        network, ministry_organiser, provinces=6, per_province=10, first_code=50
    )
    assert SessionPoint.objects.filter(session=large).count() == 60
    client.force_login(ministry_organiser)
    client.get(page_url(small))  # warm the per-process caches (content types, sessions)

    # when the dashboard page and its JSON are asked for each
    page_small, page_large = (
        queries_for(client, page_url(small)),
        queries_for(client, page_url(large)),
    )
    api_small, api_large = queries_for(client, api_url(small)), queries_for(client, api_url(large))

    # then the number of queries does not grow with the points
    assert page_small == page_large
    assert api_small == api_large
    with django_assert_max_num_queries(14):
        client.get(page_url(large))
    data = client.get(api_url(large)).json()
    assert data["totals"] | {"last_scan": None, "states": None} == {
        "points": 60,
        "invited": 120,
        "checked_in": 60,
        "on_time": 60,
        "late": 0,
        "percent": 50,
        "silent": 0,
        "last_scan": None,
        "states": None,
    }
    assert len(data["groups"]) == 6


def test_the_page_shows_the_groups_filters_and_chart(client, network, ministry_organiser, national):
    # when the Ministry opens its national session's dashboard
    client.force_login(ministry_organiser)
    html = client.get(page_url(national)).content.decode()

    # then each group, the filters and the chart's canvas are there, with the first data
    for name in ("Cấp trung ương", "Thành phố Hà Nội", "Tỉnh Bến Tre", "Tỉnh Vĩnh Phúc"):
        assert name in html
    assert 'id="filter-query"' in html and 'id="filter-state"' in html
    assert 'id="timeline-chart"' in html
    assert 'id="dashboard-data"' in html
    assert AdministrativeUnit.objects.filter(level="nation").count() == 1


def test_during_the_session_the_timeline_runs_to_now(rush):
    # given one arrival ten minutes before the start
    starts = rush.session.starts_at
    attend(rush.entries[0], starts - timedelta(minutes=10))
    now = starts + timedelta(minutes=12)

    # when the organiser looks twelve minutes into the session
    timeline = board(rush.organiser, rush.session, now=now).timeline

    # then the chart reaches the current five minutes, the later ones empty
    local_now = timezone.localtime(now)
    assert timeline[-1].starts_at <= local_now < timeline[-1].starts_at + timedelta(minutes=5)
    assert sum(bucket.count for bucket in timeline) == 1
    assert timeline[0].count == 1
    assert {bucket.cumulative for bucket in timeline} == {1}


def test_the_api_answer_is_compressed_for_browsers_that_accept_it(client, rush):
    client.force_login(rush.organiser)

    answer = client.get(api_url(rush.session), HTTP_ACCEPT_ENCODING="gzip, deflate")

    assert answer.status_code == 200
    assert answer["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(answer.content))["session_id"] == rush.session.pk
