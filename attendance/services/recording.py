"""The writes that check-in and the corrections share: an arrival, and the audit row of a
change."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.utils import timezone

from events.models import RosterEntry

from ..models import Attendance, AttendanceChange


@dataclass(frozen=True)
class Arrival:
    """One arrival to record: an entry of a point, when, how and by whom."""

    entry_id: int
    session_id: int
    participation_id: int
    at: datetime
    method: str
    actor_id: int | None
    device_clock_skew: int | None = None


def upsert_arrival(
    *,
    entry: RosterEntry,
    at: datetime,
    method: str,
    actor: AbstractBaseUser | None,
    correct_later: bool = True,
    device_clock_skew: int | None = None,
) -> bool:
    """Record an arrival in one statement, and say whether this call recorded it.

    `device_clock_skew` flags an arrival scanned by a phone whose clock was far off; it
    goes with the arrival it came with, and so is replaced when that arrival is.
    """
    arrival = Arrival(
        entry.pk,
        entry.session_id,
        entry.participation_id,
        at,
        method,
        actor.pk if actor else None,
        device_clock_skew,
    )
    return bool(upsert_arrivals([arrival], correct_later=correct_later))


def upsert_arrivals(arrivals: list[Arrival], *, correct_later: bool = True) -> set[int]:
    """Record many arrivals in one statement; the entry ids this call recorded.

    An arrival already recorded stays, unless `correct_later` and it is later than the new
    one. The statement waits for any check-in of the same entries in flight and decides
    against what it committed, so of two check-ins at once exactly one is told it recorded.
    At most one arrival per entry: a statement may not change a row twice.
    """
    if not arrivals:
        return set()
    table = connection.ops.quote_name(Attendance._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    earlier = f"OR EXCLUDED.checked_in_at < {table}.checked_in_at" if correct_later else ""
    rows = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(arrivals))
    params: list[object] = []
    for arrival in arrivals:
        params += [
            arrival.entry_id,
            arrival.session_id,
            arrival.participation_id,
            connection.ops.adapt_datetimefield_value(arrival.at),
            arrival.method,
            arrival.actor_id,
            arrival.device_clock_skew,
            now,
        ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (entry_id, session_id, participation_id, checked_in_at,
                                 check_in_method, checked_in_by_id, device_clock_skew,
                                 updated_at)
            VALUES {rows}
            ON CONFLICT (entry_id) DO UPDATE SET
                checked_in_at = EXCLUDED.checked_in_at,
                check_in_method = EXCLUDED.check_in_method,
                checked_in_by_id = EXCLUDED.checked_in_by_id,
                device_clock_skew = EXCLUDED.device_clock_skew,
                updated_at = EXCLUDED.updated_at
            WHERE {table}.checked_in_at IS NULL {earlier}
            RETURNING entry_id
            """,
            params,
        )
        return {row[0] for row in cursor.fetchall()}


def record_change(
    attendance: Attendance,
    kind: str,
    actor: AbstractBaseUser,
    reason: str = "",
    before: dict[str, object] | None = None,
    after: dict[str, object] | None = None,
) -> AttendanceChange:
    return AttendanceChange.objects.create(
        attendance=attendance,
        kind=kind,
        actor=actor,
        reason=reason.strip()[:300],
        before=before or {},
        after=after or {},
    )
