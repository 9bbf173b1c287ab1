"""Reads of rosters and attendance, always through the caller's reach."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.http import Http404

from directory.selectors import scope_for
from events.models import BridgePoint, RosterEntry, Session, SessionPoint
from events.selectors import can_keep_roster, sessions_for

from ..models import Attendance, ScanAttempt
from ..tickets import TicketError, read_point_code, ticket_digest, ticket_for


def _kept(user: AbstractBaseUser, **filters: object) -> SessionPoint:
    coordinates = BridgePoint.coordinators.through.objects.filter(
        bridgepoint_id=OuterRef("point_id"), user_id=user.pk
    )
    participation = (
        SessionPoint.objects.select_related("session__programme", "point__unit")
        .annotate(kept_by_user=Exists(coordinates))
        .filter(**filters)
        .first()
    )
    if participation is None:
        raise Http404
    # The point's own coordinator, whose scanner and screen ask all day, is known from the
    # same query; only others need their scope read.
    if not participation.kept_by_user and not can_keep_roster(user, participation):
        raise Http404
    return participation


def kept_participation(user: AbstractBaseUser, participation_id: int) -> SessionPoint:
    """A point of a session whose roster the user keeps, or 404."""
    return _kept(user, pk=participation_id)


def get_participation(user: AbstractBaseUser, session_id: int, point_id: int) -> SessionPoint:
    return _kept(user, session_id=session_id, point_id=point_id)


def kept_entry(user: AbstractBaseUser, entry_id: int) -> RosterEntry:
    entry = (
        RosterEntry.objects.select_related(
            "person__agency", "participation__point__unit", "session"
        )
        .filter(pk=entry_id)
        .first()
    )
    if entry is None or not can_keep_roster(user, entry.participation):
        raise Http404
    return entry


def roster(participation: SessionPoint, *, query: str = "", removed: bool = False) -> QuerySet:
    """A point's roster in Vietnamese name order, with each person's attendance."""
    entries = (
        RosterEntry.objects.filter(participation=participation, removed_at__isnull=not removed)
        .select_related("person__agency", "attendance", "substitute_for__person")
        .order_by("person__sort_name", "pk")
    )
    for word in query.split():
        entries = entries.filter(
            Q(person__full_name__icontains=word)
            | Q(person__phone__contains=word)
            | Q(person__email__icontains=word)
            | Q(person__agency__name__icontains=word)
        )
    return entries


def scanner_roster(participation: SessionPoint) -> list[dict[str, object]]:
    """What a scanner phone keeps to recognise tickets offline: per person the SHA-256 of
    their ticket (never the ticket), name, agency and arrival time."""
    rows = (
        RosterEntry.objects.filter(participation=participation, removed_at__isnull=True)
        .order_by("person__sort_name", "pk")
        .values(
            "pk",
            "ticket_version",
            "person__full_name",
            "person__agency__name",
            "attendance__checked_in_at",
        )
    )
    return [
        {
            "id": row["pk"],
            "digest": ticket_digest(ticket_for(row["pk"], row["ticket_version"])),
            "name": row["person__full_name"],
            "agency": row["person__agency__name"],
            "checked_in_at": row["attendance__checked_in_at"],
        }
        for row in rows
    ]


@dataclass
class PointCount:
    participation_id: int
    point_id: int
    point_name: str
    on_roster: int = 0
    checked_in: int = 0
    last_scan: object = None

    @property
    def percent(self) -> int:
        return round(100 * self.checked_in / self.on_roster) if self.on_roster else 0


@dataclass
class SessionCounts:
    points: list[PointCount]

    @property
    def on_roster(self) -> int:
        return sum(p.on_roster for p in self.points)

    @property
    def checked_in(self) -> int:
        return sum(p.checked_in for p in self.points)

    @property
    def percent(self) -> int:
        return round(100 * self.checked_in / self.on_roster) if self.on_roster else 0


def live_counts(session: Session, participations: QuerySet | None = None) -> SessionCounts:
    """Checked in over on roster for every point of a session, in three queries."""
    points = participations if participations is not None else session.participations.all()
    points = list(points.select_related("point").order_by("point__unit__path", "point__name"))
    counts = {p.pk: PointCount(p.pk, p.point_id, p.point.name) for p in points}
    # One point's page counts that point's rows, not the national session's 300,000.
    only = {"participation_id__in": list(counts)} if participations is not None else {}
    on_roster = (
        RosterEntry.objects.filter(session=session, removed_at__isnull=True, **only)
        .values("participation_id")
        .annotate(n=Count("pk"))
    )
    for row in on_roster:
        if row["participation_id"] in counts:
            counts[row["participation_id"]].on_roster = row["n"]
    arrived = (
        Attendance.objects.filter(
            session=session, checked_in_at__isnull=False, entry__removed_at__isnull=True, **only
        )
        .values("participation_id")
        .annotate(n=Count("pk"), last=Max("checked_in_at"))
    )
    for row in arrived:
        if row["participation_id"] in counts:
            counts[row["participation_id"]].checked_in = row["n"]
            counts[row["participation_id"]].last_scan = row["last"]
    return SessionCounts(list(counts.values()))


def point_counts(participation: SessionPoint) -> PointCount:
    """One point's checked in over on roster, in one query over that point's rows alone:
    what a scanner, a screen and a coordinator's roster page ask for, however large the
    session around the point."""
    totals = RosterEntry.objects.filter(
        participation_id=participation.pk, removed_at__isnull=True
    ).aggregate(
        on_roster=Count("pk"),
        checked_in=Count("attendance__checked_in_at"),
        last_scan=Max("attendance__checked_in_at"),
    )
    return PointCount(participation.pk, participation.point_id, participation.point.name, **totals)


def visible_participations(user: AbstractBaseUser, session: Session) -> QuerySet:
    """The points of a session the user may count: all for its organisers, theirs for a
    coordinator."""
    scope = scope_for(user)
    participations = session.participations.all()
    if scope.is_organiser:
        return participations.filter(scope.units_q("point__unit__"))
    return participations.filter(point__coordinators=user)


def get_session_for_counts(user: AbstractBaseUser, session_id: int) -> Session:
    session = sessions_for(user).filter(pk=session_id).first()
    if session is None or not scope_for(user).is_staff:
        raise Http404
    return session


def recent_scans(participation: SessionPoint, limit: int = 20) -> list[ScanAttempt]:
    """The point's latest scans, naming only people of this point: an organiser's refusal
    here about someone of another point is not for this point's coordinators to read."""
    scans = list(
        ScanAttempt.objects.filter(participation=participation)
        .select_related("entry__person", "entry__participation", "actor")
        .order_by("-server_time", "-pk")[:limit]
    )
    for scan in scans:
        if scan.entry is not None and scan.entry.participation.point_id != participation.point_id:
            scan.entry = None
    return scans


def attendee_entries(user: AbstractBaseUser) -> QuerySet:
    """The roster entries of the signed-in attendee, newest session first."""
    person_id = scope_for(user).person_id
    if person_id is None:
        return RosterEntry.objects.none()
    return (
        RosterEntry.objects.filter(person_id=person_id, removed_at__isnull=True)
        .select_related("session__programme", "participation__point", "attendance")
        .order_by("-session__starts_at")
    )


def session_of_point_code(code: str) -> Session | None:
    """The session behind a point's self check-in code still valid now, else None. It
    tells only when check-in opens: the code is shown on the point's screen to everyone
    in the room."""
    try:
        point_code = read_point_code(code)
    except TicketError:
        return None
    return Session.objects.filter(participations=point_code.participation_id).first()


def get_invitation(user: AbstractBaseUser, session_id: int) -> RosterEntry:
    entry = attendee_entries(user).filter(session_id=session_id).first()
    if entry is None:
        raise Http404
    return entry
