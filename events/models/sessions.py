"""Sessions, their series and agenda, the points that take part, and the record of changes."""

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from directory.models import Person

from .points import BridgePoint

# An organiser may widen the check-in window, within a week on either side.
CHECKIN_WIDEN_LIMIT_MINUTES = 7 * 24 * 60


def http_url_only(value: str) -> None:
    if value and not value.lower().startswith(("http://", "https://")):
        raise ValidationError(_("The meeting link must start with http:// or https://."))


class SessionSeries(models.Model):
    """A recurring session: a rule expanded into occurrences, each a Session of its own.

    Sessions keep `original_start`, the time the rule gave them, so a moved or cancelled
    occurrence can still be named in a calendar (RECURRENCE-ID).
    """

    programme = models.ForeignKey(
        "training.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="series",
    )
    title = models.CharField(_("title"), max_length=255)
    rule = models.CharField(
        _("recurrence rule"), max_length=255, help_text=_("An RRULE, e.g. FREQ=MONTHLY;BYDAY=1MO")
    )
    first_start = models.DateTimeField(_("first start"))
    duration = models.DurationField(_("duration"))
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("recurring session")
        verbose_name_plural = _("recurring sessions")
        ordering = ["first_start"]

    def __str__(self) -> str:
        return self.title


class Session(models.Model):
    """One scheduled broadcast from a host point to many bridge points."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        # Its end has passed; attendance may still be corrected until it is closed.
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")
        CLOSED = "closed", _("Closed")

    programme = models.ForeignKey(
        "training.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    title = models.CharField(_("title"), max_length=255)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    host_point = models.ForeignKey(
        BridgePoint,
        verbose_name=_("host point"),
        on_delete=models.PROTECT,
        related_name="hosted_sessions",
    )
    meeting_url = models.URLField(
        _("meeting link"), blank=True, max_length=500, validators=[http_url_only]
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.SCHEDULED, db_index=True
    )
    series = models.ForeignKey(
        SessionSeries,
        verbose_name=_("recurring session"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="occurrences",
    )
    original_start = models.DateTimeField(null=True, blank=True, editable=False)
    late_after_minutes = models.PositiveSmallIntegerField(
        _("late after (minutes)"),
        default=15,
        help_text=_("Delegates who check in later than this after the start count as late."),
    )
    # The check-in window: scans outside it are refused (not_open_yet, ended).
    checkin_opens_minutes = models.PositiveSmallIntegerField(
        _("check-in opens (minutes before the start)"),
        default=60,
        validators=[MaxValueValidator(CHECKIN_WIDEN_LIMIT_MINUTES)],
    )
    checkin_closes_minutes = models.PositiveSmallIntegerField(
        _("check-in stays open (minutes after the end)"),
        default=0,
        validators=[MaxValueValidator(CHECKIN_WIDEN_LIMIT_MINUTES)],
    )
    held_at = models.DateTimeField(_("held at"), null=True, blank=True, editable=False)
    # When its organisers were told that it will close itself; at most once.
    close_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Calendar identity: the UID never changes, SEQUENCE grows with every change.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    points = models.ManyToManyField(
        BridgePoint,
        through="SessionPoint",
        related_name="sessions",
        verbose_name=_("bridge points"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="events_session_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["series", "original_start"], name="events_session_one_per_occurrence"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def attendance_open(self) -> bool:
        """Attendance may still be recorded or corrected: neither cancelled nor closed."""
        return self.status in (self.Status.SCHEDULED, self.Status.HELD)

    @property
    def checkin_opens_at(self) -> datetime:
        return self.starts_at - timedelta(minutes=self.checkin_opens_minutes)

    @property
    def checkin_closes_at(self) -> datetime:
        return self.ends_at + timedelta(minutes=self.checkin_closes_minutes)


class AgendaItem(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="agenda_items")
    starts_at = models.DateTimeField(_("time"))
    title = models.CharField(_("title"), max_length=300)
    speaker = models.CharField(_("speaker"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["session", "starts_at", "pk"]

    def __str__(self) -> str:
        return self.title


class TakingPart(models.Manager):
    """The points still taking part: a point taken away keeps its row (and its roster's
    history) with `removed_at` set, and every count of a session's points leaves it out."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(removed_at=None)


class SessionPoint(models.Model):
    """A bridge point taking part in a session, with its chair for that session.

    Taken away from the session, a point whose roster had people stays as a row with
    `removed_at`, so its roster entries, attendance and notices keep pointing at it; the
    default manager hides it, `every` still finds it.
    """

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="participations")
    point = models.ForeignKey(BridgePoint, on_delete=models.PROTECT, related_name="participations")
    chair = models.ForeignKey(
        Person,
        verbose_name=_("chair"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True, editable=False)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = TakingPart()
    every = models.Manager()  # noqa: DJ012 (ruff reads TakingPart() as a field)

    class Meta:
        verbose_name = _("participating point")
        verbose_name_plural = _("participating points")
        ordering = ["session", "point"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "point"], name="events_point_once_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.point}"


class SessionChange(models.Model):
    """Who changed a session, when and how; also the event the reminders turn into notices."""

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        RESCHEDULED = "rescheduled", _("Rescheduled")
        POINTS_CHANGED = "points_changed", _("Bridge points changed")
        DETAILS_CHANGED = "details_changed", _("Details changed")
        # Title, link, host or agenda changed: attendees already told get an update.
        EDITED = "edited", _("Edited")
        SETTINGS_CHANGED = "settings_changed", _("Settings changed")
        CANCELLED = "cancelled", _("Cancelled")
        CLOSED = "closed", _("Closed")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Set by the reminders issue when it has turned this change into notices.
    noticed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("session change")
        verbose_name_plural = _("session changes")
        ordering = ["session", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.session} · {self.get_kind_display()}"
