"""The two 2021 seed sessions rebuilt through the JSON API, as a client app would."""

import pytest

from events.models import Session
from tests import factories

pytestmark = pytest.mark.django_db


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def create_programme(client, unit, **overrides):
    data = {
        "title": "Tập huấn CCHC năm 2021",
        "code": "CCHC-2021",
        "year": 2021,
        "unit_id": unit.pk,
        "issuing_body": "Bộ Nội vụ",
        "reform_areas": [1, 2, 3, 4, 5, 6],
        **overrides,
    }
    response = post(client, "/api/training/programmes", data)
    assert response.status_code == 201, response.content
    return response.json()


def test_ministry_training_of_23_11_2021_through_the_api(client, network, ministry_organiser):
    # given the Ministry's programme, created through the API
    client.force_login(ministry_organiser)
    programme = create_programme(client, factories.nation())

    # when the session to every province's point is scheduled
    response = post(
        client,
        "/api/events/sessions",
        {
            "programme_id": programme["id"],
            "title": "Hội nghị tập huấn trực tuyến cải cách hành chính năm 2021",
            "starts_at": "2021-11-23T08:00:00+07:00",
            "ends_at": "2021-11-23T11:30:00+07:00",
            "host_point_id": network.host.pk,
            "meeting_url": "https://hop.moha.example.vn/cchc-2021",
            "agenda": [
                {
                    "starts_at": "2021-11-23T08:00:00+07:00",
                    "title": "Giới thiệu Nghị quyết 76/NQ-CP",
                    "speaker": "Lãnh đạo Vụ Cải cách hành chính",
                }
            ],
            "points": {"rules": [{"level": "province"}]},
            "record_past": True,
        },
    )

    # then it reaches the Bến Tre point, and reads back the same
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["session"]["point_count"] == 3
    assert body["conflicts"] == []
    session = Session.objects.get(pk=body["session"]["id"])
    assert network.ben_tre_point in session.points.all()
    detail = client.get(f"/api/events/sessions/{session.pk}").json()
    assert detail["agenda"][0]["speaker"] == "Lãnh đạo Vụ Cải cách hành chính"
    assert detail["starts_at"].startswith("2021-11-23T01:00:00")
    assert len(programme["reform_areas"]) == 6


def test_vinh_phuc_session_of_03_11_2021_through_the_api(client, network, vinh_phuc_organiser):
    client.force_login(vinh_phuc_organiser)
    programme = create_programme(
        client,
        network.vinh_phuc,
        title="Triển khai CCHC tỉnh Vĩnh Phúc 2021-2025",
        code="VP-CCHC-2021",
        issuing_body="Sở Nội vụ tỉnh Vĩnh Phúc",
    )

    response = post(
        client,
        "/api/events/sessions",
        {
            "programme_id": programme["id"],
            "title": "Hội nghị trực tuyến triển khai các văn bản về CCHC giai đoạn 2021-2025",
            "starts_at": "2021-11-03T08:00:00+07:00",
            "ends_at": "2021-11-03T11:00:00+07:00",
            "host_point_id": network.vinh_phuc_point.pk,
            "points": {"rules": [{"unit_id": network.vinh_phuc.pk, "level": "district"}]},
            "record_past": True,
        },
    )

    assert response.status_code == 201, response.content
    assert response.json()["session"]["point_count"] == 9
    listed = client.get("/api/events/sessions").json()
    assert [item["title"] for item in listed["items"]] == [
        "Hội nghị trực tuyến triển khai các văn bản về CCHC giai đoạn 2021-2025"
    ]


def test_bad_input_answers_400_with_messages_on_the_fields(client, network, ministry_organiser):
    client.force_login(ministry_organiser)
    programme = create_programme(client, factories.nation())

    response = post(
        client,
        "/api/events/sessions",
        {
            "programme_id": programme["id"],
            "title": "Sai giờ",
            "starts_at": "2021-11-23T11:00:00+07:00",
            "ends_at": "2021-11-23T08:00:00+07:00",
            "host_point_id": network.host.pk,
            "meeting_url": "ftp://hop.example.vn",
            "points": {"rules": [{"level": "province"}]},
        },
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"starts_at", "ends_at", "meeting_url"} <= errors.keys()
    assert not Session.objects.exists()


def test_a_point_outside_the_scope_is_refused_through_the_api(client, network, vinh_phuc_organiser):
    client.force_login(vinh_phuc_organiser)
    programme = create_programme(client, network.vinh_phuc, code="VP-1")

    response = post(
        client,
        "/api/events/sessions",
        {
            "programme_id": programme["id"],
            "title": "Ngoài phạm vi",
            "starts_at": "2021-11-03T08:00:00+07:00",
            "ends_at": "2021-11-03T11:00:00+07:00",
            "host_point_id": network.vinh_phuc_point.pk,
            "points": {"add": [network.ben_tre_point.pk]},
            "record_past": True,
        },
    )

    assert response.status_code == 400
    assert "Điểm cầu tỉnh Bến Tre" in response.json()["errors"]["points"][0]


def test_a_programme_outside_the_scope_is_404(client, network, vinh_phuc_organiser):
    national = factories.ProgrammeFactory()
    client.force_login(vinh_phuc_organiser)

    assert client.get(f"/api/training/programmes/{national.pk}").status_code == 404


def test_reschedule_and_cancel_through_the_api(client, network, vinh_phuc_organiser):
    client.force_login(vinh_phuc_organiser)
    programme = create_programme(client, network.vinh_phuc, code="VP-2")
    created = post(
        client,
        "/api/events/sessions",
        {
            "programme_id": programme["id"],
            "title": "Hội nghị",
            "starts_at": "2021-11-03T08:00:00+07:00",
            "ends_at": "2021-11-03T11:00:00+07:00",
            "host_point_id": network.vinh_phuc_point.pk,
            "points": {"rules": [{"unit_id": network.vinh_phuc.pk, "level": "district"}]},
            "record_past": True,
        },
    ).json()["session"]

    moved = post(
        client,
        f"/api/events/sessions/{created['id']}/reschedule",
        {
            "starts_at": "2021-11-04T08:00:00+07:00",
            "ends_at": "2021-11-04T11:00:00+07:00",
            "record_past": True,
        },
    )
    cancelled = post(client, f"/api/events/sessions/{created['id']}/cancel", {"reason": "Hoãn"})

    assert moved.json()["session"]["sequence"] == 1
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["sequence"] == 2


def test_a_coordinator_cannot_schedule_through_the_api(client, network, ministry_organiser):
    coordinator = factories.coordinator(network.districts[0])
    network.district_points[0].coordinators.add(coordinator)
    client.force_login(coordinator)

    response = post(
        client,
        "/api/events/sessions",
        {
            "programme_id": factories.ProgrammeFactory().pk,
            "title": "x",
            "starts_at": "2030-01-01T08:00:00+07:00",
            "ends_at": "2030-01-01T09:00:00+07:00",
            "host_point_id": network.district_points[0].pk,
            "points": {"add": [network.district_points[0].pk]},
        },
    )

    assert response.status_code == 404


def test_a_monthly_series_and_an_invitation_through_the_api(client, network, vinh_phuc_organiser):
    client.force_login(vinh_phuc_organiser)
    programme = create_programme(client, network.vinh_phuc, code="VP-3")

    series = post(
        client,
        "/api/events/series",
        {
            "programme_id": programme["id"],
            "title": "Giao ban CCHC đầu tháng",
            "rule": "FREQ=MONTHLY;BYDAY=1MO;COUNT=3",
            "first_start": "2021-08-02T07:30:00+07:00",
            "duration_minutes": 90,
            "host_point_id": network.vinh_phuc_point.pk,
            "points": {"add": [network.district_points[-1].pk]},
            "record_past": True,
        },
    )
    bad_rule = post(
        client,
        "/api/events/series",
        {
            "programme_id": programme["id"],
            "title": "x",
            "rule": "FREQ=MINUTELY",
            "first_start": "2021-08-02T07:30:00+07:00",
            "duration_minutes": 90,
            "host_point_id": network.vinh_phuc_point.pk,
            "points": {"add": [network.district_points[-1].pk]},
            "record_past": True,
        },
    )
    first = series.json()["sessions"][0]
    agency = factories.AgencyFactory(name="Phòng Nội vụ huyện Sông Lô", unit=network.districts[-1])
    invited = post(
        client,
        f"/api/events/sessions/{first['id']}/invitations",
        {"point_id": network.district_points[-1].pk, "agency_id": agency.pk, "quota": 15},
    )

    assert series.status_code == 201
    assert [s["starts_at"][:10] for s in series.json()["sessions"]] == [
        "2021-08-02",
        "2021-09-06",
        "2021-10-04",
    ]
    assert bad_rule.status_code == 400 and "rule" in bad_rule.json()["errors"]
    assert invited.status_code == 201 and invited.json()["quota"] == 15
