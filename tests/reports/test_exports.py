"""Report exports: XLSX and CSV read back with their Vietnamese headers; large ones and the
national roster written by a worker with progress; downloads only for who may see them."""

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports import services as report_exports
from reports.models import ReportExport
from tests import factories
from tests.checkins import attendee_of


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _sheet(content: bytes) -> list[tuple]:
    return list(
        load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True)
    )


def test_coverage_as_xlsx_has_vietnamese_headers_and_every_figure(client, demo):
    client.force_login(demo.organiser)
    response = client.get(
        reverse("reports:report_export", args=["coverage", "xlsx"]), {"session": demo.session.pk}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="bao-cao-coverage-')
    rows = _sheet(response.content)
    assert "Mức độ tham gia tập huấn" in rows[0][0]
    assert rows[1] == (
        "Đơn vị hành chính",
        "Cấp",
        "Đối tượng tính",
        "Đã tham gia",
        "Tổng số",
        "Tỷ lệ (%)",
    )
    assert rows[2][:5] == ("Tỉnh Minh Hoạ", "cấp tỉnh", "cơ quan chuyên môn", 14, 19)
    assert rows[3][:5] == ("Tỉnh Minh Hoạ", "cấp huyện", "đơn vị", 9, 10)
    assert rows[4][:5] == ("Tỉnh Minh Hoạ", "cấp xã", "xã, phường, thị trấn", 51, 130)
    assert sum(row[3] for row in rows[5:] if row[1] == "cấp xã") == 51


def test_points_as_csv_open_in_excel_with_vietnamese_letters(client, demo):
    client.force_login(demo.organiser)
    response = client.get(
        reverse("reports:report_export", args=["points", "csv"]), {"session": demo.session.pk}
    )
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Điểm cầu",
        "Đơn vị hành chính",
        "Số hội nghị",
        "Được mời",
        "Đã điểm danh",
        "Đúng giờ",
        "Đến muộn",
        "Hoàn thành",
    ]
    assert len(rows) == 1 + 11
    assert sum(int(row[4]) for row in rows[1:]) == 14 + 1 + 9 + 51


def test_the_national_roster_is_written_by_a_worker_with_progress(
    client, demo, eager_tasks, django_capture_on_commit_callbacks
):
    # given
    client.force_login(demo.organiser)

    # when: the roster asked for, the worker's task run on commit
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(
            reverse("reports:report_export", args=["roster", "xlsx"]),
            {"session": demo.session.pk},
        )

    # then: a page with the progress, the file written, every entry of the province in it
    export = ReportExport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("reports:report_export_status", args=[export.pk])
    in_province = 2 * (19 + 1 + 10 + 130)
    assert (export.status, export.rows_done, export.rows_total) == (
        "done",
        in_province,
        in_province,
    )
    progress = client.get(reverse("reports:report_export_progress", args=[export.pk])).json()
    assert progress["percent"] == 100
    assert progress["active"] is False
    assert progress["download_url"] == reverse("reports:report_export_file", args=[export.pk])
    page = client.get(response.url)
    assert "Tải tệp về" in page.content.decode()
    download = client.get(progress["download_url"])
    assert download.status_code == 200
    rows = _sheet(b"".join(download.streaming_content))
    assert rows[1] == (
        "Điểm cầu",
        "Tỉnh",
        "Cơ quan, đơn vị",
        "Họ và tên",
        "Chức vụ",
        "Giờ điểm danh",
        "Điểm danh",
    )
    body = rows[2:]
    assert len(body) == in_province
    assert {row[1] for row in body} == {"Tỉnh Minh Hoạ"}
    assert sum(1 for row in body if row[5]) == 14 + 1 + 9 + 51


def test_progress_is_reported_every_few_thousand_rows(demo, monkeypatch):
    from reports import exports

    monkeypatch.setattr(exports, "PROGRESS_EVERY", 100)
    export = ReportExport.objects.create(
        kind="roster",
        file_format="csv",
        parameters={"unit": demo.province.pk, "session": demo.session.pk},
        requested_by=demo.organiser,
        rows_total=320,
    )
    seen: list[int] = []
    original = report_exports._update

    def spy(export, **fields):
        if "rows_done" in fields:
            seen.append(fields["rows_done"])
        original(export, **fields)

    monkeypatch.setattr(report_exports, "_update", spy)
    report_exports.run_export(export.pk)
    assert seen == [0, 100, 200, 300, 320]
    export.refresh_from_db()
    assert export.file.read().decode("utf-8-sig").count("\n") == 321


def test_a_large_report_goes_to_a_worker(
    client, demo, settings, eager_tasks, django_capture_on_commit_callbacks
):
    settings.REPORT_EXPORT_INLINE_ROWS = 5
    client.force_login(demo.organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(
            reverse("reports:report_export", args=["points", "csv"]),
            {"session": demo.session.pk},
        )
    assert response.status_code == 302
    export = ReportExport.objects.get()
    assert (export.kind, export.status, export.rows_done) == ("points", "done", 11)


def test_only_the_requester_or_an_organiser_in_scope_may_download(
    client, demo, eager_tasks, django_capture_on_commit_callbacks
):
    # given: a finished roster export of the demo province
    client.force_login(demo.organiser)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(
            reverse("reports:report_export", args=["roster", "csv"]),
            {"session": demo.session.pk},
        )
    export = ReportExport.objects.get()
    urls = [
        reverse("reports:report_export_status", args=[export.pk]),
        reverse("reports:report_export_progress", args=[export.pk]),
        reverse("reports:report_export_file", args=[export.pk]),
    ]

    # then: the other province's organiser and an attendee find nothing
    client.force_login(factories.organiser(demo.other_province, username="so-ben-canh"))
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    entry = demo.session.roster.filter(person__agency__unit=demo.province).first()
    client.force_login(attendee_of(entry, username="dai-bieu-minh-hoa"))
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    # a national organiser does
    client.force_login(factories.organiser(None, username="vu-cchc-tai"))
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]
    # and the progress page leads back to the reports and says how long the file is kept
    page = client.get(urls[0]).content.decode()
    assert reverse("reports:report_coverage") in page
    assert "Tệp được lưu 7 ngày kể từ khi tạo xong." in page


def test_a_roster_export_needs_a_session(client, demo):
    client.force_login(demo.organiser)
    response = client.get(reverse("reports:report_export", args=["roster", "xlsx"]))
    assert response.status_code == 400
    assert "Chọn một hội nghị" in response.content.decode()
    assert not ReportExport.objects.exists()


def test_an_export_whose_requester_lost_the_scope_fails_cleanly(demo):
    from directory.models import RoleAssignment

    export = ReportExport.objects.create(
        kind="points",
        file_format="xlsx",
        parameters={"unit": demo.province.pk, "session": demo.session.pk},
        requested_by=demo.organiser,
    )
    RoleAssignment.objects.filter(user=demo.organiser).delete()
    report_exports.run_export(export.pk)
    export.refresh_from_db()
    assert export.status == "failed"
    assert not export.file


def test_an_attendee_exports_their_own_history(client, course):
    user = attendee_of(course.rush.entries[1])
    client.force_login(user)
    response = client.get(reverse("reports:report_export", args=["history", "xlsx"]))
    assert response.status_code == 200
    rows = _sheet(response.content)
    assert "Trần Thị Ánh" in rows[0][0]
    assert rows[1] == (
        "Hội nghị",
        "Chương trình",
        "Bắt đầu",
        "Điểm cầu",
        "Giờ điểm danh",
        "Điểm danh",
        "Số phút có mặt",
    )
    assert [row[-1] for row in rows[2:4]] == [35, 180]
    other = course.people["manh"]
    refused = client.get(
        reverse("reports:report_export", args=["history", "csv"]), {"person": other.pk}
    )
    assert refused.status_code == 404


def test_old_export_files_are_deleted_and_the_page_says_so(
    client, demo, settings, eager_tasks, django_capture_on_commit_callbacks
):
    # given a finished roster export, written eight days ago
    settings.REPORT_EXPORT_KEEP_DAYS = 7
    client.force_login(demo.organiser)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(
            reverse("reports:report_export", args=["roster", "csv"]),
            {"session": demo.session.pk},
        )
    export = ReportExport.objects.get()
    path = Path(export.file.path)
    assert path.exists()

    # when the beat's expiry runs a day after it, then eight days after it
    kept = report_exports.expire_exports(now=export.finished_at + timedelta(days=1))
    expired = report_exports.expire_exports(now=export.finished_at + timedelta(days=8))

    # then only the second deletes the file; the export stays and says why it has none
    assert (kept, expired) == (0, 1)
    assert not path.exists()
    export.refresh_from_db()
    assert export.status == ReportExport.Status.DONE and not export.file
    download = reverse("reports:report_export_file", args=[export.pk])
    assert client.get(download).status_code == 404
    progress = client.get(reverse("reports:report_export_progress", args=[export.pk])).json()
    assert progress["download_url"] == ""
    assert "7" in progress["error"]
