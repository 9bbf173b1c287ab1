"""Reads of bridge points and sessions, through the caller's scope."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from directory.models import AdministrativeUnit
from directory.selectors import AnyUser, scope_for, units_for
from training.models import Programme

from .models import (
    BridgePoint,
    CalendarFeed,
    Notice,
    NoticeBatch,
    RosterEntry,
    Session,
    SessionPoint,
)
from .notices.kinds import kind_label
from .notices.models import PlanLine, default_plan

CONFLICTS_SHOWN = 50


@dataclass(frozen=True)
class Conflict:
    """Another session booking the same room, or the same coordinator, at an overlapping time."""

    kind: str  # "room" or "coordinator"
    point_name: str
    other_session_id: int
    other_title: str
    other_starts_at: datetime
    other_ends_at: datetime
    coordinator: str = ""


def _overlapping(session: Session) -> Q:
    return Q(
        session__starts_at__lt=session.ends_at,
        session__ends_at__gt=session.starts_at,
        session__status=Session.Status.SCHEDULED,
    ) & ~Q(session=session)


def find_conflicts(*, session: Session) -> list[Conflict]:
    """Rooms and coordinators of this session already booked at overlapping times.

    Two queries whatever the number of points; at most CONFLICTS_SHOWN of each kind.
    """
    mine = SessionPoint.objects.filter(session=session).values("point_id")
    columns = (
        "point__name",
        "session_id",
        "session__title",
        "session__starts_at",
        "session__ends_at",
    )
    rooms = (
        SessionPoint.objects.filter(_overlapping(session), point_id__in=mine)
        .order_by("session__starts_at", "point__name")
        .values_list(*columns)[:CONFLICTS_SHOWN]
    )
    conflicts = [Conflict("room", *row) for row in rooms]
    people = (
        SessionPoint.objects.filter(
            _overlapping(session),
            point__coordinators__coordinated_points__in=mine,
        )
        .exclude(point_id__in=mine)
        .order_by("session__starts_at", "point__name")
        .values_list(*columns, "point__coordinators__username")
        .distinct()[:CONFLICTS_SHOWN]
    )
    conflicts += [Conflict("coordinator", *row[:5], coordinator=row[5]) for row in people]
    return conflicts


def points_for(user: AnyUser) -> QuerySet[BridgePoint]:
    """Points an organiser's scope reaches, or the points a coordinator keeps."""
    scope = scope_for(user)
    points = BridgePoint.objects.select_related("unit")
    if scope.is_organiser:
        return points.filter(scope.units_q("unit__"))
    if scope.is_coordinator:
        return points.filter(coordinators=user)
    return points.none()


def sessions_for(user: AnyUser) -> QuerySet[Session]:
    """Sessions a user may see: in an organiser's scope (by programme, host or any point),
    at a coordinator's points, or, for an attendee, where they are on the roster."""
    scope = scope_for(user)
    sessions = Session.objects.select_related("programme", "host_point", "series")
    if scope.national:
        return sessions
    visible = Q(pk__in=[])
    if scope.is_organiser:
        visible |= (
            Q(programme__in=Programme.objects.filter(scope.units_q("unit__")))
            | Q(host_point__in=BridgePoint.objects.filter(scope.units_q("unit__")))
            | Exists(
                SessionPoint.objects.filter(scope.units_q("point__unit__"), session=OuterRef("pk"))
            )
        )
    if scope.is_coordinator:
        visible |= Q(host_point__coordinators=user) | Exists(
            SessionPoint.objects.filter(session=OuterRef("pk"), point__coordinators=user)
        )
    if scope.person_id is not None:
        visible |= Exists(
            RosterEntry.objects.filter(
                session=OuterRef("pk"), person=scope.person_id, removed_at__isnull=True
            )
        )
    return sessions.filter(visible)


def get_session_for(user: AnyUser, session_id: int) -> Session:
    session = sessions_for(user).filter(pk=session_id).first()
    if session is None:
        raise Http404
    return session


def get_active_feed(token: str) -> CalendarFeed:
    """The feed behind a subscription URL; 404 when the token is wrong or revoked."""
    feed = (
        CalendarFeed.objects.select_related("person", "point", "programme")
        .filter(token=token, revoked_at__isnull=True)
        .first()
    )
    if feed is None:
        raise Http404
    return feed


@dataclass(frozen=True)
class FeedContent:
    name: str
    sessions: list[Session]
    locations: dict[int, BridgePoint]
    default_location: BridgePoint | None = None

    def location_for(self, session: Session) -> BridgePoint | None:
        return self.locations.get(session.pk, self.default_location or session.host_point)


def _calendar_sessions(sessions: QuerySet[Session]) -> list[Session]:
    return list(
        sessions.select_related("programme", "host_point", "series")
        .prefetch_related("agenda_items")
        .order_by("starts_at")
    )


def feed_content(feed: CalendarFeed) -> FeedContent:
    """What a feed shows, with each attendee's own bridge point as the LOCATION."""
    if feed.kind == CalendarFeed.Kind.PERSON:
        locations = {p.session_id: p.point for p in attendance_points(feed.person_id)}
        sessions = Session.objects.filter(pk__in=locations.keys())
        return FeedContent(feed.person.full_name, _calendar_sessions(sessions), locations)
    if feed.kind == CalendarFeed.Kind.POINT:
        sessions = Session.objects.filter(
            Q(participations__point=feed.point) | Q(host_point=feed.point)
        ).distinct()
        return FeedContent(feed.point.name, _calendar_sessions(sessions), {}, feed.point)
    sessions = Session.objects.filter(programme=feed.programme)
    return FeedContent(feed.programme.title, _calendar_sessions(sessions), {})


def calendar_sessions(session: Session) -> list[Session]:
    """One session for its own .ics: an occurrence comes with its whole series."""
    if session.series_id is None:
        return _calendar_sessions(Session.objects.filter(pk=session.pk))
    return _calendar_sessions(Session.objects.filter(series_id=session.series_id))


def attendance_points(person_id: int) -> QuerySet[SessionPoint]:
    """The points a person attends at: where they are on the roster."""
    return SessionPoint.objects.filter(
        roster__person=person_id, roster__removed_at__isnull=True
    ).select_related("point")


def can_keep_roster(user: AnyUser, participation: SessionPoint) -> bool:
    """Organisers over the point's unit, and the point's own coordinators."""
    scope = scope_for(user)
    if scope.is_organiser and scope.covers_unit(participation.point.unit):
        return True
    return participation.point.coordinators.filter(pk=user.pk).exists()


def get_point_for(user: AnyUser, point_id: int) -> BridgePoint:
    """The point, or 404 when it does not exist or lies outside the user's reach."""
    point = points_for(user).filter(pk=point_id).first()
    if point is None:
        raise Http404
    return point


def attendee_location(user: AnyUser, session: Session) -> BridgePoint:
    """Where this user attends: the point whose roster they are on, else the host."""
    person_id = scope_for(user).person_id
    participation = (
        attendance_points(person_id).filter(session=session).first() if person_id else None
    )
    return participation.point if participation else session.host_point


def sessions_with_counts(sessions: QuerySet[Session]) -> QuerySet[Session]:
    return sessions.annotate(point_count=Count("participations", distinct=True))


@dataclass(frozen=True)
class ProvinceGroup:
    province: str
    points: list[tuple[int, str, str]]  # participation id, point name, unit name

    @property
    def count(self) -> int:
        return len(self.points)


def points_by_province(session: Session) -> list[ProvinceGroup]:
    """A session's points grouped under their province, in three queries for any size."""
    rows = list(
        SessionPoint.objects.filter(session=session)
        .order_by("point__unit__path", "point__name")
        .values_list("pk", "point__name", "point__unit__name", "point__unit__path")
    )
    province_of = AdministrativeUnit.province_id_in
    province_ids = {province_of(path) for *_, path in rows} - {None}
    names = dict(AdministrativeUnit.objects.filter(pk__in=province_ids).values_list("pk", "name"))
    groups: dict[str, list[tuple[int, str, str]]] = {}
    for participation_id, point_name, unit_name, path in rows:
        province = names.get(province_of(path), unit_name)
        groups.setdefault(province, []).append((participation_id, point_name, unit_name))
    return [ProvinceGroup(name, points) for name, points in sorted(groups.items())]


def province_units_for(user: AnyUser) -> QuerySet[AdministrativeUnit]:
    return units_for(user).filter(level=AdministrativeUnit.Level.PROVINCE).order_by("name")


def choosable_units_for(user: AnyUser) -> QuerySet[AdministrativeUnit]:
    """Units a bulk choice can start from: provinces and districts in scope."""
    return (
        units_for(user)
        .filter(level__in=[AdministrativeUnit.Level.PROVINCE, AdministrativeUnit.Level.DISTRICT])
        .select_related("parent")
        .order_by("path")
    )


def filter_sessions(
    sessions: QuerySet[Session],
    *,
    query: str = "",
    programme: object = None,
    province: AdministrativeUnit | None = None,
    status: str = "",
) -> QuerySet[Session]:
    if query:
        sessions = sessions.filter(title__icontains=query)
    if programme is not None:
        sessions = sessions.filter(programme=programme)
    if province is not None:
        sessions = sessions.filter(
            Exists(
                SessionPoint.objects.filter(
                    session=OuterRef("pk"), point__unit__path__startswith=province.path
                )
            )
        )
    if status:
        sessions = sessions.filter(status=status)
    return sessions


def upcoming_by_point(points: list[BridgePoint], *, limit: int = 5) -> dict[int, list[Session]]:
    """The next sessions at each of a coordinator's points, in one query."""
    now = timezone.now()
    rows = (
        SessionPoint.objects.filter(point__in=points, session__ends_at__gte=now)
        .select_related("session")
        .order_by("session__starts_at")
    )
    upcoming: dict[int, list[Session]] = {point.pk: [] for point in points}
    for row in rows:
        if len(upcoming[row.point_id]) < limit:
            upcoming[row.point_id].append(row.session)
    return upcoming


# Notices --------------------------------------------------------------------------------


@dataclass
class NoticeProgress:
    """One sending (a reminder, a change, or all invitations) and how far it has got."""

    kind: str
    label: str
    planned_for: datetime | None
    total: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    waiting: int = 0

    @property
    def done(self) -> int:
        return self.sent + self.failed + self.skipped

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.done / self.total)

    def percent_of(self, count: int) -> float:
        return 0 if not self.total else round(100 * count / self.total, 1)

    @property
    def sent_percent(self) -> float:
        return self.percent_of(self.sent)

    @property
    def failed_percent(self) -> float:
        return self.percent_of(self.failed)

    @property
    def skipped_percent(self) -> float:
        return self.percent_of(self.skipped)


def notice_progress(session: Session) -> list[NoticeProgress]:
    """Every sending of the session with counts by status, in two queries however many."""
    batches = {batch.pk: batch for batch in NoticeBatch.objects.filter(session=session)}
    counts = (
        Notice.objects.filter(session=session)
        .order_by()
        .values_list("kind", "batch_id", "status")
        .annotate(count=Count("pk"))
    )
    progress: dict[object, NoticeProgress] = {}
    for kind, batch_id, status, count in counts:
        batch = batches.get(batch_id)
        key = batch_id or kind
        if key not in progress:
            progress[key] = NoticeProgress(
                kind=kind,
                label=kind_label(kind),
                planned_for=batch.planned_for if batch else None,
            )
        row = progress[key]
        row.total += count
        field = {
            Notice.Status.SENT: "sent",
            Notice.Status.FAILED: "failed",
            Notice.Status.SKIPPED: "skipped",
        }.get(status, "waiting")
        setattr(row, field, getattr(row, field) + count)
    # Invitations (no planned moment) first, then the sendings in time order.
    return sorted(
        progress.values(), key=lambda row: (row.planned_for is not None, row.planned_for or 0)
    )


def needs_fixing() -> Q:
    """Notices that did not reach their recipient for a reason someone can mend."""
    return Q(status=Notice.Status.FAILED) | Q(
        status=Notice.Status.SKIPPED, problem=Notice.Problem.NO_ADDRESS
    )


def _to_fix_in_reach(user: AnyUser, session: Session) -> QuerySet[Notice]:
    return (
        Notice.objects.filter(session=session)
        .filter(needs_fixing())
        .filter(scope_for(user).units_q("participation__point__unit__"))
    )


@dataclass(frozen=True)
class PointProblems:
    participation_id: int
    point_name: str
    failed: int
    no_address: int


def notice_problems_by_point(user: AnyUser, session: Session) -> list[PointProblems]:
    """People whose notices failed or had no address, counted per bridge point in reach."""
    rows = (
        _to_fix_in_reach(user, session)
        .order_by("participation__point__name")
        .values_list("participation_id", "participation__point__name")
        .annotate(
            failed=Count("person", distinct=True, filter=Q(status=Notice.Status.FAILED)),
            no_address=Count("person", distinct=True, filter=Q(status=Notice.Status.SKIPPED)),
        )
    )
    return [PointProblems(*row) for row in rows]


def notices_to_fix(user: AnyUser, session: Session, participation_id: int | None = None):
    """The failed and address-less notices a user may look at, newest problem first."""
    notices = (
        _to_fix_in_reach(user, session)
        .select_related("person", "user", "participation__point", "entry")
        .order_by("participation__point__name", "person__sort_name", "kind", "pk")
    )
    if participation_id is not None:
        notices = notices.filter(participation_id=participation_id)
    return notices


@dataclass(frozen=True)
class Unreached:
    entry_id: int | None
    name: str
    address: str
    problem: str
    kinds: list[str]


def unreached_people(
    user: AnyUser, participation: SessionPoint, limit: int = 50
) -> list[Unreached]:
    """The people of one point whose notices could not reach them, once each, for the
    coordinator to correct their address."""
    people: dict[object, Unreached] = {}
    for notice in notices_to_fix(user, participation.session, participation.pk)[: limit * 6]:
        key = notice.person_id or f"user-{notice.user_id}"
        if key not in people:
            people[key] = Unreached(
                entry_id=notice.entry_id,
                name=str(notice.person or notice.user),
                address=notice.address or (notice.person.email if notice.person else ""),
                problem=notice.get_problem_display(),
                kinds=[],
            )
        people[key].kinds.append(notice.get_kind_display())
    return list(people.values())[:limit]


def plan_source(session: Session) -> tuple[str, list[tuple[PlanLine, bool]]]:
    """Where the session's plan comes from ("session", "programme" or "default") and its
    lines in a stable order, each with whether it is switched on.

    Reads `reminder_rules` of the session and the programme; prefetch them for many."""
    own = sorted(session.reminder_rules.all(), key=lambda rule: rule.pk)
    if own:
        return "session", [(rule.line(), rule.is_active) for rule in own]
    inherited = sorted(session.programme.reminder_rules.all(), key=lambda rule: rule.pk)
    if inherited:
        return "programme", [(rule.line(), rule.is_active) for rule in inherited]
    return "default", [(line, True) for line in default_plan()]


def effective_plan(session: Session) -> list[PlanLine]:
    """The lines that are switched on: the session's own, else its programme's, else the
    defaults."""
    return [line for line, active in plan_source(session)[1] if active]


@dataclass(frozen=True)
class PlannedLine:
    position: int
    kind: str
    label: str
    description: str
    planned_for: datetime
    active: bool
    batch: NoticeBatch | None


def reminder_plan(session: Session) -> tuple[str, list[PlannedLine]]:
    """The session's plan and where it comes from; each line with when it falls, whether
    it is on, and its batch once planned."""
    batches = {
        (batch.kind, batch.planned_for): batch
        for batch in NoticeBatch.objects.filter(session=session, change=None)
    }
    source, lines = plan_source(session)
    planned = [
        PlannedLine(
            position=position,
            kind=line.kind,
            label=kind_label(line.kind),
            description=line.describe(),
            planned_for=(moment := line.planned_for(session)),
            active=active,
            batch=batches.get((line.kind, moment)),
        )
        for position, (line, active) in enumerate(lines)
    ]
    return source, sorted(planned, key=lambda line: line.planned_for)
