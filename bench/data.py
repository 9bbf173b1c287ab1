"""National-scale data shared by the benchmarks, written with bulk statements only.

A session at all 3,356 bridge points (see `bench.national_session.build_network`) gets
300,000 people on its rosters, about 90 a point, each working for an agency of their own
point, and optionally one coordinator (a staff user with a role) per point.
"""

from contextlib import suppress
from datetime import datetime, timedelta
from datetime import time as clock

from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection
from django.utils import timezone

from attendance.models import Attendance
from directory.models import Agency, Person, RoleAssignment
from events.models import BridgePoint, RosterEntry, Session, SessionPoint
from events.services.points import insert_participations
from training.models import Programme

ROSTER_SIZE = 300_000
POINTS = 3356


def table(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def execute(sql: str, params: tuple = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _agencies() -> str:
    return (
        f"SELECT id, row_number() OVER (ORDER BY id) AS k FROM {table(Agency)} WHERE code = 'bench'"
    )


def add_people(session_id: int, points: int, size: int = ROSTER_SIZE) -> None:
    """One agency per point of the session, numbered like the points, and `size` people;
    person g works for agency g % points."""
    execute(
        f"""
        INSERT INTO {table(Agency)} (name, code, kind, unit_id, email, needs_review,
                                     created_at, updated_at)
        SELECT 'Cơ quan dự họp tại ' || bp.name, 'bench', 'specialised', bp.unit_id, '', false,
               now(), now()
        FROM {table(SessionPoint)} sp JOIN {table(BridgePoint)} bp ON bp.id = sp.point_id
        WHERE sp.session_id = %s ORDER BY sp.id
        """,
        (session_id,),
    )
    execute(
        f"""
        INSERT INTO {table(Person)} (full_name, sort_name, position, agency_id, email, phone,
                                      language, is_active, created_at, updated_at)
        SELECT 'Đại biểu số ' || g, '', 'Chuyên viên', a.id,
               'dai-bieu-' || g || '@bench.diemcau.vn', '', 'vi', true, now(), now()
        FROM generate_series(0, %s - 1) g JOIN ({_agencies()}) a ON a.k = g %% %s + 1
        ORDER BY g
        """,
        (size, points),
    )


def add_roster(session_id: int) -> None:
    """Everyone from `add_people` on the session's roster, at their agency's point."""
    execute(
        f"""
        INSERT INTO {table(RosterEntry)} (session_id, participation_id, person_id, source,
                                           ticket_version, added_at, changed_at,
                                           removal_reason)
        SELECT %s, sp.id, p.id, 'agency', 1, now(), now(), ''
        FROM {table(Person)} p
        JOIN ({_agencies()}) a ON a.id = p.agency_id
        JOIN (SELECT id, row_number() OVER (ORDER BY id) AS k FROM {table(SessionPoint)}
              WHERE session_id = %s) sp ON sp.k = a.k
        ORDER BY p.id
        """,
        (session_id, session_id),
    )


def add_coordinators(session_id: int) -> None:
    """A coordinator per point of the session: user `dieu-phoi-<participation id>`, kept on
    the point and given the coordinator role on its unit."""
    user_table = table(get_user_model())
    execute(
        f"""
        INSERT INTO {user_table} (password, is_superuser, username, first_name, last_name,
                                  email, is_staff, is_active, date_joined)
        SELECT '!bench', false, 'dieu-phoi-' || sp.id, '', '', '', false, true, now()
        FROM {table(SessionPoint)} sp WHERE sp.session_id = %s
        """,
        (session_id,),
    )
    keepers = (
        f"SELECT sp.point_id, bp.unit_id, u.id AS user_id FROM {table(SessionPoint)} sp "
        f"JOIN {table(BridgePoint)} bp ON bp.id = sp.point_id "
        f"JOIN {user_table} u ON u.username = 'dieu-phoi-' || sp.id WHERE sp.session_id = %s"
    )
    execute(
        f"INSERT INTO {table(BridgePoint.coordinators.through)} (bridgepoint_id, user_id) "
        f"SELECT point_id, user_id FROM ({keepers}) k",
        (session_id,),
    )
    execute(
        f"INSERT INTO {table(RoleAssignment)} (user_id, role, unit_id, created_at) "
        f"SELECT user_id, 'coordinator', unit_id, now() FROM ({keepers}) k",
        (session_id,),
    )


def national_session(title: str, *, days_from_today: int) -> tuple[object, Programme, Session]:
    """A three-hour session at 08:00 on the given day at every point of the network, with
    300,000 people on its rosters; returns the organiser, the programme and the session."""
    from bench.national_session import build_network

    organiser, programme, host = build_network()
    day = timezone.localdate() + timedelta(days=days_from_today)
    starts = timezone.make_aware(datetime.combine(day, clock(8, 0)))
    session = Session.objects.create(
        programme=programme,
        title=title,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        host_point=host,
        created_by=organiser,
    )
    points = insert_participations(session_id=session.pk, points=BridgePoint.objects.all())
    add_people(session.pk, points)
    add_roster(session.pk)
    return organiser, programme, session


def check_everyone_in(session: Session) -> None:
    """Everyone on the session's roster checked in by scan, from 20 minutes before the start
    to 10 minutes after it (within the 15 minutes' grace), and never checked out."""
    execute(
        f"""
        INSERT INTO {table(Attendance)} (entry_id, session_id, participation_id,
                                          checked_in_at, check_in_method, updated_at)
        SELECT re.id, re.session_id, re.participation_id,
               %s + make_interval(secs => re.id %% 1800 - 1200), 'scan', now()
        FROM {table(RosterEntry)} re WHERE re.session_id = %s ORDER BY re.id
        """,
        (session.starts_at, session.pk),
    )


def settle(*tables: type) -> None:
    """Vacuum and analyse what was just loaded (all tables, or those of the models given)
    and write it out, so that neither autovacuum nor a checkpoint wakes up mid-run."""
    names = ", ".join(table(model) for model in tables)
    execute(f"VACUUM (ANALYZE) {names}".strip())
    with suppress(DatabaseError):  # needs a superuser; only makes the run quieter
        execute("CHECKPOINT")
