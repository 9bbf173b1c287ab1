"""An export asked for while the broker was away is written once it returns."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from reports import services as report_exports
from reports import tasks
from reports.models import ReportExport


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _broker_down(*args, **kwargs):
    raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_an_export_asked_for_while_the_broker_is_down_is_written_later(
    client, demo, settings, monkeypatch, eager_tasks, django_capture_on_commit_callbacks
):
    settings.REPORT_EXPORT_STALE_MINUTES = 10
    client.force_login(demo.organiser)

    # given an organiser asks for the roster while the broker refuses every task
    with monkeypatch.context() as broker:
        broker.setattr(tasks.run_report_export, "delay", _broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.get(
                reverse("reports:report_export", args=["roster", "csv"]),
                {"session": demo.session.pk},
            )
    # then the page still takes them to the export's progress, which waits
    assert response.status_code == 302
    export = ReportExport.objects.get()
    assert export.status == ReportExport.Status.QUEUED

    # when beat's requeue runs before the export is stale, nothing is sent again
    assert report_exports.requeue_stalled_exports() == 0

    # and when it runs once the broker is back and the export has waited long enough
    later = timezone.now() + timedelta(minutes=11)
    assert report_exports.requeue_stalled_exports(now=later) == 1

    # then the export is written
    export.refresh_from_db()
    assert export.status == ReportExport.Status.DONE and export.file


def test_a_finished_or_fresh_export_is_left_alone(demo, django_assert_max_num_queries):
    now = timezone.now()
    for status in ReportExport.Status.values:
        ReportExport.objects.create(
            kind="roster", file_format="csv", status=status, requested_by=demo.organiser
        )
    ReportExport.objects.update(updated_at=now - timedelta(minutes=2))

    with django_assert_max_num_queries(2):
        assert report_exports.requeue_stalled_exports(now=now) == 0
