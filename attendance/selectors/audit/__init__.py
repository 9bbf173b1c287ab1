"""Reads for the audit of check-in: every scan attempt, accepted or refused, and every change
made by hand at a point of a session (or, for an organiser, at all the session's points in
their scope), newest first, as one timeline.

The timeline is a UNION of the two tables' keys (which table, id, time), ordered by time and
cut 50 at a time; the rows of a page are then read with what they show, one query per table.
A page costs the same queries for 5 rows as for 300,000, and nothing counts the rows: a page
knows only whether another follows it.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from itertools import islice

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import CharField, F, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from common.search import search_folded
from directory.selectors import scope_for
from events.models import BridgePoint, Session, SessionPoint

from ...models import AttendanceChange, Method, ScanAttempt
from .texts import describe_change, exact_moment, reason_labels, skew_note, words

PAGE_SIZE = 50
# Rows read at once by an export, between two queries for what they show.
EXPORT_CHUNK = 1000
SCAN, CHANGE = "scan", "change"
ACCEPTED, REFUSED, CHANGES = "accepted", "refused", "changes"

# The arrivals each change by hand writes, and so which method a filter by method keeps.
CHANGES_BY_METHOD = {
    Method.PAPER: (AttendanceChange.Kind.PAPER_ENTERED,),
    Method.WALK_IN: (AttendanceChange.Kind.WALK_IN,),
    Method.MANUAL: (AttendanceChange.Kind.CHECKED_IN, AttendanceChange.Kind.TIME_CORRECTED),
}


def refusal_codes() -> list[str]:
    return [code for code in reason_labels() if code not in ("checked_in", "checked_out")]


def kind_choices() -> list[tuple[str, object]]:
    """The filter by what happened: scans accepted or refused (each refusal on its own),
    changes by hand (each kind on its own); grouped as a select shows them."""
    labels = reason_labels()
    return [
        ("", _("Everything")),
        (
            _("Scans"),
            [
                (ACCEPTED, _("Accepted scans")),
                (REFUSED, _("Refused scans, all")),
                *((f"{REFUSED}:{code}", labels[code]) for code in refusal_codes()),
            ],
        ),
        (
            _("Changes by hand"),
            [
                (CHANGES, _("Changes by hand, all")),
                *((f"{CHANGE}:{kind}", label) for kind, label in AttendanceChange.Kind.choices),
            ],
        ),
    ]


@dataclass(frozen=True)
class AuditFilters:
    """What the caller narrows the timeline to; empty is everything."""

    person: str = ""
    kind: str = ""
    method: str = ""
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class AuditPlace:
    """Where the timeline reads: one point of a session, or (`participation` None) every
    point of the session in the organiser's scope."""

    viewer: AbstractBaseUser
    session: Session
    participation: SessionPoint | None = None


@dataclass
class AuditRow:
    """One line of the timeline, with its texts, as the page, the files and the API show it."""

    source: str  # SCAN or CHANGE
    id: int
    at: datetime
    at_text: str
    code: str
    label: str
    outcome_label: str
    point: str
    actor: str
    person: str = ""
    entry_id: int | None = None
    accepted: bool | None = None
    method: str = ""
    method_label: str = ""
    device_id: str = ""
    device_time: datetime | None = None
    device_time_text: str = ""
    clock_skew: int | None = None
    clock_skew_text: str = ""
    reason: str = ""
    changes: list[str] = field(default_factory=list)

    @property
    def is_scan(self) -> bool:
        return self.source == SCAN


@dataclass
class AuditPage:
    rows: list[AuditRow]
    number: int
    has_next: bool
    per_page: int = PAGE_SIZE

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1


# --- Where and what ------------------------------------------------------------------------


def _session_points(place: AuditPlace) -> QuerySet:
    """The session's points in the organiser's scope, a point since taken away included:
    what was scanned there happened."""
    scope = scope_for(place.viewer)
    points = SessionPoint.every.filter(session=place.session).filter(scope.units_q("point__unit__"))
    return points.values("pk")


def _scans(place: AuditPlace) -> QuerySet:
    if place.participation is not None:
        return ScanAttempt.objects.filter(participation_id=place.participation.pk)
    return ScanAttempt.objects.filter(participation__in=_session_points(place))


def _changes(place: AuditPlace) -> QuerySet:
    if place.participation is not None:
        return AttendanceChange.objects.filter(attendance__participation_id=place.participation.pk)
    return AttendanceChange.objects.filter(attendance__participation__in=_session_points(place))


def _kept_points(viewer: AbstractBaseUser) -> QuerySet:
    return BridgePoint.coordinators.through.objects.filter(user_id=viewer.pk).values(
        "bridgepoint_id"
    )


def _visible_entries_q(viewer: AbstractBaseUser, prefix: str) -> Q:
    """Entries (through `prefix`) the viewer may see named: at a point they coordinate, or
    in an organiser's scope. A scan at this point may name someone of another point."""
    visible = Q(**{f"{prefix}participation__point_id__in": _kept_points(viewer)})
    scope = scope_for(viewer)
    if scope.is_organiser:
        visible |= scope.units_q(f"{prefix}participation__point__unit__")
    return visible


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _filtered(place: AuditPlace, filters: AuditFilters) -> tuple[QuerySet, QuerySet]:
    """The scans and the changes the filters keep (either may be none at all)."""
    scans, changes = _scans(place), _changes(place)
    kind, _sep, detail = filters.kind.partition(":")
    if kind == ACCEPTED:
        scans, changes = scans.filter(outcome=ScanAttempt.Outcome.ACCEPTED), changes.none()
    elif kind == REFUSED:
        scans, changes = scans.filter(outcome=ScanAttempt.Outcome.REFUSED), changes.none()
        if detail:
            scans = scans.filter(reason=detail)
    elif kind in (CHANGES, CHANGE):
        scans = scans.none()
        if detail:
            changes = changes.filter(kind=detail)
    if filters.method:
        scans = scans.filter(method=filters.method)
        changes = changes.filter(kind__in=CHANGES_BY_METHOD.get(filters.method, ()))
    if filters.date_from:
        start = _day_start(filters.date_from)
        scans, changes = scans.filter(server_time__gte=start), changes.filter(created_at__gte=start)
    if filters.date_to:
        end = _day_start(filters.date_to + timedelta(days=1))
        scans, changes = scans.filter(server_time__lt=end), changes.filter(created_at__lt=end)
    if filters.person.strip():
        # Only people the viewer may see: a name typed must not find a row about someone of
        # another point, even with the name left out.
        scans = search_folded(
            scans.filter(_visible_entries_q(place.viewer, "entry__")),
            ("entry__person__full_name",),
            filters.person,
        )
        changes = search_folded(changes, ("attendance__entry__person__full_name",), filters.person)
    return scans, changes


def _keys(place: AuditPlace, filters: AuditFilters) -> QuerySet:
    """(table, id, time) of every row kept, newest first: the two tables as one."""
    scans, changes = _filtered(place, filters)
    scans = (
        scans.order_by()
        .annotate(src=Value(SCAN, output_field=CharField()), row=F("pk"), moment=F("server_time"))
        .values("src", "row", "moment")
    )
    changes = (
        changes.order_by()
        .annotate(src=Value(CHANGE, output_field=CharField()), row=F("pk"), moment=F("created_at"))
        .values("src", "row", "moment")
    )
    return scans.union(changes, all=True).order_by("-moment", "-src", "-row")


def count(place: AuditPlace, filters: AuditFilters) -> int:
    """How many rows the filters keep: for an export's record, never for a page."""
    scans, changes = _filtered(place, filters)
    return scans.count() + changes.count()


def timeline(place: AuditPlace, filters: AuditFilters, page: int = 1) -> AuditPage:
    """One page of the timeline, newest first: three queries, whatever the rows."""
    page = max(1, page)
    offset = (page - 1) * PAGE_SIZE
    keys = list(_keys(place, filters)[offset : offset + PAGE_SIZE + 1])
    reader = _Reader(place)
    return AuditPage(
        rows=reader.rows(keys[:PAGE_SIZE]), number=page, has_next=len(keys) > PAGE_SIZE
    )


def every_row(place: AuditPlace, filters: AuditFilters) -> Iterator[AuditRow]:
    """The whole filtered timeline for a file, read a thousand rows at a time."""
    reader = _Reader(place)
    keys = _keys(place, filters).iterator(chunk_size=EXPORT_CHUNK)
    while chunk := list(islice(keys, EXPORT_CHUNK)):
        yield from reader.rows(chunk)


# --- What a row shows ----------------------------------------------------------------------


# Only the columns a row shows: a file of 300,000 rows is read without making a model of
# each of the nine rows a scan joins.
ACTOR = ("actor__username", "actor__first_name", "actor__last_name", "actor__person__full_name")
SCAN_COLUMNS = (
    "pk",
    "server_time",
    "reason",
    "outcome",
    "method",
    "device_id",
    "device_time",
    "clock_skew",
    "participation__point__name",
    "entry_id",
    "entry__person__full_name",
    "entry__participation_id",
    "entry__participation__point_id",
    "entry__participation__point__unit__path",
    *ACTOR,
)
CHANGE_COLUMNS = (
    "pk",
    "created_at",
    "kind",
    "reason",
    "before",
    "after",
    "attendance_id",
    "attendance__entry__person__full_name",
    "attendance__participation__point__name",
    *ACTOR,
)


def _actor_name(row: dict) -> str:
    full_name = f"{row['actor__first_name'] or ''} {row['actor__last_name'] or ''}".strip()
    return row["actor__person__full_name"] or full_name or row["actor__username"] or ""


class _Reader:
    """Reads the rows behind a page of keys, with what they show, in one query per table."""

    def __init__(self, place: AuditPlace) -> None:
        self.place = place
        self.scope = scope_for(place.viewer)
        self.words = words()

    @cached_property
    def kept_point_ids(self) -> set[int]:
        return set(_kept_points(self.place.viewer).values_list("bridgepoint_id", flat=True))

    def may_see(self, row: dict) -> bool:
        """Whether the viewer may see the person a scan names (see _visible_entries_q)."""
        here = self.place.participation
        if here is not None and row["entry__participation_id"] == here.pk:
            return True
        scope, path = self.scope, row["entry__participation__point__unit__path"]
        if scope.is_organiser and (
            scope.national or any(path.startswith(root) for root in scope.unit_paths)
        ):
            return True
        return row["entry__participation__point_id"] in self.kept_point_ids

    def rows(self, keys: Iterable[dict]) -> list[AuditRow]:
        keys = list(keys)
        scan_ids = [key["row"] for key in keys if key["src"] == SCAN]
        change_ids = [key["row"] for key in keys if key["src"] == CHANGE]
        scans = {
            row["pk"]: row
            for row in (
                ScanAttempt.objects.filter(pk__in=scan_ids).order_by().values(*SCAN_COLUMNS)
                if scan_ids
                else ()
            )
        }
        changes = {
            row["pk"]: row
            for row in (
                AttendanceChange.objects.filter(pk__in=change_ids)
                .order_by()
                .values(*CHANGE_COLUMNS)
                if change_ids
                else ()
            )
        }
        rows = []
        for key in keys:
            if key["src"] == SCAN and key["row"] in scans:
                rows.append(self.scan_row(scans[key["row"]]))
            elif key["src"] == CHANGE and key["row"] in changes:
                rows.append(self.change_row(changes[key["row"]]))
        return rows

    def scan_row(self, row: dict) -> AuditRow:
        words = self.words
        named = row["entry_id"] is not None and self.may_see(row)
        accepted = row["outcome"] == ScanAttempt.Outcome.ACCEPTED
        return AuditRow(
            source=SCAN,
            id=row["pk"],
            at=row["server_time"],
            at_text=exact_moment(row["server_time"]),
            code=row["reason"],
            label=words.reasons.get(row["reason"], row["reason"]),
            outcome_label=words.accepted if accepted else words.refused,
            point=row["participation__point__name"] or "",
            actor=_actor_name(row),
            person=row["entry__person__full_name"] if named else "",
            entry_id=row["entry_id"] if named else None,
            accepted=accepted,
            method=row["method"],
            method_label=words.methods.get(row["method"], row["method"]),
            device_id=row["device_id"],
            device_time=row["device_time"],
            device_time_text=exact_moment(row["device_time"]) if row["device_time"] else "",
            clock_skew=row["clock_skew"],
            clock_skew_text=skew_note(row["clock_skew"]),
        )

    def change_row(self, row: dict) -> AuditRow:
        words = self.words
        before, after = row["before"] or {}, row["after"] or {}
        method = after.get("method") or _change_method(row["kind"])
        return AuditRow(
            source=CHANGE,
            id=row["pk"],
            at=row["created_at"],
            at_text=exact_moment(row["created_at"]),
            code=row["kind"],
            label=words.kinds.get(row["kind"], row["kind"]),
            outcome_label=words.by_hand,
            point=row["attendance__participation__point__name"],
            actor=_actor_name(row),
            person=row["attendance__entry__person__full_name"],
            entry_id=row["attendance_id"],
            method=method,
            method_label=words.methods.get(method, method),
            reason=row["reason"],
            changes=describe_change(before, after),
        )


def _change_method(kind: str) -> str:
    return next((m for m, kinds in CHANGES_BY_METHOD.items() if kind in kinds), "")
