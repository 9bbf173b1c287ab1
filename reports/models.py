"""Report exports too large to answer in the request: written by a worker, with progress.

The tables keep their `attendance_` names: these models moved here from the attendance
app without copying a row (migration 0001 of this app only takes over their state).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportExport(models.Model):
    """One export of a report to a file, asked for by one person, written in Celery.

    The parameters are the report's filters as the requester gave them; the worker checks
    them again against the requester's scope before reading anything.
    """

    class Kind(models.TextChoices):
        COVERAGE = "coverage", _("Coverage")
        POINTS = "points", _("Bridge points")
        PROGRAMME = "programme", _("Programme")
        AGENCIES = "agencies", _("Agencies")
        HISTORY = "history", _("Training history")
        ROSTER = "roster", _("National roster")

    class Format(models.TextChoices):
        XLSX = "xlsx", "XLSX"
        CSV = "csv", "CSV"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("report"), max_length=16, choices=Kind)
    file_format = models.CharField(_("format"), max_length=8, choices=Format)
    parameters = models.JSONField(_("filters"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_exports"
    )
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.QUEUED)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "attendance_reportexport"
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_status_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)
