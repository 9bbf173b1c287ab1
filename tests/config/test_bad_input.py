"""Bad input never reaches the database or a library unchecked: NUL characters, numbers past
the database's bigint, UTC offsets no clock uses, oversized durations and bodies that are not
JSON are refused with the API's one error shape and a Vietnamese message, and pages show
themselves with a message instead of failing."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from attendance.models import Attendance, ScanAttempt
from directory.models import Person
from events.models import RosterEntry, RosterImport, Session, SessionSeries
from tests import checkins
from tests.checkins import post_scan, ticket

pytestmark = pytest.mark.django_db

# The fixtures of check-in, as each app built on it has them in its conftest.
rush, _fresh_rate_limits = checkins.rush, checkins._fresh_rate_limits

HUGE = 10**20
BIGINT_MAX = 2**63 - 1
API_LISTS = [
    "/api/events/points",
    "/api/events/sessions",
    "/api/directory/units",
    "/api/directory/agencies",
    "/api/directory/people",
    "/api/training/programmes",
]


def refused(response, status: int, field: str | None = None) -> dict:
    """The API's one error shape: a code, a Vietnamese message, and the fields at fault."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) >= {"code", "message", "detail", "errors"}
    assert body["message"] == body["detail"]
    if field is not None:
        assert field in body["errors"], body
        assert all(body["errors"][field])
    return body


def page_client(client, user) -> Client:
    client.force_login(user)
    client.raise_request_exception = False
    return client


# --- The API ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", API_LISTS)
def test_a_page_number_past_the_bigint_is_refused_by_every_api_list(client, rush, url):
    client = page_client(client, rush.organiser)

    body = refused(client.get(url, {"page": HUGE}), 422, "page")

    assert body["code"] == "invalid"
    assert body["errors"]["page"] == [f"Nhập một số không lớn hơn {BIGINT_MAX}."]


@pytest.mark.parametrize("url", API_LISTS)
def test_the_last_page_number_a_bigint_holds_is_an_empty_page(client, rush, url):
    client = page_client(client, rush.organiser)

    response = client.get(url, {"page": BIGINT_MAX})

    assert response.status_code == 200, response.content
    assert response.json()["items"] == []


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/events/points", "unit"),
        ("/api/events/sessions", "programme"),
        ("/api/directory/units", "parent"),
        ("/api/directory/agencies", "unit"),
        ("/api/directory/people", "unit"),
        ("/api/directory/people", "agency"),
        ("/api/reports/history", "person"),
    ],
)
def test_an_id_past_the_bigint_in_a_filter_is_refused(client, rush, url, name):
    client = page_client(client, rush.organiser)

    refused(client.get(url, {name: HUGE}), 422, name)


def test_a_survey_filter_past_the_bigint_is_refused(client, rush):
    client = page_client(client, rush.organiser)
    url = f"/api/surveys/sessions/{rush.session.pk}/results"

    refused(client.get(url, {"province": HUGE, "point": HUGE}), 422, "point")


@pytest.mark.parametrize("url", ["/api/events/points", "/api/directory/people"])
def test_a_nul_character_in_a_search_is_refused(client, rush, url):
    client = page_client(client, rush.organiser)

    body = refused(client.get(url, {"q": "Sông\x00Lô"}), 422, "q")

    assert body["errors"]["q"] == ["Chuỗi này chứa ký tự NUL (\\0), không lưu hay tìm được."]


def test_a_nul_character_in_a_scan_is_refused_and_nothing_is_recorded(client, rush):
    client = page_client(client, rush.coordinator)
    entry = rush.entries[0]

    in_payload = post_scan(client, rush.song_lo, ticket(entry) + "\x00")
    in_device = post_scan(client, rush.song_lo, ticket(entry), device_id="may\x00quet")

    refused(in_payload, 422, "payload")
    refused(in_device, 422, "device_id")
    assert not ScanAttempt.objects.exists()
    assert not Attendance.objects.filter(entry=entry).exists()


@pytest.mark.parametrize("offset", ["+23:00", "-16:00", "+1600"])
def test_a_scan_time_with_an_offset_no_clock_uses_is_refused(client, rush, offset):
    client = page_client(client, rush.coordinator)

    response = post_scan(
        client,
        rush.song_lo,
        ticket(rush.entries[0]),
        scanned_at=f"2026-12-11T08:00:00{offset}",
        queued=True,
    )

    body = refused(response, 422, "scanned_at")
    assert "15:59" in body["errors"]["scanned_at"][0]
    assert not ScanAttempt.objects.exists()


def test_the_widest_offsets_in_use_are_still_accepted(client, rush):
    client = page_client(client, rush.coordinator)

    response = post_scan(
        client,
        rush.song_lo,
        ticket(rush.entries[0]),
        scanned_at="2026-12-11T08:00:00+14:00",
        queued=True,
    )

    assert response.status_code == 200, response.content


def test_a_session_filter_with_an_impossible_offset_is_refused(client, rush):
    client = page_client(client, rush.organiser)

    response = client.get("/api/events/sessions", {"starts_after": "2026-12-11T08:00:00+23:00"})

    refused(response, 422, "starts_after")


def series(rush, **overrides) -> dict:
    return {
        "programme_id": rush.session.programme_id,
        "title": "Giao ban CCHC hằng tháng",
        "rule": "FREQ=MONTHLY;COUNT=3",
        "first_start": "2030-01-07T07:30:00+07:00",
        "duration_minutes": 90,
        "host_point_id": rush.song_lo.point_id,
        "points": {"add": [rush.song_lo.point_id]},
        **overrides,
    }


def test_a_series_lasting_a_trillion_minutes_is_refused_and_nothing_is_scheduled(client, rush):
    client = page_client(client, rush.organiser)
    before = Session.objects.count()

    response = client.post(
        "/api/events/series", series(rush, duration_minutes=10**12), content_type="application/json"
    )

    body = refused(response, 422, "duration_minutes")
    assert body["errors"]["duration_minutes"] == ["Nhập một số không lớn hơn 1440."]
    assert not SessionSeries.objects.exists()
    assert Session.objects.count() == before


def test_a_session_starting_at_an_impossible_offset_is_refused(client, rush):
    client = page_client(client, rush.organiser)

    response = client.post(
        "/api/events/series",
        series(rush, first_start="2030-01-07T07:30:00+23:00"),
        content_type="application/json",
    )

    refused(response, 422, "first_start")
    assert not SessionSeries.objects.exists()


def test_a_number_past_the_bigint_in_a_body_is_refused(client, rush):
    client = page_client(client, rush.coordinator)

    response = post_scan(client, rush.song_lo, "", entry_id=HUGE)

    body = refused(response, 422, "entry_id")
    assert body["errors"]["entry_id"] == ["Số này quá lớn."]


@pytest.fixture
def guarded(rush) -> Client:
    """A coordinator's client that sends the CSRF token the way the scanner page does."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(rush.coordinator)
    client.get(reverse("login"))
    client.token = client.cookies["csrftoken"].value
    return client


def post_raw(client: Client, body: bytes, content_type: str):
    return client.generic(
        "POST",
        "/api/attendance/scans",
        body,
        content_type=content_type,
        headers={"X-CSRFToken": client.token},
    )


def test_a_multipart_body_without_a_boundary_is_a_400_in_the_api_shape(guarded):
    body = refused(post_raw(guarded, b"scan_id=1", "multipart/form-data"), 400)

    assert body["code"] == "bad_request"
    assert body["message"] == "Nội dung yêu cầu phải là JSON (Content-Type: application/json)."


def test_a_multipart_body_with_a_boundary_is_a_400_in_the_api_shape(guarded):
    form = b'--xyz\r\nContent-Disposition: form-data; name="scan_id"\r\n\r\n1\r\n--xyz--\r\n'

    body = refused(post_raw(guarded, form, "multipart/form-data; boundary=xyz"), 400)

    assert body["code"] == "bad_request"


def test_a_body_that_is_not_json_is_a_400_in_the_api_shape(guarded):
    body = refused(post_raw(guarded, b'{"scan_id": ', "application/json"), 400)

    assert body["message"] == "Nội dung yêu cầu không phải JSON hợp lệ."


def test_each_kind_of_refusal_answers_in_the_same_shape_in_vietnamese(client, rush, guarded):
    # not signed in
    anonymous = refused(Client().get("/api/events/points"), 401)
    # without the CSRF token
    no_token = refused(guarded.post("/api/attendance/scans", {}, "application/json"), 403)
    # out of scope, or not there
    client = page_client(client, rush.coordinator)
    missing = refused(client.get("/api/events/sessions/999999"), 404)
    # a service's refusal of a field
    client.force_login(rush.organiser)
    rule = refused(
        client.post(
            "/api/events/series", series(rush, rule="MỖI THÁNG"), content_type="application/json"
        ),
        400,
    )

    assert (anonymous["code"], anonymous["message"]) == ("not_signed_in", "Hãy đăng nhập trước.")
    assert no_token["code"] == "csrf_failed"
    assert missing["code"] == "not_found"
    assert (rule["code"], list(rule["errors"])) == ("invalid", ["rule"])


# --- Pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["q", "find"])
def test_the_roster_page_shows_itself_when_a_search_holds_a_nul(client, rush, name):
    client = page_client(client, rush.coordinator)

    response = client.get(reverse("attendance:roster", args=[rush.song_lo.pk]), {name: "Mạnh\x00"})

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Ô tìm kiếm có ký tự không hợp lệ nên đã được bỏ qua."
    ]
    assert len(response.context["page"]) == len(rush.entries)


@pytest.mark.parametrize(
    "url", ["certificates:programme_list", "certificates:programme_certificates"]
)
def test_the_certificate_pages_show_themselves_when_a_search_holds_a_nul(client, rush, url):
    client = page_client(client, rush.organiser)
    args = [rush.session.programme_id] if url.endswith("certificates") else []

    response = client.get(reverse(url, args=args), {"q": "\x00"})

    assert response.status_code == 200


def test_a_point_past_the_bigint_on_the_certificate_and_notice_pages_is_ignored(client, rush):
    client = page_client(client, rush.organiser)

    certificates = client.get(
        reverse("certificates:programme_certificates", args=[rush.session.programme_id]),
        {"point": HUGE},
    )
    notices = client.get(reverse("events:session_notices", args=[rush.session.pk]), {"point": HUGE})

    assert (certificates.status_code, notices.status_code) == (200, 200)


@pytest.mark.parametrize("page", [str(HUGE), "-1", "1e400", "\u0661", "9" * 5000])
def test_a_list_page_with_any_page_number_shows_a_page_of_it(client, rush, page):
    client = page_client(client, rush.organiser)

    for url in ("events:session_list", "directory:person_list", "certificates:programme_list"):
        response = client.get(reverse(url), {"page": page})
        assert response.status_code == 200, (url, page)


# --- Imports ---------------------------------------------------------------------------------


def roster_file(*rows: str) -> bytes:
    return ("\n".join(("Họ và tên,Chức vụ,Cơ quan,Email,Điện thoại", *rows)) + "\n").encode()


def test_a_nul_in_a_roster_file_is_refused_at_its_row_and_column(client, rush):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = page_client(client, rush.coordinator)
    before = (RosterEntry.objects.count(), Person.objects.count())
    content = roster_file("Hoàng Văn Hải,Chuyên viên,UBND xã Đồng\x00Thịnh,,0912000001")

    response = client.post(
        reverse("attendance:roster_import", args=[rush.song_lo.pk]),
        {"file": SimpleUploadedFile("danh-sach.csv", content)},
    )

    assert response.status_code == 400
    [error] = response.context["errors"]
    assert (error.row, error.column) == (2, "Cơ quan")
    assert "NUL" in error.reason
    assert (RosterEntry.objects.count(), Person.objects.count()) == before
    assert not RosterImport.objects.exists()


def test_a_nul_in_a_people_file_is_refused_and_nobody_is_added(rush):
    from directory import services
    from directory.spreadsheets import TableRejected

    before = Person.objects.count()
    content = (
        "Họ và tên,Chức vụ,Cơ quan,Mã đơn vị hành chính,Email,Điện thoại\n"
        "Lê Thị\x00Lan,Chuyên viên,Sở Nội vụ,26,lan@vinhphuc.example.vn,0912000002\n"
    ).encode()

    with pytest.raises(TableRejected) as rejected:
        services.import_people(actor=rush.organiser, file_name="nguoi.csv", content=content)

    assert [(e.row, e.column) for e in rejected.value.errors] == [(2, "Họ và tên")]
    assert Person.objects.count() == before


def test_a_scan_id_sent_again_with_a_nul_changes_nothing(client, rush):
    client = page_client(client, rush.coordinator)
    scan_id = uuid.uuid4()
    first = post_scan(client, rush.song_lo, ticket(rush.entries[0]), scan_id=scan_id)

    again = post_scan(client, rush.song_lo, ticket(rush.entries[0]) + "\x00", scan_id=scan_id)

    assert first.status_code == 200
    refused(again, 422, "payload")
    assert ScanAttempt.objects.count() == 1
