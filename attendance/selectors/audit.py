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
from events.models import BridgePoint, RosterEntry, Session, SessionPoint

from ..models import Attendance, AttendanceChange, Method, ScanAttempt
from ..window import skew_text
from .dashboard import dashboard_participations

PAGE_SIZE = 50
# Rows read at once by an export, between two queries for what they show.
EXPORT_CHUNK = 1000
SCAN, CHANGE = "scan", "change"
ACCEPTED, REFUSED, CHANGES = "accepted", "refused", "changes"
# A clock this close to the server's is the network's delay, not a wrong clock.
SKEW_WORTH_SAYING = 60

# The arrivals each change by hand writes, and so which method a filter by method keeps.
CHANGES_BY_METHOD = {
    Method.PAPER: (AttendanceChange.Kind.PAPER_ENTERED,),
    Method.WALK_IN: (AttendanceChange.Kind.WALK_IN,),
    Method.MANUAL: (AttendanceChange.Kind.CHECKED_IN, AttendanceChange.Kind.TIME_CORRECTED),
}


def reason_labels() -> dict[str, str]:
    """The short name of every answer a scan is given (attendance.services.scans), as the
    timeline and its filter show it; the scanner's own sentences name the person."""
    return {
        "checked_in": _("Checked in"),
        "checked_out": _("Checked out"),
        "too_long": _("Code far too long"),
        "not_a_ticket": _("Not a DiemCau ticket"),
        "malformed": _("Damaged ticket"),
        "forged": _("Forged ticket"),
        "revoked": _("Revoked ticket"),
        "not_on_roster": _("Not on the session's roster"),
        "wrong_session": _("Ticket for another session"),
        "wrong_point": _("On another point's roster"),
        "already_checked_in": _("Already checked in"),
        "not_checked_in": _("Not checked in yet"),
        "session_cancelled": _("Session cancelled"),
        "session_closed": _("Session closed"),
        "not_open_yet": _("Check-in not open yet"),
        "ended": _("Check-in had ended"),
        "not_your_point": _("Not the scanner's point"),
        "unknown_point": _("Unknown bridge point"),
        "unknown_person": _("Unknown person"),
        "rate_limited": _("Too many scans"),
        "expired": _("Screen code expired"),
        "no_person": _("Account linked to nobody"),
    }


def reason_label(code: str) -> str:
    return reason_labels().get(code, code)


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


def kind_values() -> set[str]:
    values = set()
    for value, label in kind_choices():
        values |= {inner for inner, _label in label} if isinstance(label, list) else {value}
    return values


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

    @property
    def whole_session(self) -> bool:
        return self.participation is None


@dataclass
class AuditRow:
    """One line of the timeline, as the page, the files and the API show it."""

    source: str  # SCAN or CHANGE
    id: int
    at: datetime
    code: str
    label: str
    point: str
    actor: str
    person: str = ""
    entry_id: int | None = None
    accepted: bool | None = None
    method: str = ""
    method_label: str = ""
    device_id: str = ""
    device_time: datetime | None = None
    clock_skew: int | None = None
    reason: str = ""
    changes: list[str] = field(default_factory=list)

    @property
    def is_scan(self) -> bool:
        return self.source == SCAN

    @property
    def outcome_label(self) -> str:
        if self.accepted is None:
            return _("Changed by hand")
        return _("Accepted") if self.accepted else _("Refused")

    @property
    def at_text(self) -> str:
        return exact_moment(self.at)

    @property
    def device_time_text(self) -> str:
        return exact_moment(self.device_time) if self.device_time else ""

    @property
    def clock_skew_text(self) -> str:
        if self.clock_skew is None or abs(self.clock_skew) < SKEW_WORTH_SAYING:
            return ""
        if self.clock_skew > 0:
            return _("%(amount)s ahead") % {"amount": skew_text(self.clock_skew)}
        return _("%(amount)s behind") % {"amount": skew_text(self.clock_skew)}


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


def exact_moment(moment: datetime) -> str:
    """ "07:52:13 ngày 11/12/2026": to the second, with its year, in the site's time zone."""
    local = timezone.localtime(moment)
    return _("%(time)s on %(date)s") % {
        "time": local.strftime("%H:%M:%S"),
        "date": local.strftime("%d/%m/%Y"),
    }


# --- Where and what ------------------------------------------------------------------------


def _scans(place: AuditPlace) -> QuerySet:
    if place.participation is not None:
        return ScanAttempt.objects.filter(participation_id=place.participation.pk)
    return ScanAttempt.objects.filter(
        participation__in=dashboard_participations(place.viewer, place.session).values("pk")
    )


def _changes(place: AuditPlace) -> QuerySet:
    if place.participation is not None:
        return AttendanceChange.objects.filter(attendance__participation_id=place.participation.pk)
    return AttendanceChange.objects.filter(
        attendance__participation__in=dashboard_participations(place.viewer, place.session).values(
            "pk"
        )
    )


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


def _actor_name(user: AbstractBaseUser | None) -> str:
    if user is None:
        return ""
    person = getattr(user, "person", None)
    return (person.full_name if person else "") or user.get_full_name() or user.get_username()


class _Reader:
    """Reads the rows behind a page of keys, with what they show, in one query per table."""

    def __init__(self, place: AuditPlace) -> None:
        self.place = place
        self.scope = scope_for(place.viewer)

    @cached_property
    def kept_point_ids(self) -> set[int]:
        return set(_kept_points(self.place.viewer).values_list("bridgepoint_id", flat=True))

    def may_see(self, entry: RosterEntry) -> bool:
        participation = entry.participation
        if self.place.participation is not None and participation.pk == self.place.participation.pk:
            return True
        if self.scope.is_organiser and self.scope.covers_unit(participation.point.unit):
            return True
        return participation.point_id in self.kept_point_ids

    def rows(self, keys: Iterable[dict]) -> list[AuditRow]:
        keys = list(keys)
        scan_ids = [key["row"] for key in keys if key["src"] == SCAN]
        change_ids = [key["row"] for key in keys if key["src"] == CHANGE]
        scans = (
            ScanAttempt.objects.select_related(
                "actor__person",
                "participation__point",
                "entry__person",
                "entry__participation__point__unit",
            )
            .order_by()
            .in_bulk(scan_ids)
            if scan_ids
            else {}
        )
        changes = (
            AttendanceChange.objects.select_related(
                "actor__person", "attendance__entry__person", "attendance__participation__point"
            )
            .order_by()
            .in_bulk(change_ids)
            if change_ids
            else {}
        )
        rows = []
        for key in keys:
            if key["src"] == SCAN and key["row"] in scans:
                rows.append(self.scan_row(scans[key["row"]]))
            elif key["src"] == CHANGE and key["row"] in changes:
                rows.append(change_row(changes[key["row"]]))
        return rows

    def scan_row(self, scan: ScanAttempt) -> AuditRow:
        entry = scan.entry if scan.entry is not None and self.may_see(scan.entry) else None
        return AuditRow(
            source=SCAN,
            id=scan.pk,
            at=scan.server_time,
            code=scan.reason,
            label=reason_label(scan.reason),
            point=scan.participation.point.name if scan.participation else "",
            actor=_actor_name(scan.actor),
            person=entry.person.full_name if entry else "",
            entry_id=entry.pk if entry else None,
            accepted=scan.outcome == ScanAttempt.Outcome.ACCEPTED,
            method=scan.method,
            method_label=_method_label(scan.method),
            device_id=scan.device_id,
            device_time=scan.device_time,
            clock_skew=scan.clock_skew,
        )


def change_row(change: AttendanceChange) -> AuditRow:
    entry = change.attendance.entry
    method = change.after.get("method") or _change_method(change.kind)
    return AuditRow(
        source=CHANGE,
        id=change.pk,
        at=change.created_at,
        code=change.kind,
        label=change.get_kind_display(),
        point=change.attendance.participation.point.name,
        actor=_actor_name(change.actor),
        person=entry.person.full_name,
        entry_id=entry.pk,
        method=method,
        method_label=_method_label(method),
        reason=change.reason,
        changes=describe_change(change.before, change.after),
    )


def _change_method(kind: str) -> str:
    return next((m for m, kinds in CHANGES_BY_METHOD.items() if kind in kinds), "")


def _method_label(method: str) -> str:
    return str(Method(method).label) if method in Method.values else method


# --- Before and after, readably ------------------------------------------------------------

TIMES = ("checked_in_at", "checked_out_at")


def _field_labels() -> dict[str, str]:
    return {
        "checked_in_at": _("Arrival"),
        "checked_out_at": _("Departure"),
        "method": _("How"),
        "excuse": _("Excuse state"),
    }


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def _times_text(label: str, old: datetime | None, new: datetime | None) -> str:
    """ "Giờ đến 07:52 → 08:05 ngày 11/12": the day once when both are on it."""
    if old and new and old.date() == new.date():
        return _("%(field)s %(before)s → %(after)s on %(date)s") % {
            "field": label,
            "before": old.strftime("%H:%M"),
            "after": new.strftime("%H:%M"),
            "date": new.strftime("%d/%m"),
        }

    def text(moment: datetime | None) -> str:
        if moment is None:
            return _("(none)")
        return _("%(time)s on %(date)s") % {
            "time": moment.strftime("%H:%M"),
            "date": moment.strftime("%d/%m"),
        }

    return _("%(field)s %(before)s → %(after)s") % {
        "field": label,
        "before": text(old),
        "after": text(new),
    }


def _choice_text(field_name: str, value: object) -> str:
    if not value:
        return _("(none)")
    if field_name == "method":
        return _method_label(str(value))
    if field_name == "excuse" and value in Attendance.Excuse.values:
        return str(Attendance.Excuse(value).label)
    return str(value)


def describe_change(before: dict, after: dict) -> list[str]:
    """What a change did, one line a field it changed: a field missing on one side was
    empty there (an undone check-in leaves no times)."""
    lines = []
    for name, label in _field_labels().items():
        if name not in before and name not in after:
            continue
        old, new = before.get(name), after.get(name)
        if (old or None) == (new or None):
            continue
        if name in TIMES:
            lines.append(_times_text(label, _moment(old), _moment(new)))
        else:
            lines.append(
                _("%(field)s: %(before)s → %(after)s")
                % {
                    "field": label,
                    "before": _choice_text(name, old),
                    "after": _choice_text(name, new),
                }
            )
    return lines
