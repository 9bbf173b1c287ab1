"""Reads for the live session dashboard: every point of a session in the organiser's scope,
its state and counts, grouped by province, and check-ins over time.

Everything comes from a fixed number of aggregate queries grouped by participation, so the
national session (3,356 points, 300,000 delegates) costs what a nine-point one does. Even so
that is about a second of the database at national scale, and every organiser watching polls
it: the whole session's dashboard is computed at most once per DASHBOARD_SHARED_SECONDS, kept
in the cache (Redis in production) for every process, and each organiser's answer is cut from
it to their scope.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import TruncMinute
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from directory.models import AdministrativeUnit
from directory.selectors import Scope, scope_for
from events.models import RosterEntry, Session, SessionPoint
from events.selectors import sessions_for

from ..models import Attendance
from . import PointCount, SessionCounts, live_counts, visible_participations

# A point still silent this close to the start needs a phone call.
SILENT_BEFORE_START = timedelta(minutes=10)
BUCKET_MINUTES = 5
# One day of five-minute bars; a timeline longer than that keeps its most recent part.
MAX_BUCKETS = 288
CENTRAL_GROUP = "central"
# One process computes a session's dashboard while the others wait for it this long at most
# (the national one takes about a second); a process that died computing it holds the lock
# no longer than LOCK_SECONDS.
WAIT_SECONDS = 10.0
WAIT_STEP_SECONDS = 0.05
LOCK_SECONDS = 30
T = TypeVar("T")


class PointState:
    NOT_STARTED = "not_started"
    CHECKING_IN = "checking_in"
    DONE = "done"

    ALL = (NOT_STARTED, CHECKING_IN, DONE)


def state_labels() -> dict[str, str]:
    return {
        PointState.NOT_STARTED: _("Not started"),
        PointState.CHECKING_IN: _("Checking in"),
        PointState.DONE: _("Ended"),
    }


@dataclass
class PointRow:
    participation_id: int
    point_id: int
    name: str
    unit: str
    group: str
    # The point's unit's path in the tree: what an organiser's scope is checked against.
    path: str = ""
    invited: int = 0
    checked_in: int = 0
    late: int = 0
    last_scan: datetime | None = None
    state: str = PointState.NOT_STARTED
    silent: bool = False

    @property
    def on_time(self) -> int:
        return self.checked_in - self.late

    @property
    def percent(self) -> int:
        return round(100 * self.checked_in / self.invited) if self.invited else 0


@dataclass
class Totals:
    points: int = 0
    invited: int = 0
    checked_in: int = 0
    late: int = 0
    silent: int = 0
    last_scan: datetime | None = None
    states: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PointState.ALL, 0))

    @property
    def on_time(self) -> int:
        return self.checked_in - self.late

    @property
    def percent(self) -> int:
        return round(100 * self.checked_in / self.invited) if self.invited else 0

    def add(self, row: PointRow) -> None:
        self.points += 1
        self.invited += row.invited
        self.checked_in += row.checked_in
        self.late += row.late
        self.silent += row.silent
        self.states[row.state] += 1
        if row.last_scan is not None and (self.last_scan is None or row.last_scan > self.last_scan):
            self.last_scan = row.last_scan


@dataclass
class Group:
    """The points of one province (or the central level), with their subtotals."""

    key: str
    name: str
    points: list[PointRow] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)


@dataclass
class Bucket:
    starts_at: datetime
    count: int
    cumulative: int


@dataclass
class Dashboard:
    session: Session
    now: datetime
    silent_from: datetime
    groups: list[Group]
    totals: Totals
    timeline: list[Bucket]

    @property
    def silent_points(self) -> list[PointRow]:
        return [row for group in self.groups for row in group.points if row.silent]

    @property
    def is_over(self) -> bool:
        return _is_over(self.session, self.now)


def get_dashboard_session(user: AbstractBaseUser, session_id: int) -> Session:
    """The session for its dashboard: organisers only (403 for anyone else), and only a
    session that reaches into the organiser's scope (404 otherwise)."""
    if not scope_for(user).is_organiser:
        raise PermissionDenied
    session = sessions_for(user).select_related("host_point__unit").filter(pk=session_id).first()
    if session is None:
        raise Http404
    return session


def dashboard_participations(user: AbstractBaseUser, session: Session) -> QuerySet:
    """The points of the session inside the organiser's scope."""
    return SessionPoint.objects.filter(session=session).filter(
        scope_for(user).units_q("point__unit__")
    )


def dashboard_for(
    user: AbstractBaseUser, session: Session, *, now: datetime | None = None
) -> "Dashboard":
    """The session's dashboard as the user may see it: cut from the whole session's, shared
    for the interval. Asked for another moment (`now`), or with sharing off, it is computed
    for this call alone."""
    scope = scope_for(user)
    seconds = shared_seconds()
    if now is not None or seconds <= 0:
        return session_dashboard(
            session, dashboard_participations(user, session), now=now, whole_session=scope.national
        )
    return _cut_to_scope(session, shared_dashboard(session, seconds), scope, seconds)


def shared_seconds() -> int:
    """How long a computed dashboard serves: never longer than the page waits between
    polls, so that a poll never gets the answer the poll before it had."""
    return min(settings.DASHBOARD_SHARED_SECONDS, settings.DASHBOARD_POLL_SECONDS)


def current_interval(seconds: int) -> int:
    """The number of the interval we are in: the same in every process on the same clock,
    so that all of them share one computation per interval."""
    return int(time.time() // seconds)


def _shared(key: str, seconds: int, compute: Callable[[], T]) -> T:
    """`compute()`'s value, computed at most once under `key` however many processes ask
    at once: the first takes a lock (`cache.add`, atomic in Redis) and computes, the others
    wait for its value. Without a working cache every caller computes for itself."""
    lock = f"{key}:lock"
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        value = cache.get(key)
        if value is not None:
            return value
        if cache.add(lock, 1, LOCK_SECONDS):
            try:
                value = compute()
                # Kept a little past the interval, for a process whose clock runs late.
                cache.set(key, value, seconds * 2)
            finally:
                cache.delete(lock)
            return value
        # No lock there either: the cache keeps nothing (Redis away), so nobody will share.
        if cache.get(lock) is None or time.monotonic() > deadline:
            return compute()
        time.sleep(WAIT_STEP_SECONDS)


def _shared_key(session: Session, seconds: int, what: str) -> str:
    # The session's last change is in the key: closing or moving it changes every point's
    # state at once, which must not wait for the next interval.
    changed = session.updated_at.timestamp() if session.updated_at else 0
    return f"dashboard:{session.pk}:{changed}:{seconds}:{current_interval(seconds)}:{what}"


def shared_dashboard(session: Session, seconds: int) -> "Dashboard":
    """The whole session's dashboard, as computed at most once per interval of `seconds`."""
    whole = _shared(
        _shared_key(session, seconds, "whole"),
        seconds,
        lambda: replace(
            session_dashboard(session, session.participations.all(), whole_session=True),
            session=None,
        ),
    )
    return replace(whole, session=session)


def _covers(scope: Scope, path: str) -> bool:
    return scope.national or any(path.startswith(root) for root in scope.unit_paths)


def _cut_to_scope(session: Session, whole: "Dashboard", scope: Scope, seconds: int) -> "Dashboard":
    """The points, groups and totals of `whole` inside the scope, in the same order; the
    timeline of the scope's points."""
    if scope.national:
        return whole
    totals = Totals()
    groups = []
    for group in whole.groups:
        rows = [row for row in group.points if _covers(scope, row.path)]
        if not rows:
            continue
        kept = Group(group.key, group.name, rows)
        for row in rows:
            kept.totals.add(row)
            totals.add(row)
        groups.append(kept)
    if totals.points == whole.totals.points:
        timeline = whole.timeline
    else:
        # Arrivals per minute are counted in the database, not per point: a scope's timeline
        # is its own query, shared in turn by every organiser of the same scope.
        roots = ",".join(scope.unit_paths)
        timeline = _shared(
            _shared_key(session, seconds, f"timeline:{roots}"),
            seconds,
            lambda: check_in_timeline(
                session,
                SessionPoint.objects.filter(session=session).filter(scope.units_q("point__unit__")),
                now=whole.now,
            ),
        )
    return replace(whole, groups=groups, totals=totals, timeline=timeline)


def shared_answer(
    user: AbstractBaseUser, session: Session, render: Callable[["Dashboard"], bytes]
) -> bytes:
    """`render(dashboard_for(user, session))`, rendered at most once per interval for each
    scope: every organiser of the nation polls the same megabyte of JSON, and writing it
    out cost ten times what cutting it did."""
    scope = scope_for(user)
    seconds = shared_seconds()
    if seconds <= 0:
        return render(dashboard_for(user, session))
    roots = "national" if scope.national else ",".join(sorted(scope.unit_paths))
    # The answer names groups in the caller's language.
    return _shared(
        _shared_key(session, seconds, f"answer:{get_language()}:{roots}"),
        seconds,
        lambda: render(dashboard_for(user, session)),
    )


def shared_counts(user: AbstractBaseUser, session: Session) -> SessionCounts:
    """Checked in over on roster per point in an organiser's scope, read from the shared
    dashboard: the session's counts API asked by organisers costs no count of its own."""
    seconds = shared_seconds()
    if seconds <= 0:
        return live_counts(session, visible_participations(user, session))
    dashboard = _cut_to_scope(session, shared_dashboard(session, seconds), scope_for(user), seconds)
    rows = sorted(
        (row for group in dashboard.groups for row in group.points),
        key=lambda row: (row.path, row.name),
    )
    return SessionCounts(
        [
            PointCount(
                row.participation_id,
                row.point_id,
                row.name,
                on_roster=row.invited,
                checked_in=row.checked_in,
                last_scan=row.last_scan,
            )
            for row in rows
        ]
    )


def _is_over(session: Session, now: datetime) -> bool:
    """No more check-ins will come: closed or cancelled, or its check-in window has ended
    (a held session still takes them while an organiser's wider window is open)."""
    return not session.attendance_open or now > session.checkin_closes_at


def point_state(*, session: Session, checked_in: int, now: datetime) -> str:
    """Finished once check-in has ended (or the session was closed or cancelled); checking
    in once the first delegate arrived; not started before that."""
    if _is_over(session, now):
        return PointState.DONE
    if checked_in:
        return PointState.CHECKING_IN
    return PointState.NOT_STARTED


def _group_of(path: str, level: str, province_names: dict[int, str]) -> tuple[str, str]:
    province_id = AdministrativeUnit.province_id_in(path)
    if level == AdministrativeUnit.Level.NATION or province_id is None:
        return CENTRAL_GROUP, _("Central level")
    return str(province_id), province_names.get(province_id, "")


def session_dashboard(
    session: Session,
    participations: QuerySet,
    *,
    now: datetime | None = None,
    whole_session: bool = False,
) -> Dashboard:
    """Every point's state and counts, grouped by province, and check-ins per five
    minutes; five queries whatever the number of points. `whole_session` says that
    `participations` are all the session's points (a national organiser's view), so the
    timeline need not filter by them."""
    now = now or timezone.now()
    points, groups, provinces = _point_rows(participations)
    _count_invited(session, points)
    _count_arrivals(session, points)
    silent_from = session.starts_at - SILENT_BEFORE_START
    totals = _place_points(session, points, groups, now=now, silent_from=silent_from)

    def official_order(group: Group) -> tuple[bool, str, str]:
        # Reports list provinces by their official code, north to south (Hà Nội is 01).
        if group.key == CENTRAL_GROUP:
            return (False, "", "")
        return (True, provinces.get(int(group.key), ("", ""))[1], group.name)

    ordered = sorted(groups.values(), key=official_order)
    return Dashboard(
        session=session,
        now=now,
        silent_from=silent_from,
        groups=ordered,
        totals=totals,
        timeline=check_in_timeline(session, participations, now=now, whole_session=whole_session),
    )


def _point_rows(
    participations: QuerySet,
) -> tuple[dict[int, PointRow], dict[str, Group], dict[int, tuple[str, str]]]:
    """An empty row per point, by participation, in the tree's order; the groups they fall
    in; and the provinces' names and codes."""
    rows = list(
        participations.order_by("point__unit__path", "point__name").values_list(
            "pk",
            "point_id",
            "point__name",
            "point__unit__name",
            "point__unit__path",
            "point__unit__level",
        )
    )
    province_ids = {AdministrativeUnit.province_id_in(path) for *_, path, _level in rows} - {None}
    provinces = {
        pk: (name, code)
        for pk, name, code in AdministrativeUnit.objects.filter(pk__in=province_ids).values_list(
            "pk", "name", "code"
        )
    }
    province_names = {pk: name for pk, (name, _code) in provinces.items()}
    groups: dict[str, Group] = {}
    points: dict[int, PointRow] = {}
    for participation_id, point_id, name, unit_name, path, level in rows:
        key, group_name = _group_of(path, level, province_names)
        groups.setdefault(key, Group(key, group_name))
        points[participation_id] = PointRow(participation_id, point_id, name, unit_name, key, path)
    return points, groups, provinces


def _count_invited(session: Session, points: dict[int, PointRow]) -> None:
    invited = (
        RosterEntry.objects.filter(session=session, removed_at__isnull=True)
        .order_by()
        .values_list("participation_id")
        .annotate(n=Count("pk"))
    )
    for participation_id, n in invited:
        if participation_id in points:
            points[participation_id].invited = n


def _count_arrivals(session: Session, points: dict[int, PointRow]) -> None:
    late_after = session.starts_at + timedelta(minutes=session.late_after_minutes)
    arrived = (
        _arrivals(session)
        .order_by()
        .values_list("participation_id")
        .annotate(
            n=Count("pk"),
            late=Count("pk", filter=Q(checked_in_at__gt=late_after)),
            last=Max("checked_in_at"),
        )
    )
    for participation_id, n, late, last in arrived:
        if participation_id in points:
            row = points[participation_id]
            row.checked_in, row.late, row.last_scan = n, late, last


def _place_points(
    session: Session,
    points: dict[int, PointRow],
    groups: dict[str, Group],
    *,
    now: datetime,
    silent_from: datetime,
) -> Totals:
    """Give each point its state, put it in its group and add it up; returns the totals."""
    totals = Totals()
    for row in points.values():
        row.state = point_state(session=session, checked_in=row.checked_in, now=now)
        row.silent = row.state == PointState.NOT_STARTED and now >= silent_from
        group = groups[row.group]
        group.points.append(row)
        group.totals.add(row)
        totals.add(row)
    for group in groups.values():
        # Problem points first; otherwise the tree's own order (district, then its communes).
        group.points.sort(key=lambda row: not row.silent)
    return totals


def _arrivals(session: Session) -> QuerySet:
    # People taken off a roster are few: leaving them out with an anti-join on their ids
    # costs far less than joining 300,000 attendances to their roster entries.
    removed = RosterEntry.objects.filter(session=session, removed_at__isnull=False)
    return Attendance.objects.filter(session=session, checked_in_at__isnull=False).exclude(
        entry_id__in=removed.values("pk")
    )


def _bucket_start(moment: datetime) -> datetime:
    return moment.replace(
        minute=moment.minute - moment.minute % BUCKET_MINUTES, second=0, microsecond=0
    )


def check_in_timeline(
    session: Session,
    participations: QuerySet,
    *,
    now: datetime | None = None,
    whole_session: bool = False,
) -> list[Bucket]:
    """Check-ins per five minutes, and the running total, from the first arrival to the
    last (to now while the session runs). The database counts per minute; the buckets are
    summed here."""
    arrivals = _arrivals(session)
    if not whole_session:
        arrivals = arrivals.filter(participation__in=participations.order_by().values("pk"))
    per_minute = (
        arrivals.annotate(minute=TruncMinute("checked_in_at"))
        .order_by()
        .values_list("minute")
        .annotate(n=Count("pk"))
    )
    step = timedelta(minutes=BUCKET_MINUTES)
    counts: dict[datetime, int] = {}
    for minute, n in per_minute:
        start = _bucket_start(timezone.localtime(minute))
        counts[start] = counts.get(start, 0) + n
    if not counts:
        return []
    first, last = min(counts), max(counts)
    if now is not None and not _is_over(session, now):
        last = max(last, _bucket_start(timezone.localtime(now)))
    buckets: list[Bucket] = []
    cumulative = 0
    start = first
    while start <= last:
        n = counts.get(start, 0)
        cumulative += n
        buckets.append(Bucket(start, n, cumulative))
        start += step
    return buckets[-MAX_BUCKETS:]
