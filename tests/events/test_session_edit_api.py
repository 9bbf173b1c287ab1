"""Session edits through the JSON API: the same guards as the pages, a stale version
answering 409 in the API's error shape, scope answering 404."""

import pytest

from events.models import RosterEntry, Session, SessionChange, SessionPoint
from events.services import cancel_session
from tests import factories

pytestmark = pytest.mark.django_db


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def read(client, session):
    response = client.get(f"/api/events/sessions/{session.pk}")
    assert response.status_code == 200, response.content
    return response.json()


def test_an_edit_through_the_api_raises_the_sequence(client, upcoming):
    client.force_login(upcoming.organiser)
    before = read(client, upcoming.session)

    response = post(
        client,
        f"/api/events/sessions/{upcoming.session.pk}/edit",
        {
            "version": before["version"],
            "meeting_url": "https://hop.example.vn/api",
            "agenda": [
                {
                    "starts_at": before["starts_at"],
                    "title": "Khai mạc",
                    "speaker": "Giám đốc Sở Nội vụ",
                }
            ],
        },
    )

    assert response.status_code == 200, response.content
    body = response.json()["session"]
    assert body["meeting_url"] == "https://hop.example.vn/api"
    assert body["sequence"] == before["sequence"] + 1
    assert body["agenda"][0]["speaker"] == "Giám đốc Sở Nội vụ"
    assert body["version"] != before["version"]


def test_a_stale_version_answers_409_and_changes_nothing(client, upcoming):
    client.force_login(upcoming.organiser)
    opened = read(client, upcoming.session)["version"]
    url = f"/api/events/sessions/{upcoming.session.pk}/edit"
    assert post(client, url, {"version": opened, "title": "Lần một"}).status_code == 200

    response = post(client, url, {"version": opened, "title": "Lần hai"})

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "stale"
    assert "đã được thay đổi kể từ khi bạn mở trang này" in body["message"]
    assert Session.objects.get(pk=upcoming.session.pk).title == "Lần một"


def test_a_cancelled_session_is_refused_in_vietnamese(client, upcoming):
    cancel_session(actor=upcoming.organiser, session=upcoming.session, reason="Hoãn")
    client.force_login(upcoming.organiser)
    version = read(client, upcoming.session)["version"]

    response = post(
        client,
        f"/api/events/sessions/{upcoming.session.pk}/edit",
        {"version": version, "title": "Sau khi hủy"},
    )

    assert response.status_code == 400
    assert "đã bị hủy" in response.json()["message"]


def test_a_session_outside_scope_answers_404_naming_nothing(client, upcoming, network):
    client.force_login(factories.organiser(network.ben_tre, username="so-noi-vu-ben-tre"))

    response = post(
        client,
        f"/api/events/sessions/{upcoming.session.pk}/edit",
        {"version": "x", "title": "Không được"},
    )

    assert response.status_code == 404
    assert upcoming.session.title not in response.content.decode()


def test_a_host_point_outside_scope_answers_404(client, upcoming, network):
    client.force_login(upcoming.organiser)
    version = read(client, upcoming.session)["version"]

    response = post(
        client,
        f"/api/events/sessions/{upcoming.session.pk}/edit",
        {"version": version, "host_point_id": network.ben_tre_point.pk},
    )

    assert response.status_code == 404
    assert Session.objects.get(pk=upcoming.session.pk).host_point_id != network.ben_tre_point.pk


def test_a_point_with_people_is_taken_away_through_the_api(client, upcoming):
    client.force_login(upcoming.organiser)

    response = client.delete(
        f"/api/events/sessions/{upcoming.session.pk}/points/{upcoming.song_lo.point_id}"
    )

    assert response.status_code == 200, response.content
    assert response.json()["session"]["point_count"] == 1
    assert SessionPoint.every.get(pk=upcoming.song_lo.pk).removed_at is not None
    assert RosterEntry.objects.filter(participation=upcoming.song_lo).count() == 3
    again = client.delete(
        f"/api/events/sessions/{upcoming.session.pk}/points/{upcoming.song_lo.point_id}"
    )
    assert again.status_code == 404


def test_a_chair_is_named_through_the_api(client, upcoming):
    client.force_login(upcoming.organiser)
    chair = factories.PersonFactory(full_name="Lê Văn Chủ Trì", agency=upcoming.manh.agency)

    response = post(
        client,
        f"/api/events/sessions/{upcoming.session.pk}/points/{upcoming.song_lo.point_id}/chair",
        {"chair_id": chair.pk},
    )

    assert response.status_code == 200, response.content
    assert response.json()["chair_id"] == chair.pk


def test_this_and_following_occurrences_through_the_api(client, network, vinh_phuc_organiser):
    from tests.events.test_series_form import weekly_series

    series = weekly_series(network, vinh_phuc_organiser)
    occurrences = list(series.occurrences.order_by("starts_at"))
    client.force_login(vinh_phuc_organiser)
    second = read(client, occurrences[1])

    response = post(
        client,
        f"/api/events/sessions/{occurrences[1].pk}/occurrences",
        {
            "version": second["version"],
            "which": "following",
            "meeting_url": "https://hop.example.vn/tu-tuan-2",
        },
    )

    assert response.status_code == 200, response.content
    assert len(response.json()) == 3
    links = list(series.occurrences.order_by("starts_at").values_list("meeting_url", flat=True))
    assert links == ["", *["https://hop.example.vn/tu-tuan-2"] * 3]
    stale = post(
        client,
        f"/api/events/sessions/{occurrences[1].pk}/occurrences",
        {"version": second["version"], "which": "this", "title": "Cũ"},
    )
    assert stale.status_code == 409
    assert SessionChange.objects.filter(kind=SessionChange.Kind.EDITED).count() == 3


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "T" * 256}, "title"),
        ({"meeting_url": "https://hop.example.vn/" + "a" * 500}, "meeting_url"),
        ({"agenda": [{"starts_at": "2030-01-01T08:00:00", "title": "Khai mạc"}]}, "agenda"),
        ({"agenda": [{"starts_at": "2030-01-01T08:00:00+07:00", "title": "K" * 301}]}, "agenda"),
        (
            {"starts_at": "2030-01-01T08:00:00+07:00", "ends_at": "2030-01-01T07:00:00+07:00"},
            "ends_at",
        ),
    ],
)
def test_bad_values_are_refused_by_field_and_change_nothing(client, upcoming, changes, field):
    client.force_login(upcoming.organiser)
    version = read(client, upcoming.session)["version"]

    response = post(
        client, f"/api/events/sessions/{upcoming.session.pk}/edit", {"version": version, **changes}
    )

    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert read(client, upcoming.session)["version"] == version
