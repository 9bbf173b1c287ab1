"""A person's own page, "Dữ liệu cá nhân của tôi": a summary of everything held about them,
the whole of it as JSON and as XLSX, in a number of queries that does not grow with what is
held; never anything about anyone else."""

import io
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from attendance.models import ScanAttempt
from directory.models import PersonalDataExport
from surveys import services as surveys
from tests import factories
from tests.checkins import attendee_of
from tests.surveys.test_surveys import answers_for, make_survey

MY_DATA = reverse("privacy:my_data")


def download(client, file_format: str):
    return client.get(reverse("privacy:my_data_file", args=[file_format]))


@pytest.fixture
def manh(course):
    """Mạnh: two sessions attended, an anonymous survey answered on the first, a named one on
    the second, a refused scan, and an account from his sign-in link."""
    person = course.people["manh"]
    user = attendee_of(course.rush.entries[0], username="person-manh")
    anonymous = make_survey(course)
    surveys.submit_survey_response(
        person=person,
        survey=anonymous,
        answers=answers_for(anonymous, text="Phần hỏi đáp rất bổ ích"),
    )
    named = make_survey(course, session=course.second, is_anonymous=False, title="Khảo sát 2")
    surveys.submit_survey_response(
        person=person, survey=named, answers=answers_for(named, text="Cần thêm tài liệu")
    )
    ScanAttempt.objects.create(
        device_id="dien-thoai-song-lo",
        method="scan",
        participation=course.rush.song_lo,
        entry=course.rush.entries[0],
        actor=course.rush.coordinator,
        outcome=ScanAttempt.Outcome.REFUSED,
        reason="already_checked_in",
        server_time=course.first.starts_at,
    )
    return user


def test_the_page_needs_a_sign_in(client):
    response = client.get(MY_DATA)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert download(client, "json").status_code == 302


def test_the_page_sums_up_what_is_held_about_the_person(client, course, manh):
    client.force_login(manh)

    response = client.get(MY_DATA)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Dữ liệu cá nhân của tôi" in page
    counts = {table["key"]: table["count"] for table in response.context["tables"]}
    assert counts["profile"] == 2  # the civil servant record and the sign-in account
    assert counts["sessions"] == 2
    assert counts["scans"] == 1
    assert counts["surveys"] == 2
    for words in (
        "Nguyễn Văn Mạnh",
        course.people["manh"].email,
        course.first.title,
        "Tập huấn nghiệp vụ CCHC, buổi 2",
        "dien-thoai-song-lo",
        "Cần thêm tài liệu",
    ):
        assert words in page, words
    # the anonymous answer is not linked back to him, here or anywhere
    assert "Phần hỏi đáp rất bổ ích" not in page
    # nobody else's data
    assert "Trần Thị Ánh" not in page and "Phạm Đức Thắng" not in page


def test_the_json_holds_everything_with_stable_keys(client, course, manh):
    client.force_login(manh)

    response = download(client, "json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="du-lieu-ca-nhan-')
    document = json.loads(response.content)
    sections = document["sections"]
    [record, account] = sections["profile"]["rows"]
    assert (record["full_name"], record["agency"]) == ("Nguyễn Văn Mạnh", "UBND huyện Sông Lô")
    assert account["username"] == "person-manh"
    sessions = sections["sessions"]["rows"]
    assert [row["session"] for row in sessions] == [course.first.title, course.second.title]
    arrived = timezone.localtime(course.first.starts_at - timedelta(minutes=10))
    assert sessions[0]["checked_in_at"] == arrived.isoformat()
    assert sessions[0]["minutes_present"] == 180
    assert sections["scans"]["rows"][0]["device"] == "dien-thoai-song-lo"
    surveys_rows = {row["survey"]: row for row in sections["surveys"]["rows"]}
    assert surveys_rows["Khảo sát 2"]["anonymous"] is False
    assert "Cần thêm tài liệu" in surveys_rows["Khảo sát 2"]["answers"]
    assert "Phần hỏi đáp" not in json.dumps(document, ensure_ascii=False)
    assert set(sections) >= {"profile", "sessions", "changes", "scans", "surveys", "notices"}
    assert "certificates" in sections and "other" in sections


def test_the_xlsx_reads_one_value_a_line_with_vietnamese_labels(client, manh):
    client.force_login(manh)

    response = download(client, "xlsx")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "Nguyễn Văn Mạnh" in rows[0][0]
    assert rows[1] == ("Loại dữ liệu", "Bản ghi số", "Trường", "Giá trị")
    assert ("Hồ sơ và tài khoản", 1, "Họ và tên", "Nguyễn Văn Mạnh") in rows
    assert any(row[2] == "Thiết bị" and row[3] == "dien-thoai-song-lo" for row in rows)


def test_a_download_is_recorded_as_an_export_of_personal_data(client, course, manh):
    client.force_login(manh)

    download(client, "json")

    [record] = PersonalDataExport.objects.all()
    person = course.people["manh"]
    assert (record.actor, record.kind, record.person, record.file_format) == (
        manh,
        PersonalDataExport.Kind.OWN_DATA,
        person,
        "json",
    )
    assert record.unit_id == person.agency.unit_id and record.row_count > 5


def test_only_json_and_xlsx_are_offered(client, manh):
    client.force_login(manh)

    assert client.get(MY_DATA.rstrip("/") + ".csv").status_code == 404


def test_a_staff_member_without_a_person_record_sees_their_account(client, rush):
    client.force_login(rush.organiser)

    response = client.get(MY_DATA)

    assert response.status_code == 200
    assert [t["key"] for t in response.context["tables"]] == ["profile", "notices"]
    assert rush.organiser.username in response.content.decode()
    # and has nothing to correct
    assert 'id="correction"' not in response.content.decode()
    assert json.loads(download(client, "json").content)["person_id"] is None


def test_the_page_and_downloads_take_the_same_queries_however_much_is_held(
    client, course, manh, django_assert_max_num_queries
):
    # given what Mạnh has now, measured
    client.force_login(manh)
    client.get(MY_DATA)  # the session, the scope and the translations warmed up
    counts = {}
    for name, get in (
        ("page", lambda: client.get(MY_DATA)),
        ("json", lambda: download(client, "json")),
        ("xlsx", lambda: download(client, "xlsx")),
    ):
        with django_assert_max_num_queries(40) as few:
            get()
        counts[name] = len(few.captured_queries)

    # when much more is held about him: more scans, changes, notices, certificates
    grow(course, manh)

    # then no page or file takes a query more
    for name, get in (
        ("page", lambda: client.get(MY_DATA)),
        ("json", lambda: download(client, "json")),
        ("xlsx", lambda: download(client, "xlsx")),
    ):
        with django_assert_max_num_queries(counts[name]):
            assert get().status_code == 200


def grow(course, user) -> None:
    from events.models import Notice
    from tests.certificates.test_certificates import collate

    entry = course.rush.entries[0]
    for index in range(12):
        ScanAttempt.objects.create(
            device_id=f"dien-thoai-{index}",
            method="scan",
            participation=course.rush.song_lo,
            entry=entry,
            actor=course.rush.coordinator,
            outcome=ScanAttempt.Outcome.REFUSED,
            reason="already_checked_in",
            server_time=course.first.starts_at + timedelta(minutes=index),
        )
    for index in range(6):
        entry.changes.create(
            kind="ticket_revoked", actor=course.rush.coordinator, reason=f"{index}"
        )
    Notice.objects.filter(person=course.people["manh"]).update(status="sent", address="m@x.vn")
    collate(course)
    factories.PersonFactory(full_name="Người Khác", agency=course.people["manh"].agency)
