import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from directory.models import AdministrativeUnit, Agency, Person


class BridgePoint(models.Model):
    """A room that receives the broadcast (điểm cầu), inside an administrative unit."""

    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        related_name="bridge_points",
    )
    room = models.CharField(_("room"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    equipment_notes = models.TextField(_("equipment and connection notes"), blank=True)
    is_host = models.BooleanField(
        _("can host"), default=False, help_text=_("A host point (điểm cầu chính) broadcasts.")
    )
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinators"),
        blank=True,
        related_name="coordinated_points",
    )
    default_chair = models.ForeignKey(
        Person,
        verbose_name=_("default chair"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bridge point")
        verbose_name_plural = _("bridge points")
        ordering = ["unit__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="events_point_name_per_unit"),
        ]

    def __str__(self) -> str:
        return self.name


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


class SessionPoint(models.Model):
    """A bridge point taking part in a session, with its chair for that session."""

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


class InvitedAgency(models.Model):
    """An agency invited to send people to a session at one bridge point."""

    participation = models.ForeignKey(
        SessionPoint, on_delete=models.CASCADE, related_name="invited_agencies"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="invitations")
    quota = models.PositiveIntegerField(_("quota"), null=True, blank=True)

    class Meta:
        verbose_name = _("invited agency")
        verbose_name_plural = _("invited agencies")
        ordering = ["participation", "agency"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "agency"], name="events_agency_once_per_point"
            ),
        ]

    def __str__(self) -> str:
        return str(self.agency)


class SessionChange(models.Model):
    """Who changed a session, when and how; also the event the reminders turn into notices."""

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        RESCHEDULED = "rescheduled", _("Rescheduled")
        POINTS_CHANGED = "points_changed", _("Bridge points changed")
        DETAILS_CHANGED = "details_changed", _("Details changed")
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


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A secret, revocable subscription URL for one attendee, bridge point or programme."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Attendee")
        POINT = "point", _("Bridge point")
        PROGRAMME = "programme", _("Programme")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feeds"
    )
    point = models.ForeignKey(
        BridgePoint, on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feeds"
    )
    programme = models.ForeignKey(
        "training.Programme",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feeds",
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="person", person__isnull=False, point=None, programme=None)
                    | Q(kind="point", point__isnull=False, person=None, programme=None)
                    | Q(kind="programme", programme__isnull=False, person=None, point=None)
                ),
                name="events_feed_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.person or self.point or self.programme}"


class RosterEntry(models.Model):
    """A person expected at one bridge point of a session (danh sách đại biểu).

    One person is on a session's roster once, at one point. Taking someone off keeps the
    row (removed_at), so check-ins and the audit trail still point at it.
    """

    class Source(models.TextChoices):
        DIRECTORY = "directory", _("Added from the directory")
        AGENCY = "agency", _("Invited with their agency")
        IMPORT = "import", _("Imported from a file")
        WALK_IN = "walk_in", _("Walk-in at the door")
        SUBSTITUTE = "substitute", _("Substitute")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="roster")
    participation = models.ForeignKey(
        SessionPoint,
        verbose_name=_("bridge point"),
        on_delete=models.PROTECT,
        related_name="roster",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="roster_entries"
    )
    source = models.CharField(_("source"), max_length=16, choices=Source)
    substitute_for = models.ForeignKey(
        "self",
        verbose_name=_("in place of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="substitutes",
    )
    # Part of the signed QR ticket: raising it revokes every ticket printed before.
    ticket_version = models.PositiveIntegerField(default=1, editable=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removal_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster entries")
        ordering = ["participation", "person__sort_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"], name="events_roster_person_once_per_session"
            ),
        ]
        indexes = [models.Index(fields=["participation", "removed_at"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.participation}"

    @property
    def attendance_or_none(self) -> object:
        """The check-in record (attendance app), or None before anything happened."""
        return getattr(self, "attendance", None)


class RosterChange(models.Model):
    """Who changed a roster entry, when and why (added, removed, ticket revoked...)."""

    class Kind(models.TextChoices):
        ADDED = "added", _("Added")
        REMOVED = "removed", _("Removed")
        RESTORED = "restored", _("Restored")
        MOVED = "moved", _("Moved to another point")
        TICKET_REVOKED = "ticket_revoked", _("QR code revoked")
        SUBSTITUTED = "substituted", _("Replaced by a substitute")
        CONTACT_CORRECTED = "contact_corrected", _("E-mail or phone corrected")

    entry = models.ForeignKey(RosterEntry, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("roster change")
        verbose_name_plural = _("roster changes")
        ordering = ["entry", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.entry} · {self.get_kind_display()}"


class RosterImport(models.Model):
    """An uploaded roster file, kept from its preview until someone confirms it."""

    participation = models.ForeignKey(
        SessionPoint, on_delete=models.CASCADE, related_name="roster_imports"
    )
    file_name = models.CharField(max_length=255)
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    row_count = models.PositiveIntegerField(default=0)
    applied_at = models.DateTimeField(null=True, blank=True)
    added_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.file_name
