from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from events.models import RosterEntry, Session, SessionPoint


class Method(models.TextChoices):
    SCAN = "scan", _("Scanned by the coordinator")
    SELF = "self", _("Self check-in at the point's screen")
    MANUAL = "manual", _("Found by name")
    WALK_IN = "walk_in", _("Walk-in at the door")
    PAPER = "paper", _("Entered from a paper sign-in sheet")


class Attendance(models.Model):
    """What happened to one roster entry at its session: arrival, departure, excuse.

    Made at the first check-in (or excuse request). Earlier times win, so scans that reach
    the server late from an offline phone, or from two phones, keep the first arrival.
    """

    class Excuse(models.TextChoices):
        NONE = "", _("None")
        REQUESTED = "requested", _("Excuse requested")
        APPROVED = "approved", _("Excused")
        REJECTED = "rejected", _("Excuse refused")

    class Status(models.TextChoices):
        ABSENT = "absent", _("Not checked in")
        ON_TIME = "on_time", _("On time")
        LATE = "late", _("Late")
        LEFT_EARLY = "left_early", _("Left early")
        EXCUSED = "excused", _("Excused")

    entry = models.OneToOneField(
        RosterEntry, primary_key=True, on_delete=models.PROTECT, related_name="attendance"
    )
    # Copied from the entry so that live counts group by point without a join.
    # Both are found through the indexes below, which lead with them; one of their own
    # would only cost every arrival of the rush another index to write.
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="attendances", db_index=False
    )
    participation = models.ForeignKey(
        SessionPoint, on_delete=models.PROTECT, related_name="attendances", db_index=False
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    check_in_method = models.CharField(
        _("how"), max_length=16, choices=Method, blank=True, db_default=""
    )
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    # Seconds the scanning phone's clock was off when the arrival was recorded, kept only
    # when far enough off that its time should not be trusted without a look.
    device_clock_skew = models.IntegerField(
        _("device clock off by (seconds)"), null=True, blank=True
    )
    excuse = models.CharField(_("excuse"), max_length=16, choices=Excuse, blank=True, db_default="")
    excuse_reason = models.CharField(
        _("reason for the excuse"), max_length=300, blank=True, db_default=""
    )
    excuse_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    excuse_decided_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        indexes = [
            models.Index(fields=["participation", "checked_in_at"]),
            models.Index(fields=["session", "checked_in_at"]),
        ]

    def __str__(self) -> str:
        return str(self.entry)

    @property
    def status(self) -> str:
        return attendance_status(
            session=self.session,
            checked_in_at=self.checked_in_at,
            checked_out_at=self.checked_out_at,
            excuse=self.excuse,
        )

    def get_status_display(self) -> str:
        return self.Status(self.status).label

    @property
    def minutes_present(self) -> int:
        return minutes_present(
            session=self.session,
            checked_in_at=self.checked_in_at,
            checked_out_at=self.checked_out_at,
        )


def attendance_status(
    *,
    session: Session,
    checked_in_at: datetime | None,
    checked_out_at: datetime | None,
    excuse: str,
) -> str:
    if checked_in_at is None:
        return Attendance.Status.EXCUSED if excuse == "approved" else Attendance.Status.ABSENT
    grace = timedelta(minutes=session.late_after_minutes)
    if checked_out_at is not None and checked_out_at < session.ends_at - grace:
        return Attendance.Status.LEFT_EARLY
    if checked_in_at > session.starts_at + grace:
        return Attendance.Status.LATE
    return Attendance.Status.ON_TIME


def minutes_present(
    *, session: Session, checked_in_at: datetime | None, checked_out_at: datetime | None
) -> int:
    """Minutes inside the session's own time: arriving early or staying on adds nothing."""
    if checked_in_at is None:
        return 0
    start = max(checked_in_at, session.starts_at)
    end = min(checked_out_at or session.ends_at, session.ends_at)
    return max(0, int((end - start).total_seconds() // 60))


class ScanAttempt(models.Model):
    """Every check-in attempt, refused ones too, as the device and the server saw it."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")

    # The device's own id for the scan: a scan sent twice is answered from here.
    scan_id = models.UUIDField(null=True, blank=True, unique=True)
    device_id = models.CharField(_("device"), max_length=64, blank=True)
    # The paired phone that synced this scan; device_id above is only what a client says.
    scanner = models.ForeignKey(
        "attendance.ScannerDevice",
        verbose_name=_("paired device"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scans",
    )
    method = models.CharField(_("how"), max_length=16, choices=Method)
    action = models.CharField(max_length=16, default="check_in")
    participation = models.ForeignKey(  # found through the index that leads with it, below
        SessionPoint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scans",
        db_index=False,
    )
    entry = models.ForeignKey(
        RosterEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="scans"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome)
    reason = models.CharField(_("reason"), max_length=32)
    # Enough of the payload to investigate a forgery; tickets carry no personal data.
    payload = models.CharField(max_length=120, blank=True)
    device_time = models.DateTimeField(_("time on the device"), null=True, blank=True)
    # The device's clock when it sent the scan, minus the server's clock then.
    clock_skew = models.IntegerField(_("device clock off by (seconds)"), null=True, blank=True)
    server_time = models.DateTimeField(_("time on the server"), db_index=True)
    recorded_time = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("scan attempt")
        verbose_name_plural = _("scan attempts")
        ordering = ["-server_time", "-pk"]
        indexes = [models.Index(fields=["participation", "server_time"])]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} · {self.reason}"


class AttendanceChange(models.Model):
    """A change made by hand (undo, walk-in, check-out, excuse, status edit): who, when, why."""

    class Kind(models.TextChoices):
        CHECKED_IN = "checked_in", _("Checked in by hand")
        WALK_IN = "walk_in", _("Walk-in checked in")
        UNDONE = "undone", _("Check-in undone")
        CHECKED_OUT = "checked_out", _("Checked out")
        EXCUSE_REQUESTED = "excuse_requested", _("Excuse requested")
        EXCUSE_DECIDED = "excuse_decided", _("Excuse decided")
        TIME_CORRECTED = "time_corrected", _("Time corrected")
        PAPER_ENTERED = "paper_entered", _("Entered from a paper sign-in sheet")

    attendance = models.ForeignKey(Attendance, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attendance change")
        verbose_name_plural = _("attendance changes")
        ordering = ["attendance", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=["undone", "time_corrected", "paper_entered"])
                | ~Q(reason=""),
                name="attendance_change_says_why",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attendance} · {self.get_kind_display()}"
