"""The writes that check-in and the corrections share: an arrival, and the audit row of a
change."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.utils import timezone

from events.models import RosterEntry

from ..models import Attendance, AttendanceChange


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

    An arrival already recorded stays, unless `correct_later` and it is later than `at`.
    The statement waits for any check-in of the same entry in flight and decides against
    what it committed, so of two check-ins at once exactly one is told it recorded.
    `device_clock_skew` flags an arrival scanned by a phone whose clock was far off; it
    goes with the arrival it came with, and so is replaced when that arrival is.
    """
    table = connection.ops.quote_name(Attendance._meta.db_table)
    stamp = connection.ops.adapt_datetimefield_value(at)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    earlier = f"OR EXCLUDED.checked_in_at < {table}.checked_in_at" if correct_later else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (entry_id, session_id, participation_id, checked_in_at,
                                 check_in_method, checked_in_by_id, device_clock_skew,
                                 updated_at)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
            ON CONFLICT (entry_id) DO UPDATE SET
                checked_in_at = EXCLUDED.checked_in_at,
                check_in_method = EXCLUDED.check_in_method,
                checked_in_by_id = EXCLUDED.checked_in_by_id,
                device_clock_skew = EXCLUDED.device_clock_skew,
                updated_at = EXCLUDED.updated_at
            WHERE {table}.checked_in_at IS NULL {earlier}
            RETURNING entry_id
            """,
            [
                entry.pk,
                entry.session_id,
                entry.participation_id,
                stamp,
                method,
                actor.pk if actor else None,
                device_clock_skew,
                now,
            ],
        )
        return cursor.fetchone() is not None


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
