"""Retention (Decree 13/2023/NĐ-CP: kept no longer than the purpose needs): uploaded roster
files are emptied after 30 days, the device details of scan attempts are cleared after a
year, expired export files go; attendance, certificates and the attempts themselves stay.
The daily purge is a few UPDATE statements, in batches, and a second run changes nothing."""

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from attendance.models import Attendance, ScanAttempt
from events.models import RosterImport
from privacy import tasks
from privacy.services import purge_personal_data
from reports.models import ReportExport

DAY = timedelta(days=1)


def _upload(participation, user, *, age: timedelta, content: bytes = b"") -> RosterImport:
    upload = RosterImport.objects.create(
        participation=participation,
        file_name="danh-sach.csv",
        content=content or "Họ và tên,Email\nVũ Văn Mạnh,manh@example.vn\n".encode(),
        uploaded_by=user,
        row_count=1,
    )
    RosterImport.objects.filter(pk=upload.pk).update(uploaded_at=timezone.now() - age)
    return upload


def _scan(entry, user, *, age: timedelta, device: str = "dien-thoai-1") -> ScanAttempt:
    return ScanAttempt.objects.create(
        scan_id=uuid.uuid4(),
        device_id=device,
        method="scan",
        participation_id=entry.participation_id,
        entry=entry,
        actor=user,
        outcome=ScanAttempt.Outcome.ACCEPTED,
        reason="checked_in",
        payload=f"DC1.{entry.pk}.1.thu",
        device_time=timezone.now() - age,
        server_time=timezone.now() - age,
    )


def test_roster_files_older_than_30_days_are_emptied_and_their_record_stays(rush):
    # given an upload of 31 days ago (applied), one of 29 days ago, and one already emptied
    old = _upload(rush.song_lo, rush.coordinator, age=31 * DAY)
    RosterImport.objects.filter(pk=old.pk).update(applied_at=timezone.now(), added_count=1)
    recent = _upload(rush.song_lo, rush.coordinator, age=29 * DAY)

    # when the purge runs
    result = purge_personal_data()

    # then the old file's bytes are gone, who uploaded what and when is still there
    old.refresh_from_db()
    recent.refresh_from_db()
    assert bytes(old.content) == b""
    assert (old.file_name, old.uploaded_by_id, old.added_count) == (
        "danh-sach.csv",
        rush.coordinator.pk,
        1,
    )
    assert "Vũ Văn Mạnh".encode() in bytes(recent.content)
    assert result.uploads_emptied == 1


def test_scan_device_details_are_cleared_after_a_year_and_the_attempt_stays(rush):
    # given a check-in scanned 366 days ago and one scanned 364 days ago
    entry, other = rush.entries[0], rush.entries[1]
    old = _scan(entry, rush.coordinator, age=366 * DAY)
    recent = _scan(other, rush.coordinator, age=364 * DAY)
    Attendance.objects.create(
        entry=entry,
        session_id=entry.session_id,
        participation_id=entry.participation_id,
        checked_in_at=old.server_time,
    )

    # when the purge runs
    result = purge_personal_data()

    # then the old attempt no longer says which phone scanned it or what it read, but still
    # who was scanned, by whom, when and with what result; the recent one is untouched
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.device_id, old.payload) == ("", "")
    assert (old.entry_id, old.actor_id, old.outcome, old.reason) == (
        entry.pk,
        rush.coordinator.pk,
        "accepted",
        "checked_in",
    )
    assert old.server_time is not None and old.scan_id is not None
    assert (recent.device_id, recent.payload) == ("dien-thoai-1", f"DC1.{other.pk}.1.thu")
    assert result.scans_cleared == 1
    # and the attendance, an official record, is as it was
    assert Attendance.objects.get(entry=entry).checked_in_at == old.server_time


def test_the_retention_periods_come_from_the_settings(rush, settings):
    settings.RETENTION_UPLOAD_DAYS = 7
    settings.RETENTION_SCAN_DEVICE_DAYS = 90
    upload = _upload(rush.song_lo, rush.coordinator, age=8 * DAY)
    scan = _scan(rush.entries[0], rush.coordinator, age=91 * DAY)

    purge_personal_data()

    upload.refresh_from_db()
    scan.refresh_from_db()
    assert bytes(upload.content) == b"" and scan.device_id == ""


def test_a_second_purge_changes_nothing(rush):
    _upload(rush.song_lo, rush.coordinator, age=40 * DAY)
    _scan(rush.entries[0], rush.coordinator, age=400 * DAY)
    first = purge_personal_data()

    second = purge_personal_data()

    assert (first.uploads_emptied, first.scans_cleared) == (1, 1)
    assert (second.uploads_emptied, second.scans_cleared, second.export_files_deleted) == (0, 0, 0)


def test_the_purge_is_set_based_whatever_the_number_of_rows(
    rush, django_assert_num_queries, django_assert_max_num_queries
):
    # given 7 old uploads and 7 old scans, purged 3 rows a statement
    for _ in range(7):
        _upload(rush.song_lo, rush.coordinator, age=60 * DAY)
    for entry in rush.entries + [rush.tam_dao_entry] * 3:
        _scan(entry, rush.coordinator, age=500 * DAY)

    # when the purge runs: per kind ceil(7 / 3) = 3 UPDATEs of 3, 3 and 1 rows; the export
    # expiry reads the expired exports once (there are none)
    with django_assert_num_queries(3 + 3 + 1):
        result = purge_personal_data(batch_size=3)

    # then every row is done, and with nothing left one UPDATE per kind finds nothing
    assert (result.uploads_emptied, result.scans_cleared) == (7, 7)
    with django_assert_num_queries(1 + 1 + 1):
        purge_personal_data(batch_size=3)
    # and with a batch larger than the rows, the same work is one statement per kind
    for _ in range(40):
        _upload(rush.song_lo, rush.coordinator, age=60 * DAY)
    with django_assert_max_num_queries(3):
        assert purge_personal_data(batch_size=1000).uploads_emptied == 40


def test_the_purge_deletes_expired_export_files_through_the_reports_expiry(
    rush, settings, tmp_path
):
    # given a finished export whose file was written more than REPORT_EXPORT_KEEP_DAYS ago
    settings.MEDIA_ROOT = tmp_path / "media"
    export = ReportExport.objects.create(
        kind=ReportExport.Kind.ROSTER,
        file_format=ReportExport.Format.CSV,
        requested_by=rush.organiser,
        status=ReportExport.Status.DONE,
        finished_at=timezone.now() - timedelta(days=settings.REPORT_EXPORT_KEEP_DAYS + 1),
    )
    from django.core.files.base import ContentFile

    export.file.save("danh-sach.csv", ContentFile("Vũ Văn Mạnh".encode()), save=True)
    path = Path(export.file.path)

    # when the purge runs
    result = purge_personal_data()

    # then the file is gone and the export says so
    export.refresh_from_db()
    assert result.export_files_deleted == 1
    assert not path.exists() and not export.file


@pytest.mark.django_db
def test_the_purge_runs_daily_on_the_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-purge"]
    assert entry["task"] == "privacy.tasks.purge_personal_data"
    assert entry["schedule"].is_due(timezone.now() - 2 * DAY).is_due
    assert tasks.purge_personal_data.name == entry["task"]
    assert tasks.purge_personal_data() == {
        "uploads_emptied": 0,
        "scans_cleared": 0,
        "export_files_deleted": 0,
    }


def test_an_emptied_upload_can_no_longer_be_confirmed(client, rush):
    # given the coordinator's preview, older than the retention period and emptied
    upload = _upload(rush.song_lo, rush.coordinator, age=31 * DAY)
    purge_personal_data()
    client.force_login(rush.coordinator)

    # when they confirm it
    response = client.post(
        reverse("attendance:roster_import", args=[rush.song_lo.pk]), {"confirm": upload.pk}
    )

    # then nothing is added and the page answers without a server error
    assert response.status_code in (302, 400)
    assert not rush.song_lo.roster.filter(source="import").exists()
