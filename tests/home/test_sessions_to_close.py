"""The sessions an organiser has to close: held and not closed, hosted in their scope, the
oldest first with the day each will close itself."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Session, SessionPoint
from events.services import mark_held
from tests import factories
from tests.home.conftest import build_province

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _lifecycle_settings(settings):
    settings.SESSION_AUTO_CLOSE_DAYS = 14
    settings.SESSION_CLOSE_WARNING_DAYS = 3


def day(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y")


def test_held_sessions_are_listed_oldest_first_with_the_day_they_close_themselves(
    client, phu_tho, vinh_long
):
    # given Phú Thọ's ended sessions, marked held by the beat
    mark_held()
    client.force_login(phu_tho.organiser)

    # when its organiser opens the list
    response = client.get(reverse("home:sessions_to_close"))

    # then the oldest (the first to close itself) comes first, with its day
    listed = list(response.context["page"])
    assert [s.pk for s in listed] == [
        s.pk for s in sorted(phu_tho.overdue, key=lambda s: s.ends_at)
    ]
    html = response.content.decode()
    oldest = listed[0]
    closes = day(oldest.ends_at + timedelta(days=14))
    assert f"Đã diễn ra ngày {day(oldest.starts_at)} · tự đóng ngày {closes}" in html
    assert reverse("events:close_session", args=[oldest.pk]) in html
    assert "Vĩnh Long" not in html


def test_the_home_counts_held_sessions_and_names_their_closing_day(client, phu_tho, vinh_long):
    mark_held()
    client.force_login(phu_tho.organiser)

    response = client.get(reverse("home"))

    desk = response.context["desk"]
    assert desk.overdue_count == len(phu_tho.overdue)
    assert [s.pk for s in desk.overdue] == [
        s.pk for s in sorted(phu_tho.overdue, key=lambda s: s.ends_at)
    ]
    assert "tự đóng ngày" in response.content.decode()


def test_a_session_hosted_outside_scope_is_not_the_organisers_to_close(client, phu_tho):
    # given the Ministry's session, held, with a point in Phú Thọ the organiser sees
    ministry = factories.organiser(None, username="vu-cchc")
    host = factories.BridgePointFactory(name="Điểm cầu chính Bộ Nội vụ", is_host=True)
    starts = timezone.now() - timedelta(days=3)
    national = Session.objects.create(
        programme=factories.ProgrammeFactory(created_by=ministry),
        title="Hội nghị toàn quốc",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        host_point=host,
        created_by=ministry,
    )
    SessionPoint.objects.create(session=national, point=phu_tho.points[0])
    mark_held()
    client.force_login(phu_tho.organiser)

    listed = client.get(reverse("home:sessions_to_close")).context["page"]

    assert national.pk not in {s.pk for s in listed}
    # while the Ministry's organiser has it to close
    client.force_login(ministry)
    listed = client.get(reverse("home:sessions_to_close")).context["page"]
    assert national.pk in {s.pk for s in listed}


def test_the_list_costs_the_same_for_many_sessions(client, django_assert_max_num_queries):
    province = build_province("Tỉnh Lớn", "41", points=3, upcoming=1, overdue=40, excuses=1)
    mark_held()
    client.force_login(province.organiser)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("home:sessions_to_close"))

    assert len(response.context["page"]) == 25
