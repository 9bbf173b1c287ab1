"""The reads of a phone's sync, written out as SQL.

During the rush every phone syncs every few seconds, and compiling these few queries
through the ORM cost more CPU than running them (most of a sync's time, profiled on the
national data). They are plain statements over indexed columns, the same on PostgreSQL
and SQLite; what they return is shaped here, once.

On PostgreSQL their values are sent apart from the text (a list as one array), so each
statement's text is the same on every call and the server plans it once per connection
(psycopg prepares a statement from its fifth run): planning these joins cost PostgreSQL
more than running them, about 1.5 ms of a sync's CPU.
"""

from datetime import UTC, datetime
from uuid import UUID

import psycopg
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import Model

from directory.models import Agency, Person
from events.models import BridgePoint, RosterEntry, Session, SessionPoint

from ..models import Attendance, ScanAttempt, ScannerDevice
from ..tickets import ticket_digest, ticket_for


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _aware(value: object) -> datetime | None:
    """A time as the database gave it: SQLite's raw rows are naive UTC, or text."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _stamp(value: datetime) -> object:
    return connection.ops.adapt_datetimefield_value(value)


class _LoggedCursor(CursorDebugWrapper):
    """Logs a statement by its own text: Django reads it back only from the cursors that
    bind on the client."""

    def execute(self, sql: str, params: list[object] | None = None) -> object:
        with self.debug_sql(sql, params):
            return super(CursorDebugWrapper, self).execute(sql, params)


def _cursor() -> CursorWrapper:
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    # Django's own cursors bind values into the text on the client, which can't be
    # prepared; this one binds them on the server.
    cursor = psycopg.Cursor(connection.connection)
    if connection.queries_logged:
        return _LoggedCursor(cursor, connection)
    return connection.make_cursor(cursor)


def _rows(sql: str, params: list[object]) -> list[tuple]:
    with _cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _among(column: str, values: list[object]) -> tuple[str, list[object]]:
    """`column` is one of `values`: one array on PostgreSQL, so the text stays the same
    whatever their number."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [values]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


def _is_key(value: int) -> bool:
    """Whether a number from the caller can be a primary key at all (a 64-bit integer): the
    ORM answers "none" for others, and these written-out statements must as well."""
    return -(2**63) <= value < 2**63


def device_by_id(device_id: int) -> tuple[ScannerDevice, bool] | None:
    """The paired, unrevoked device with its point and session, and whether its pairer
    still coordinates the point; None when there is no such device or its pairer's account
    is switched off."""
    if not _is_key(device_id):
        return None  # a forged token's number
    keepers = _table(BridgePoint.coordinators.through)
    rows = _rows(
        f"""
        SELECT d.id, d.name, d.participation_id, d.paired_by_id, d.token_hash, d.last_sync_at,
               sp.point_id, sp.session_id, bp.name, s.status, s.title, s.starts_at, s.ends_at,
               s.checkin_opens_minutes, s.checkin_closes_minutes, s.late_after_minutes,
               EXISTS (SELECT 1 FROM {keepers} k
                       WHERE k.bridgepoint_id = sp.point_id AND k.user_id = d.paired_by_id)
        FROM {_table(ScannerDevice)} d
        JOIN {_table(SessionPoint)} sp ON sp.id = d.participation_id
        JOIN {_table(BridgePoint)} bp ON bp.id = sp.point_id
        JOIN {_table(Session)} s ON s.id = sp.session_id
        JOIN {_table(get_user_model())} u ON u.id = d.paired_by_id
        WHERE d.id = %s AND d.paired_at IS NOT NULL AND d.revoked_at IS NULL AND u.is_active
        """,
        [device_id],
    )
    if not rows:
        return None
    row = rows[0]
    session = Session(
        id=row[7],
        status=row[9],
        title=row[10],
        starts_at=_aware(row[11]),
        ends_at=_aware(row[12]),
        checkin_opens_minutes=row[13],
        checkin_closes_minutes=row[14],
        late_after_minutes=row[15],
    )
    participation = SessionPoint(id=row[2], session_id=row[7], point_id=row[6])
    participation.session = session
    participation.point = BridgePoint(id=row[6], name=row[8])
    device = ScannerDevice(
        id=row[0],
        name=row[1],
        participation_id=row[2],
        paired_by_id=row[3],
        token_hash=row[4],
        last_sync_at=_aware(row[5]),
    )
    device.participation = participation
    return device, bool(row[16])


def touch_device(device: ScannerDevice, now: datetime) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_table(ScannerDevice)} SET last_sync_at = %s WHERE id = %s",
            [_stamp(now), device.pk],
        )


def earlier_attempts(scan_ids: list[UUID]) -> list[dict[str, object]]:
    """The attempts already recorded under these scan ids, by any device."""
    if not scan_ids:
        return []
    field = ScanAttempt._meta.get_field("scan_id")
    among, values = _among(
        "scan_id", [field.get_db_prep_value(scan_id, connection) for scan_id in scan_ids]
    )
    rows = _rows(
        f"""
        SELECT scan_id, scanner_id, entry_id, reason, recorded_time
        FROM {_table(ScanAttempt)} WHERE {among}
        """,
        values,
    )
    return [
        {
            "scan_id": row[0] if isinstance(row[0], UUID) else UUID(row[0]),
            "scanner_id": row[1],
            "entry_id": row[2],
            "reason": row[3],
            "recorded_time": _aware(row[4]),
        }
        for row in rows
    ]


def scanned_entries(entry_ids: set[int]) -> dict[int, dict[str, object]]:
    """The roster entries a batch names, with whom they name and their attendance."""
    if not entry_ids:
        return {}
    among, values = _among("e.id", list(entry_ids))
    rows = _rows(
        f"""
        SELECT e.id, e.session_id, e.participation_id, e.ticket_version, e.removed_at,
               p.full_name, a.name, sp.point_id, bp.name,
               att.checked_in_at, att.checked_out_at, att.excuse
        FROM {_table(RosterEntry)} e
        JOIN {_table(Person)} p ON p.id = e.person_id
        JOIN {_table(Agency)} a ON a.id = p.agency_id
        JOIN {_table(SessionPoint)} sp ON sp.id = e.participation_id
        JOIN {_table(BridgePoint)} bp ON bp.id = sp.point_id
        LEFT JOIN {_table(Attendance)} att ON att.entry_id = e.id
        WHERE {among}
        """,
        values,
    )
    return {
        row[0]: {
            "pk": row[0],
            "session_id": row[1],
            "participation_id": row[2],
            "ticket_version": row[3],
            "removed_at": _aware(row[4]),
            "person__full_name": row[5],
            "person__agency__name": row[6],
            "participation__point_id": row[7],
            "participation__point__name": row[8],
            "attendance__checked_in_at": _aware(row[9]),
            "attendance__checked_out_at": _aware(row[10]),
            "attendance__excuse": row[11] or "",
        }
        for row in rows
    }


def arrivals_of(entry_ids: set[int]) -> dict[int, datetime | None]:
    among, values = _among("entry_id", list(entry_ids))
    rows = _rows(f"SELECT entry_id, checked_in_at FROM {_table(Attendance)} WHERE {among}", values)
    return {row[0]: _aware(row[1]) for row in rows}


def point_totals(participation_id: int) -> dict[str, int]:
    """On the roster and checked in at one point: its own rows only."""
    [row] = _rows(
        f"""
        SELECT COUNT(e.id), COUNT(att.checked_in_at)
        FROM {_table(RosterEntry)} e
        LEFT JOIN {_table(Attendance)} att ON att.entry_id = e.id
        WHERE e.participation_id = %s AND e.removed_at IS NULL
        """,
        [participation_id],
    )
    return {"on_roster": row[0], "checked_in": row[1]}


def roster_rows(participation_id: int, since: datetime | None) -> list[dict[str, object]]:
    """The point's roster as a phone keeps it: whole when `since` is None (people taken
    off left out), else every entry changed since (taken off ones marked `removed`)."""
    if since is None:
        condition, params = "e.removed_at IS NULL", [participation_id]
    else:
        condition, params = "e.changed_at >= %s", [participation_id, _stamp(since)]
    rows = _rows(
        f"""
        SELECT e.id, e.ticket_version, e.removed_at, p.full_name, a.name, att.checked_in_at
        FROM {_table(RosterEntry)} e
        JOIN {_table(Person)} p ON p.id = e.person_id
        JOIN {_table(Agency)} a ON a.id = p.agency_id
        LEFT JOIN {_table(Attendance)} att ON att.entry_id = e.id
        WHERE e.participation_id = %s AND {condition}
        ORDER BY p.sort_name, e.id
        """,
        params,
    )
    return [
        {
            "id": row[0],
            "digest": ticket_digest(ticket_for(row[0], row[1])),
            "name": row[3],
            "agency": row[4],
            "checked_in_at": _aware(row[5]),
            "removed": row[2] is not None,
        }
        for row in rows
    ]


def point_and_entry(
    *, participation_id: int, entry_id: int | None, actor_id: int, scan_id: UUID | None
) -> tuple[SessionPoint, RosterEntry | None] | None:
    """A single scan's reads in one statement: the point with its session, whether the
    actor coordinates it (`keeps`), the actor's earlier attempt with this scan id there
    (`earlier_scan`), and the roster entry scanned with whom it names and its attendance.
    None when the point does not exist."""
    if not _is_key(participation_id):
        return None  # no row has it, and SQLite refuses to bind it
    if entry_id is not None and not _is_key(entry_id):
        entry_id = None
    scan_field = ScanAttempt._meta.get_field("scan_id")
    scan = scan_field.get_db_prep_value(scan_id, connection) if scan_id else None
    keepers = _table(BridgePoint.coordinators.through)
    rows = _rows(
        f"""
        SELECT sp.id, sp.session_id, sp.point_id, s.status, s.title, s.starts_at, s.ends_at,
               s.checkin_opens_minutes, s.checkin_closes_minutes, s.late_after_minutes,
               bp.name, bp.unit_id,
               EXISTS (SELECT 1 FROM {keepers} k
                       WHERE k.bridgepoint_id = sp.point_id AND k.user_id = %s),
               (SELECT a.id FROM {_table(ScanAttempt)} a
                WHERE a.scan_id = %s AND a.actor_id = %s AND a.participation_id = sp.id
                LIMIT 1),
               e.id, e.session_id, e.participation_id, e.ticket_version, e.removed_at,
               e.person_id, p.full_name, p.agency_id, ag.name, esp.point_id, ebp.name,
               ebp.unit_id, es.title,
               att.entry_id, att.checked_in_at, att.checked_out_at, att.excuse
        FROM {_table(SessionPoint)} sp
        JOIN {_table(Session)} s ON s.id = sp.session_id
        JOIN {_table(BridgePoint)} bp ON bp.id = sp.point_id
        LEFT JOIN {_table(RosterEntry)} e ON e.id = %s
        LEFT JOIN {_table(Person)} p ON p.id = e.person_id
        LEFT JOIN {_table(Agency)} ag ON ag.id = p.agency_id
        LEFT JOIN {_table(SessionPoint)} esp ON esp.id = e.participation_id
        LEFT JOIN {_table(BridgePoint)} ebp ON ebp.id = esp.point_id
        LEFT JOIN {_table(Session)} es ON es.id = e.session_id
        LEFT JOIN {_table(Attendance)} att ON att.entry_id = e.id
        WHERE sp.id = %s
        """,
        [actor_id, scan, actor_id, entry_id, participation_id],
    )
    if not rows:
        return None
    row = rows[0]
    participation = SessionPoint(id=row[0], session_id=row[1], point_id=row[2])
    participation.session = Session(
        id=row[1],
        status=row[3],
        title=row[4],
        starts_at=_aware(row[5]),
        ends_at=_aware(row[6]),
        checkin_opens_minutes=row[7],
        checkin_closes_minutes=row[8],
        late_after_minutes=row[9],
    )
    participation.point = BridgePoint(id=row[2], name=row[10], unit_id=row[11])
    participation.keeps = bool(row[12])
    participation.earlier_scan = row[13]
    if row[14] is None:
        return participation, None
    entry = RosterEntry(
        id=row[14],
        session_id=row[15],
        participation_id=row[16],
        ticket_version=row[17],
        removed_at=_aware(row[18]),
        person_id=row[19],
    )
    entry.person = Person(id=row[19], full_name=row[20], agency_id=row[21])
    entry.person.agency = Agency(id=row[21], name=row[22])
    entry.participation = SessionPoint(id=row[16], session_id=row[15], point_id=row[23])
    entry.participation.point = BridgePoint(id=row[23], name=row[24], unit_id=row[25])
    entry.session = Session(id=row[15], title=row[26])
    if row[27] is None:
        # Known to have none: the accessor raises DoesNotExist instead of asking again.
        entry._state.fields_cache["attendance"] = None
    else:
        entry.attendance = Attendance(
            entry_id=row[27],
            session_id=row[15],
            participation_id=row[16],
            checked_in_at=_aware(row[28]),
            checked_out_at=_aware(row[29]),
            excuse=row[30],
        )
    return participation, entry
