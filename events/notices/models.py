"""The notice outbox: reminder plans, the notices they produce and the worker heartbeat.

Notices are rows first and e-mails second. A beat task writes them, each under a unique
key, in the transaction that decided them; workers then claim, send and mark them. So a
second beat, a second worker or a restarted broker can never send one twice or lose one.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from directory.models import Person

from ..models.rosters import RosterEntry
from ..models.sessions import Session, SessionChange, SessionPoint
from .kinds import (
    NoticeKind,
    PlanKind,
    notice_kind_choices,
    plan_kind_choices,
    plannable,
    registered,
)


class ReminderRule(models.Model):
    """One line of a reminder plan, for a whole programme or for one session.

    A session follows its own rules when it has any, else its programme's, else the
    defaults of `default_plan()`.
    """

    Kind = PlanKind

    class Anchor(models.TextChoices):
        START = "start", _("the start")
        END = "end", _("the end")

    programme = models.ForeignKey(
        "training.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminder_rules",
    )
    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminder_rules",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=plan_kind_choices)
    anchor = models.CharField(_("counted from"), max_length=8, choices=Anchor)
    day_offset = models.SmallIntegerField(
        _("days"), default=0, help_text=_("Negative: before; for example -1 is the day before.")
    )
    at_time = models.TimeField(
        _("at"), null=True, blank=True, help_text=_("A clock time on that day, e.g. 08:00.")
    )
    minute_offset = models.IntegerField(
        _("minutes"),
        default=0,
        help_text=_("Used when no clock time is given; negative: before, e.g. -60."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")
        ordering = ["programme", "session", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(programme__isnull=False, session=None)
                | Q(programme=None, session__isnull=False),
                name="events_reminder_rule_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(day_offset__gte=-30, day_offset__lte=30),
                name="events_reminder_rule_within_a_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.line().describe()}"

    def line(self) -> "PlanLine":
        return PlanLine(self.kind, self.anchor, self.day_offset, self.at_time, self.minute_offset)

    def clean(self) -> None:
        before_start = self.kind in (self.Kind.REMINDER, self.Kind.CHECKLIST)
        offset = self.day_offset * 24 * 60 + (0 if self.at_time else self.minute_offset)
        if before_start and (self.anchor != self.Anchor.START or offset > 0):
            raise ValidationError(
                {"kind": _("Reminders and checklists go out before the session starts.")}
            )
        if before_start and offset == 0 and self.at_time is None:
            raise ValidationError({"minute_offset": _("Say how long before the start.")})
        kind = registered(self.kind)
        if kind and kind.after_end_only and (self.anchor != self.Anchor.END or offset < 0):
            raise ValidationError({"kind": kind.after_end_only})


@dataclass(frozen=True)
class PlanLine:
    """One line of a reminder plan, whether stored as a rule or one of the defaults."""

    kind: str
    anchor: str
    day_offset: int = 0
    at_time: time | None = None
    minute_offset: int = 0

    def planned_for(self, session: Session) -> datetime:
        """When the line falls for a session, in Vietnamese wall time for clock times."""
        moment = session.starts_at if self.anchor == ReminderRule.Anchor.START else session.ends_at
        if self.at_time is not None:
            day = timezone.localtime(moment).date() + timedelta(days=self.day_offset)
            return timezone.make_aware(datetime.combine(day, self.at_time))
        return moment + timedelta(days=self.day_offset, minutes=self.minute_offset)

    def describe(self) -> str:
        """The line as an organiser says it: "1 day before, at 08:00", "1 hour before the start"."""
        day_offset, at_time, minute_offset = self.day_offset, self.at_time, self.minute_offset
        if at_time is not None:
            names = {"days": abs(day_offset), "time": at_time.strftime("%H:%M")}
            if day_offset == 0:
                return gettext("on the day, at %(time)s") % names
            if day_offset < 0:
                return (
                    ngettext(
                        "%(days)d day before, at %(time)s",
                        "%(days)d days before, at %(time)s",
                        -day_offset,
                    )
                    % names
                )
            return (
                ngettext(
                    "%(days)d day after, at %(time)s",
                    "%(days)d days after, at %(time)s",
                    day_offset,
                )
                % names
            )
        hours, minutes = divmod(abs(day_offset * 24 * 60 + minute_offset), 60)
        parts = []
        if hours:
            parts.append(ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours})
        if minutes or not hours:
            parts.append(
                ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
            )
        span = " ".join(parts)
        if self.anchor == ReminderRule.Anchor.START:
            return gettext("%(span)s before the start") % {"span": span}
        return gettext("%(span)s after the end") % {"span": span}


# Used when neither the session nor its programme has a plan of its own.
DEFAULT_PLAN = (
    PlanLine(NoticeKind.CHECKLIST, "start", day_offset=-2, at_time=time(8, 0)),
    PlanLine(NoticeKind.REMINDER, "start", day_offset=-1, at_time=time(8, 0)),
    PlanLine(NoticeKind.REMINDER, "start", minute_offset=-60),
)


def default_plan() -> tuple[PlanLine, ...]:
    """The session's own default lines and those of the registered kinds (a survey request
    after the end, say)."""
    extra = tuple(kind.default_line for kind in plannable() if kind.default_line is not None)
    return DEFAULT_PLAN + extra


class NoticeBatch(models.Model):
    """One planned sending to a whole session: a reminder rule falling due, or a change.

    Its unique key is what keeps two beats from planning the same reminder twice.
    """

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="notice_batches")
    kind = models.CharField(_("kind"), max_length=16, choices=notice_kind_choices)
    planned_for = models.DateTimeField(_("planned for"))
    change = models.OneToOneField(
        SessionChange, on_delete=models.CASCADE, null=True, blank=True, related_name="batch"
    )
    planned_count = models.PositiveIntegerField(_("notices"), default=0)
    created_at = models.DateTimeField(_("planned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notice batch")
        verbose_name_plural = _("notice batches")
        ordering = ["session", "planned_for", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "kind", "planned_for"], name="events_batch_once_per_plan"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.get_kind_display()} · {self.planned_for:%Y-%m-%d %H:%M}"


class Notice(models.Model):
    """One message to one person (or staff user) about one session: the outbox row."""

    Kind = NoticeKind

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent")

    class Problem(models.TextChoices):
        NO_ADDRESS = "no_address", _("No e-mail address")
        INVALID_ADDRESS = "invalid_address", _("Invalid address")
        REFUSED = "refused", _("Refused by the mail server")
        UNAVAILABLE = "unavailable", _("Mail server unavailable")
        ERROR = "error", _("Sending error")
        CANCELLED = "cancelled", _("Session cancelled")
        SUPERSEDED = "superseded", _("Replaced by a later notice")
        REMOVED = "removed", _("No longer on the roster")
        TOO_LATE = "too_late", _("Too late to be useful")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=16, choices=notice_kind_choices)
    planned_for = models.DateTimeField(_("planned for"))
    batch = models.ForeignKey(
        NoticeBatch, on_delete=models.CASCADE, null=True, blank=True, related_name="notices"
    )
    # Attendees are people on a roster; coordinators are staff users of a bridge point.
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="notices"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
    )
    entry = models.ForeignKey(
        RosterEntry, on_delete=models.CASCADE, null=True, blank=True, related_name="notices"
    )
    participation = models.ForeignKey(
        SessionPoint,
        verbose_name=_("bridge point"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel, default=Channel.EMAIL)
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.PENDING)
    problem = models.CharField(_("problem"), max_length=16, choices=Problem, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    address = models.CharField(_("sent to"), max_length=254, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When a worker may take the row: its next attempt, or the end of a claim's lease.
    due_at = models.DateTimeField()
    # The worker's token while the row is SENDING, and empty in every other status: each
    # way out of SENDING clears it, so a worker's rows are those with its token.
    claim = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["session", "planned_for", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "session", "kind", "planned_for"],
                condition=Q(person__isnull=False),
                name="events_notice_once_per_person",
            ),
            models.UniqueConstraint(
                fields=["user", "session", "kind", "planned_for"],
                condition=Q(user__isnull=False),
                name="events_notice_once_per_user",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False, user=None) | Q(person=None, user__isnull=False),
                name="events_notice_one_recipient",
            ),
        ]
        indexes = [
            # In the claim's order, so that a claim reads its chunk's rows and stops: a
            # wave's rows are all due at one moment, and by due time alone every claim
            # sorted the whole wave (300,000 rows) to take a hundred.
            models.Index(
                fields=["due_at", "id"],
                condition=Q(status__in=["pending", "sending"]),
                name="events_notice_due_in_order",
            ),
            models.Index(fields=["session", "kind", "status"], name="events_notice_progress"),
            models.Index(fields=["participation", "status"], name="events_notice_per_point"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.person or self.user} · {self.session}"


class Heartbeat(models.Model):
    """The last time the beat scheduler's tick ran on a worker: both were alive then."""

    name = models.CharField(max_length=32, primary_key=True)
    beat_at = models.DateTimeField()

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} · {self.beat_at}"
