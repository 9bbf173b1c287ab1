"""What the organiser's home shows: each block a count, a few rows and where to deal with it.

Every read goes through the organiser's scope and costs a fixed number of queries, whatever
the size of the network (3,356 points, thousands of sessions, 300,000 people).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from attendance.models import Attendance
from directory.selectors import AnyUser, Scope, scope_for, valid_on_q
from events.models import BridgePoint, RosterEntry, Session, SessionPoint
from events.notices.models import Notice
from events.selectors import sessions_for
from surveys.models import Survey

UPCOMING_SHOWN = 10
FEW_SHOWN = 5
EXCUSE_SESSIONS_SHOWN = 20


@dataclass(frozen=True)
class SessionCount:
    """A session named with how many of something it has (excuses waiting, failed notices)."""

    session_id: int
    title: str
    starts_at: datetime
    count: int


@dataclass
class OrganiserHome:
    upcoming: list[Session]
    upcoming_count: int
    overdue: list[Session]
    overdue_count: int
    uncovered_points: list[BridgePoint]
    uncovered_count: int
    excuse_sessions: list[SessionCount]
    excuse_count: int
    failed_sessions: list[SessionCount]
    failed_count: int
    failed_session_count: int
    surveys: list[Survey]
    survey_count: int
    month_chart: dict[str, object] = field(default_factory=dict)

    @property
    def month_rows(self) -> list[tuple[str, int]]:
        return list(zip(self.month_chart["labels"], self.month_chart["data"], strict=True))

    @property
    def needs_count(self) -> int:
        return (
            self.overdue_count
            + self.uncovered_count
            + self.excuse_count
            + self.failed_session_count
            + self.survey_count
        )


def scheduled_sessions(user: AnyUser) -> QuerySet[Session]:
    return sessions_for(user).filter(status=Session.Status.SCHEDULED)


def _held(now: datetime) -> Q:
    """Held, or ended and not yet marked held by the beat (a few minutes at most)."""
    return Q(status=Session.Status.HELD) | Q(status=Session.Status.SCHEDULED, ends_at__lt=now)


def sessions_to_close(user: AnyUser, *, now: datetime | None = None) -> QuerySet[Session]:
    """Sessions held but not closed that the organiser may close (hosted in their scope),
    the oldest first, as they will close themselves: their attendance is still open."""
    now = now or timezone.now()
    return (
        sessions_for(user)
        .filter(scope_for(user).units_q("host_point__unit__"), _held(now))
        .order_by("ends_at", "pk")
    )


def attendance_open_q(prefix: str = "") -> Q:
    """Rows of sessions whose attendance may still change: scheduled or held."""
    return Q(**{f"{prefix}status__in": [Session.Status.SCHEDULED, Session.Status.HELD]})


def checked_in_count(session_id: int) -> int:
    """How many people checked in at a session, all points together."""
    return Attendance.objects.filter(session_id=session_id, checked_in_at__isnull=False).count()


def uncovered_points(user: AnyUser) -> QuerySet[BridgePoint]:
    """Active points of today's units in scope that nobody keeps."""
    scope = scope_for(user)
    if not scope.is_organiser:
        return BridgePoint.objects.none()
    kept = BridgePoint.coordinators.through.objects.filter(bridgepoint_id=OuterRef("pk"))
    return (
        BridgePoint.objects.filter(is_active=True)
        .filter(scope.units_q("unit__"))
        .filter(valid_on_q(timezone.localdate(), "unit__"))
        .filter(~Exists(kept))
        .select_related("unit")
    )


def pending_excuses(user: AnyUser) -> QuerySet[Attendance]:
    """Excuse requests the organiser may decide: at points in scope, of open sessions (a
    closed session's attendance is frozen, so its requests can no longer be decided)."""
    scope = scope_for(user)
    if not scope.is_organiser:
        return Attendance.objects.none()
    return Attendance.objects.filter(
        scope.units_q("participation__point__unit__"),
        attendance_open_q("session__"),
        excuse=Attendance.Excuse.REQUESTED,
    )


def excuse_queue(user: AnyUser, *, session_id: int | None = None) -> QuerySet[Attendance]:
    """The queue page's rows, with everything a row shows in the same query."""
    excuses = pending_excuses(user)
    if session_id is not None:
        excuses = excuses.filter(session_id=session_id)
    return excuses.select_related(
        "session", "participation__point", "entry__person__agency"
    ).order_by("session__starts_at", "session_id", "participation__point__name", "entry_id")


def _per_session(rows: QuerySet, limit: int) -> list[SessionCount]:
    grouped = (
        rows.order_by()
        .values_list("session_id", "session__title", "session__starts_at")
        .annotate(count=Count("pk"))
        .order_by("session__starts_at", "session_id")
    )
    return [SessionCount(*row) for row in grouped[:limit]]


def excuse_sessions(user: AnyUser, *, limit: int = EXCUSE_SESSIONS_SHOWN) -> list[SessionCount]:
    return _per_session(pending_excuses(user), limit)


def failed_notices(user: AnyUser) -> QuerySet[Notice]:
    """Notices that failed for sessions still to be held or closed, at points in scope."""
    return Notice.objects.filter(
        scope_for(user).units_q("participation__point__unit__"),
        attendance_open_q("session__"),
        status=Notice.Status.FAILED,
    )


def surveys_to_close(user: AnyUser, *, now: datetime | None = None) -> QuerySet[Survey]:
    """Surveys still open although their session has ended, of programmes in scope (those
    whose survey the organiser may change)."""
    now = now or timezone.now()
    return (
        Survey.objects.filter(scope_for(user).units_q("session__programme__unit__"))
        .filter(opens_at__lte=now, closes_at__gt=now, session__ends_at__lt=now)
        .select_related("session")
        .order_by("closes_at", "pk")
    )


def _with_counts_in_scope(sessions: list[Session], scope: Scope) -> list[Session]:
    """Each session's points and invited people within the scope, in two queries."""
    ids = [session.pk for session in sessions]
    points = dict(
        SessionPoint.objects.filter(scope.units_q("point__unit__"), session_id__in=ids)
        .order_by()
        .values_list("session_id")
        .annotate(count=Count("pk"))
    )
    invited = dict(
        RosterEntry.objects.filter(
            scope.units_q("participation__point__unit__"),
            session_id__in=ids,
            removed_at__isnull=True,
        )
        .order_by()
        .values_list("session_id")
        .annotate(count=Count("pk"))
    )
    for session in sessions:
        session.point_count = points.get(session.pk, 0)
        session.invited_count = invited.get(session.pk, 0)
    return sessions


def month_by_status(user: AnyUser, *, now: datetime) -> dict[str, object]:
    """This month's sessions by where they stand, for the chart, in one query."""
    local = timezone.localtime(now)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )
    counts = (
        sessions_for(user)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .aggregate(
            upcoming=Count("pk", filter=Q(status=Session.Status.SCHEDULED, ends_at__gte=now)),
            overdue=Count("pk", filter=_held(now)),
            closed=Count("pk", filter=Q(status=Session.Status.CLOSED)),
            cancelled=Count("pk", filter=Q(status=Session.Status.CANCELLED)),
        )
    )
    labels = {
        "upcoming": _("To be held"),
        "overdue": _("Held, not closed"),
        "closed": pgettext("session state", "Closed"),
        "cancelled": _("Cancelled"),
    }
    return {
        "month": local.strftime("%m/%Y"),
        "labels": [labels[key] for key in labels],
        "data": [counts[key] for key in labels],
        "total": sum(counts.values()),
    }


def organiser_home(user: AnyUser) -> OrganiserHome:
    """Everything the organiser's home shows, in a fixed number of queries."""
    scope = scope_for(user)
    now = timezone.now()
    upcoming = scheduled_sessions(user).filter(ends_at__gte=now).order_by("starts_at", "pk")
    overdue = sessions_to_close(user, now=now)
    uncovered = uncovered_points(user)
    excuses = pending_excuses(user)
    failed = failed_notices(user)
    failed_totals = failed.aggregate(total=Count("pk"), sessions=Count("session_id", distinct=True))
    surveys = surveys_to_close(user, now=now)
    return OrganiserHome(
        upcoming=_with_counts_in_scope(list(upcoming.select_related(None)[:UPCOMING_SHOWN]), scope),
        upcoming_count=upcoming.count(),
        overdue=list(overdue.select_related(None)[:FEW_SHOWN]),
        overdue_count=overdue.count(),
        uncovered_points=list(uncovered[:FEW_SHOWN]),
        uncovered_count=uncovered.count(),
        excuse_sessions=_per_session(excuses, FEW_SHOWN),
        excuse_count=excuses.count(),
        failed_sessions=_per_session(failed, FEW_SHOWN),
        failed_count=failed_totals["total"],
        failed_session_count=failed_totals["sessions"],
        surveys=list(surveys[:FEW_SHOWN]),
        survey_count=surveys.count(),
        month_chart=month_by_status(user, now=now),
    )
