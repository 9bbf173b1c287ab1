"""The organiser's home: what is coming and what needs them, within their scope only, at a
cost that does not grow with the network."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.home.conftest import build_province

pytestmark = pytest.mark.django_db


def test_a_provincial_organiser_sees_only_their_provinces_items(client, phu_tho, vinh_long):
    # given two provinces, each with sessions, points, excuses, notices and a survey
    client.force_login(phu_tho.organiser)

    # when the organiser of Phú Thọ opens the home page
    response = client.get(reverse("home"))

    # then every block counts Phú Thọ's items and names nothing of Vĩnh Long
    assert response.status_code == 200
    assert response.templates[0].name == "home/organiser_home.html"
    desk = response.context["desk"]
    assert [s.pk for s in desk.upcoming] == [s.pk for s in phu_tho.upcoming]
    assert desk.upcoming_count == 2
    assert {s.pk for s in desk.overdue} == {s.pk for s in phu_tho.overdue}
    assert desk.overdue_count == 2
    # three of the four points have no coordinator
    assert desk.uncovered_count == 3
    assert {p.pk for p in desk.uncovered_points} == {p.pk for p in phu_tho.points[1:]}
    # the request on the closed session cannot be decided any more
    assert desk.excuse_count == 5
    assert desk.failed_count == 3 and desk.failed_session_count == 1
    assert desk.failed_sessions[0].session_id == phu_tho.upcoming[0].pk
    assert [s.session_id for s in desk.surveys] == [phu_tho.overdue[0].pk]
    html = response.content.decode()
    assert "Vĩnh Long" not in html
    assert 'data-count="excuses">5<' in html
    assert reverse("network:point_list") + "?status=active&amp;coordinator=without" in html
    assert reverse("events:session_notices", args=[phu_tho.upcoming[0].pk]) in html


def test_the_upcoming_sessions_show_their_points_and_invited_people(client, phu_tho):
    client.force_login(phu_tho.organiser)

    desk = client.get(reverse("home")).context["desk"]

    first = desk.upcoming[0]
    assert (first.point_count, first.invited_count) == (4, 0)
    # the overdue session's roster holds the five excused people
    assert desk.overdue_count == 2


def test_a_national_organiser_sees_every_province(client, phu_tho, vinh_long):
    national = factories.organiser(None, username="vu-cchc-nha")
    client.force_login(national)

    desk = client.get(reverse("home")).context["desk"]

    assert desk.upcoming_count == 4
    assert desk.overdue_count == 4
    assert desk.uncovered_count == 6
    assert desk.excuse_count == 10
    assert desk.failed_count == 6
    assert desk.survey_count == 2
    assert desk.month_chart["total"] >= 1


def test_the_chart_counts_this_months_sessions_by_status(client, phu_tho):
    client.force_login(phu_tho.organiser)

    chart = client.get(reverse("home")).context["desk"].month_chart

    assert chart["labels"] == ["Sắp diễn ra", "Đã diễn ra, chưa đóng", "Đã đóng", "Đã hủy"]
    assert sum(chart["data"]) == chart["total"]


def test_a_coordinator_keeps_the_staff_home_and_an_attendee_their_own(client, phu_tho):
    # a coordinator: the directory overview, not the organiser's desk
    client.force_login(phu_tho.coordinator)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "desk" not in response.context
    assert "directory/home_staff.html" in [t.name for t in response.templates]
    assert "Yêu cầu xin vắng chờ duyệt" not in response.content.decode()

    # an attendee: their own record
    person = phu_tho.excuses[0].entry.person
    person.user = factories.UserFactory(username="dai-bieu-phu-tho")
    person.save()
    client.force_login(person.user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "desk" not in response.context
    assert response.context["person"] == person


def test_neither_a_coordinator_nor_an_attendee_opens_the_organisers_pages(client, phu_tho):
    attendee = factories.UserFactory(username="nguoi-xem")
    for user in (phu_tho.coordinator, attendee):
        client.force_login(user)
        assert client.get(reverse("home:excuse_queue")).status_code == 403
        assert client.get(reverse("home:sessions_to_close")).status_code == 403
        ids = [phu_tho.excuses[0].pk]
        posted = client.post(reverse("home:excuse_queue"), {"entry": ids, "decision": "approve"})
        assert posted.status_code == 403
    phu_tho.excuses[0].refresh_from_db()
    assert phu_tho.excuses[0].excuse == "requested"


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_sessions_to_close_page_lists_every_one_in_scope_by_pages(client, phu_tho, vinh_long):
    client.force_login(phu_tho.organiser)

    response = client.get(reverse("home:sessions_to_close"))

    assert response.status_code == 200
    assert {s.pk for s in response.context["page"]} == {s.pk for s in phu_tho.overdue}
    assert "Vĩnh Long" not in response.content.decode()


def _drawn(client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return response, len(queries)


def test_the_home_costs_the_same_queries_and_stays_small_whatever_the_scale(
    client, django_assert_max_num_queries
):
    # given a province with 9 of everything and one with 60 (points, sessions to be held,
    # sessions to close, excuses, failed notices)
    small = build_province("Tỉnh Nhỏ", "40", points=9, upcoming=9, overdue=9, excuses=9, failed=9)
    large = build_province(
        "Tỉnh Lớn", "41", points=60, upcoming=60, overdue=60, excuses=60, failed=60
    )
    national = factories.organiser(None, username="vu-cchc-quy-mo")

    # when each organiser's home is drawn
    small_page, small_queries = _drawn(client, small.organiser)
    large_page, large_queries = _drawn(client, large.organiser)
    with django_assert_max_num_queries(small_queries):
        national_page = client.get(reverse("home"))
    national_page, national_queries = _drawn(client, national)

    # then the same number of queries at either scale, under 150 KB, lists capped
    assert small_queries == large_queries == national_queries
    for page in (small_page, large_page, national_page):
        assert len(page.content) < 150_000
        assert len(page.context["desk"].upcoming) <= 10
        assert len(page.context["desk"].overdue) <= 5
    assert large_page.context["desk"].overdue_count == 60
    assert large_page.context["desk"].uncovered_count == 59
    assert national_page.context["desk"].overdue_count == 69
