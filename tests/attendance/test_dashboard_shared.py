"""The session dashboard is computed once per interval and shared by every organiser
watching: each gets their scope's slice of the one computation, and the next interval (or a
change to the session) computes it again."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attendance.models import Attendance
from attendance.selectors import dashboard
from events.models import RosterEntry, SessionPoint
from events.services import PointSelection, add_to_roster
from tests import factories
from tests.checkins import attend
from tests.events.seeds import ministry_training

ATTENDANCE = Attendance._meta.db_table
ROSTER = RosterEntry._meta.db_table


@pytest.fixture(autouse=True)
def _shared_for_ten_seconds(settings, monkeypatch):
    """A ten-second interval, and a clock of the test's own: interval 1000 until moved."""
    settings.DASHBOARD_SHARED_SECONDS = 10
    settings.DASHBOARD_POLL_SECONDS = 15
    interval = {"now": 1000}
    monkeypatch.setattr(dashboard, "current_interval", lambda seconds: interval["now"])
    cache.clear()
    yield interval
    cache.clear()


@pytest.fixture
def national(network, ministry_organiser):
    """The Ministry's session at Hà Nội's host point, Bến Tre, Vĩnh Phúc and one of its
    districts, with one delegate on each roster; Bến Tre's and the district's arrived."""
    points = (
        network.host,
        network.ben_tre_point,
        network.vinh_phuc_point,
        network.district_points[0],
    )
    session = ministry_training(
        network,
        ministry_organiser,
        selection=PointSelection(add=tuple(point.pk for point in points)),
    ).session
    for participation in SessionPoint.objects.filter(session=session).select_related("point"):
        person = factories.PersonFactory(
            agency=factories.AgencyFactory(unit=participation.point.unit)
        )
        add_to_roster(actor=ministry_organiser, participation=participation, person_ids=[person.pk])
        if participation.point in (network.ben_tre_point, network.district_points[0]):
            attend(participation.roster.get(), session.starts_at)
    return session


def api_url(session) -> str:
    return reverse("api:dashboard", args=[session.pk])


def counting_queries(client, url) -> tuple[dict, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.json(), [
        q["sql"] for q in queries if ATTENDANCE in q["sql"] or ROSTER in q["sql"]
    ]


def test_two_organisers_in_the_same_interval_share_one_computation(
    client, network, ministry_organiser, national
):
    # given the first organiser's poll has computed the dashboard
    client.force_login(ministry_organiser)
    first, counted_first = counting_queries(client, api_url(national))

    # when a second national organiser polls in the same interval
    colleague = factories.organiser(None, username="vu-cchc-2")
    client.force_login(colleague)
    second, counted_second = counting_queries(client, api_url(national))

    # then the rosters and arrivals were counted once, and both got the same figures
    assert len(counted_first) >= 2
    assert counted_second == []
    assert second == first
    assert (second["totals"]["points"], second["totals"]["checked_in"]) == (4, 2)
    assert second["groups"] == first["groups"]


def test_each_organiser_gets_their_scopes_slice_of_the_one_computation(
    client, network, ministry_organiser, vinh_phuc_organiser, national
):
    # given the Ministry's organiser has polled in this interval
    client.force_login(ministry_organiser)
    whole, _counted = counting_queries(client, api_url(national))

    # when Vĩnh Phúc's organiser polls in the same interval
    client.force_login(vinh_phuc_organiser)
    mine, counted = counting_queries(client, api_url(national))

    # then the Ministry sees every point; Vĩnh Phúc only its two, with their own totals
    assert whole["totals"]["points"] == 4
    assert [group["name"] for group in whole["groups"]] == [
        "Thành phố Hà Nội",
        "Tỉnh Vĩnh Phúc",
        "Tỉnh Bến Tre",
    ]
    assert [group["name"] for group in mine["groups"]] == ["Tỉnh Vĩnh Phúc"]
    names = {point["name"] for group in mine["groups"] for point in group["points"]}
    assert names == {network.vinh_phuc_point.name, network.district_points[0].name}
    assert mine["totals"] | {"last_scan": None, "states": None} == {
        "points": 2,
        "invited": 2,
        "checked_in": 1,
        "on_time": 1,
        "late": 0,
        "percent": 50,
        "silent": 0,
        "last_scan": None,
        "states": None,
    }
    assert mine["groups"][0]["totals"]["checked_in"] == 1
    # nothing of Bến Tre's arrival shows: its timeline is of Vĩnh Phúc's points alone, the
    # one count the slice needs of its own (the rosters were not counted again)
    assert sum(bucket["count"] for bucket in mine["timeline"]) == 1
    assert sum(bucket["count"] for bucket in whole["timeline"]) == 2
    assert len(counted) == 1
    assert ATTENDANCE in counted[0] and "COUNT" in counted[0].upper()


def test_organisers_of_one_scope_share_its_timeline_too(
    client, network, vinh_phuc_organiser, national
):
    client.force_login(vinh_phuc_organiser)
    counting_queries(client, api_url(national))
    colleague = factories.organiser(network.vinh_phuc, username="so-noi-vu-vinh-phuc-2")
    client.force_login(colleague)

    data, counted = counting_queries(client, api_url(national))

    assert counted == []
    assert data["totals"]["points"] == 2


def test_after_the_interval_the_dashboard_is_computed_again(
    client, network, ministry_organiser, national, _shared_for_ten_seconds
):
    # given a poll in this interval, and then the Vĩnh Phúc delegate arrives
    client.force_login(ministry_organiser)
    counting_queries(client, api_url(national))
    vinh_phuc = SessionPoint.objects.get(session=national, point=network.vinh_phuc_point)
    attend(vinh_phuc.roster.get(), national.starts_at)

    # when polled again in the same interval, then in the next
    same, counted_same = counting_queries(client, api_url(national))
    _shared_for_ten_seconds["now"] += 1
    next_one, counted_next = counting_queries(client, api_url(national))

    # then the same interval answers what it computed; the next counts again
    assert counted_same == []
    assert same["totals"]["checked_in"] == 2
    assert len(counted_next) >= 2
    assert next_one["totals"]["checked_in"] == 3


def test_a_change_to_the_session_is_not_kept_waiting_for_the_next_interval(
    client, ministry_organiser, national
):
    client.force_login(ministry_organiser)
    counting_queries(client, api_url(national))

    # when the session is edited (its check-in window widened, say)
    national.late_after_minutes += 5
    national.save()
    _data, counted = counting_queries(client, api_url(national))

    # then it is computed again at once
    assert len(counted) >= 2


def test_the_page_and_its_json_share_the_computation(client, ministry_organiser, national):
    client.force_login(ministry_organiser)
    with CaptureQueriesContext(connection) as page:
        assert (
            client.get(reverse("attendance:session_dashboard", args=[national.pk])).status_code
            == 200
        )

    _data, counted = counting_queries(client, api_url(national))

    assert any(ATTENDANCE in q["sql"] for q in page)
    assert counted == []


def test_without_a_cache_that_keeps_anything_each_poll_computes_and_none_waits(
    client, settings, ministry_organiser, national
):
    # given a cache that keeps nothing (as the site's own does while Redis is away)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    client.force_login(ministry_organiser)

    first, counted_first = counting_queries(client, api_url(national))
    second, counted_second = counting_queries(client, api_url(national))

    assert len(counted_first) >= 2 and len(counted_second) >= 2
    assert first["totals"]["checked_in"] == second["totals"]["checked_in"] == 2


def test_a_computation_under_way_elsewhere_is_waited_for_not_repeated(
    ministry_organiser, national, monkeypatch
):
    # given another process holds the lock and stores its result a moment later
    key = "dashboard:test:value"
    cache.add(f"{key}:lock", 1, 30)
    sleeps = []

    def other_process_finishes(seconds):
        sleeps.append(seconds)
        cache.set(key, "computed elsewhere", 20)

    monkeypatch.setattr(dashboard.time, "sleep", other_process_finishes)

    # when this process asks for the same value
    value = dashboard._shared(key, 10, lambda: pytest.fail("computed twice"))

    # then it waited for the other's value instead of computing its own
    assert value == "computed elsewhere"
    assert len(sleeps) == 1


def test_the_answer_is_written_out_once_per_scope_and_interval(
    client, network, ministry_organiser, vinh_phuc_organiser, national, monkeypatch
):
    # given the answers are counted as they are written out
    from attendance.api import dashboard as api

    written = []
    real = api.dashboard_data
    monkeypatch.setattr(api, "dashboard_data", lambda board: written.append(1) or real(board))
    colleague = factories.organiser(None, username="vu-cchc-2")

    # when two national organisers and a provincial one poll in the same interval, twice
    answers = {}
    for user in (ministry_organiser, colleague, vinh_phuc_organiser) * 2:
        client.force_login(user)
        answers.setdefault(user.pk, []).append(client.get(api_url(national)).json())

    # then one answer was written for the nation and one for the province
    assert len(written) == 2
    assert answers[ministry_organiser.pk][0] == answers[colleague.pk][1]
    assert answers[vinh_phuc_organiser.pk][0]["totals"]["points"] == 2
