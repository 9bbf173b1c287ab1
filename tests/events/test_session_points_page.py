"""The session page at national scale: provinces with their counts, one province's points
a page at a time, and pickers instead of lists of every point; its size and queries do
not grow with the number of points."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from directory.models import AdministrativeUnit
from events.models import BridgePoint
from events.services import PointSelection, UnitRule, schedule_session
from tests import factories

pytestmark = pytest.mark.django_db


def national_session(organiser, provinces: int, per_province: int, first: int = 0):
    """A session at every commune point of `provinces` provinces (numbered from `first`)."""
    host = factories.BridgePointFactory(
        name="Điểm cầu chính Bộ Nội vụ",
        unit=factories.province(f"Thành phố Hà Nội {first}", f"H{first}"),
    )
    points = []
    for number in range(first, first + provinces):
        province = factories.province(f"Tỉnh Thử Nghiệm {number:02d}", f"{100 + number}")
        for index in range(per_province):
            commune = factories.UnitFactory(
                level=AdministrativeUnit.Level.COMMUNE,
                code=f"{100 + number}{index:03d}",
                name=f"Xã Số {index} {number:02d}",
                parent=province,
            )
            points.append(BridgePoint(name=f"Điểm cầu xã Số {index}", unit=commune))
    BridgePoint.objects.bulk_create(points)
    start = timezone.now() + timedelta(days=10)
    return schedule_session(
        actor=organiser,
        programme=factories.ProgrammeFactory(created_by=organiser),
        title="Hội nghị toàn quốc",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        host_point=host,
        meeting_url="https://hop.moha.example.vn/toan-quoc",
        selection=PointSelection(rules=(UnitRule(level="commune"),)),
    ).session


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def test_the_page_of_300_points_in_30_provinces_is_small_and_costs_fixed_queries(client, db):
    organiser = factories.organiser(None, username="bo-noi-vu")
    small = national_session(organiser, provinces=3, per_province=2)
    client.force_login(organiser)
    client.get(reverse("events:session_detail", args=[small.pk]))  # warm the caches
    small_queries, _ = queries_for(client, reverse("events:session_detail", args=[small.pk]))

    large = national_session(organiser, provinces=30, per_province=10, first=10)
    url = reverse("events:session_detail", args=[large.pk])
    large_queries, response = queries_for(client, url)

    assert large_queries == small_queries
    # "every commune" takes in the small session's six too: 306 points in 33 provinces
    assert len(response.context["provinces"]) == 33
    html = response.content.decode()
    assert len(response.content) < 150_000
    # every province with its count, and no point listed until one is chosen
    assert html.count("?province=") == 33
    assert response.context["point_count"] == 306
    assert "data-participation-row" not in html
    # no <select> longer than a few options: units and points come by pickers
    for select in re.findall(r"<select.*?</select>", html, flags=re.S):
        assert select.count("<option") <= 10, select[:200]


def test_a_province_shows_its_points_a_page_at_a_time(client, db):
    organiser = factories.organiser(None, username="bo-noi-vu")
    session = national_session(organiser, provinces=2, per_province=60)
    province = AdministrativeUnit.objects.get(name="Tỉnh Thử Nghiệm 01")
    client.force_login(organiser)
    url = reverse("events:session_detail", args=[session.pk])
    client.get(url)  # warm the caches

    first_queries, first = queries_for(client, f"{url}?province={province.pk}")
    second_queries, second = queries_for(client, f"{url}?province={province.pk}&page=2")

    assert first.content.decode().count("data-participation-row") == 50
    assert second.content.decode().count("data-participation-row") == 10
    assert first_queries == second_queries
    assert all(p.point.unit.parent_id == province.pk for p in first.context["points_page"])
    assert len(first.content) < 150_000


def test_a_province_outside_the_session_shows_no_points(client, db):
    organiser = factories.organiser(None, username="bo-noi-vu")
    session = national_session(organiser, provinces=1, per_province=3)
    other = factories.province("Tỉnh Không Tham Gia", "99")
    client.force_login(organiser)

    response = client.get(
        reverse("events:session_detail", args=[session.pk]), {"province": other.pk}
    )

    assert response.status_code == 200
    assert response.context["points_page"] is None
    assert (
        client.get(
            reverse("events:session_detail", args=[session.pk]), {"province": "x" * 30}
        ).status_code
        == 200
    )


def test_an_attendee_sees_no_point_list(client, upcoming):
    from events.services import session_version  # noqa: F401  (the page needs no staff data)

    user = factories.UserFactory(username="dai-bieu-manh")
    upcoming.manh.user = user
    upcoming.manh.save()
    client.force_login(user)

    response = client.get(reverse("events:session_detail", args=[upcoming.session.pk]))

    assert response.status_code == 200
    assert "provinces" not in response.context
    assert "Điểm cầu Huyện Sông Lô" in response.content.decode()


@pytest.mark.parametrize("name", ["events:session_create", "events:series_create"])
def test_the_scheduling_forms_choose_units_and_points_by_pickers(client, db, name):
    organiser = factories.organiser(None, username="bo-noi-vu")
    national_session(organiser, provinces=30, per_province=10)
    client.force_login(organiser)

    response = client.get(reverse(name))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("data-picker-source") >= 4  # within, host, add, leave out
    for select in re.findall(r"<select.*?</select>", html, flags=re.S):
        assert select.count("<option") <= 10, select[:200]
