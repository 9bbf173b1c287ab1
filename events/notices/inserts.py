"""The statements that write outbox rows in bulk: one INSERT ... SELECT for the people on
roster entries, however many, and one bulk insert for the coordinators of a session.

Both leave out a row whose unique key is already taken (ON CONFLICT DO NOTHING), which is
what lets a notice be planned twice and written once.
"""

from datetime import datetime

from django.conf import settings
from django.db import connection
from django.db.models import BigIntegerField, Case, DateTimeField, F, Q, QuerySet, Value, When
from django.db.models.functions import Cast

from ..models import Notice, NoticeBatch, RosterEntry, Session, SessionPoint

NOTICE_COLUMNS = (
    "session_id",
    "kind",
    "planned_for",
    "batch_id",
    "person_id",
    "user_id",
    "entry_id",
    "participation_id",
    "channel",
    "status",
    "problem",
    "detail",
    "address",
    "attempts",
    "due_at",
    "claim",
    "created_at",
    "updated_at",
)


def _reach_columns() -> dict[str, Case]:
    """The channel, status and problem of a person's notice: e-mail when they have an
    address, else SMS when it is set up; someone with neither gets a skipped row."""
    by_email = ~Q(person__email="")
    by_sms = Q(pk__in=[]) if "sms" not in settings.NOTICE_CHANNELS else ~Q(person__phone="")
    return {
        "n_channel": Case(
            When(by_email, then=Value(Notice.Channel.EMAIL.value)),
            When(by_sms, then=Value(Notice.Channel.SMS.value)),
            default=Value(Notice.Channel.EMAIL.value),
        ),
        "n_status": Case(
            When(by_email | by_sms, then=Value(Notice.Status.PENDING.value)),
            default=Value(Notice.Status.SKIPPED.value),
        ),
        "n_problem": Case(
            When(by_email | by_sms, then=Value("")),
            default=Value(Notice.Problem.NO_ADDRESS.value),
        ),
    }


def _entry_rows(
    entries: QuerySet[RosterEntry],
    *,
    kind: str,
    planned_for: datetime | F,
    batch_id: int | None,
    now: datetime,
) -> QuerySet[RosterEntry]:
    """A notice's columns, in NOTICE_COLUMNS' order, for each active person on these entries."""
    stamp = Value(now, output_field=DateTimeField())
    moment = planned_for if isinstance(planned_for, F) else Value(planned_for, DateTimeField())
    return (
        entries.filter(removed_at=None, person__is_active=True)
        .order_by()
        .annotate(
            n_kind=Value(kind),
            n_planned=moment,
            n_batch=Cast(Value(batch_id), BigIntegerField()),
            n_user=Cast(Value(None), BigIntegerField()),
            **_reach_columns(),
            n_detail=Value(""),
            n_address=Value(""),
            n_attempts=Value(0),
            n_due=stamp,
            n_claim=Value(""),
            n_created=stamp,
            n_updated=stamp,
        )
        .values_list(
            "session_id",
            "n_kind",
            "n_planned",
            "n_batch",
            "person_id",
            "n_user",
            "pk",
            "participation_id",
            "n_channel",
            "n_status",
            "n_problem",
            "n_detail",
            "n_address",
            "n_attempts",
            "n_due",
            "n_claim",
            "n_created",
            "n_updated",
        )
    )


def _insert_for_entries(
    entries: QuerySet[RosterEntry],
    *,
    kind: str,
    planned_for: datetime | F,
    batch_id: int | None,
    now: datetime,
) -> int:
    """One INSERT ... SELECT for every person on these roster entries, whatever their number.

    People with no way to reach them get a row too, marked skipped, so they are counted.
    """
    rows = _entry_rows(entries, kind=kind, planned_for=planned_for, batch_id=batch_id, now=now)
    # Numbered point by point, so the chunks the senders claim in that order hold a point's
    # people together, and its messages share their bodies (`content.render`).
    rows = rows.order_by("participation_id", "pk")
    select_sql, params = rows.query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in NOTICE_COLUMNS)
    # The query always has a WHERE clause, so SQLite cannot read ON CONFLICT as a join's.
    table = quote(Notice._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) {select_sql} ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def _insert_for_coordinators(
    session: Session,
    *,
    kind: str,
    planned_for: datetime,
    batch: NoticeBatch,
    now: datetime,
    told_only: bool = False,
) -> None:
    """A notice to each coordinator of the session's points (once, however many points)."""
    links = (
        SessionPoint.objects.filter(session=session, point__coordinators__is_active=True)
        .order_by("pk")
        .values_list("pk", "point__coordinators", "point__coordinators__email")
    )
    told: set[int] = set()
    if told_only:
        told = set(
            Notice.objects.filter(
                session=session, status=Notice.Status.SENT, user__isnull=False
            ).values_list("user_id", flat=True)
        )
    notices: dict[int, Notice] = {}
    for participation_id, user_id, email in links:
        if user_id in notices or (told_only and user_id not in told):
            continue
        notices[user_id] = Notice(
            session=session,
            kind=kind,
            planned_for=planned_for,
            batch=batch,
            user_id=user_id,
            participation_id=participation_id,
            status=Notice.Status.PENDING if email else Notice.Status.SKIPPED,
            problem="" if email else Notice.Problem.NO_ADDRESS,
            due_at=now,
        )
    Notice.objects.bulk_create(notices.values(), batch_size=1000, ignore_conflicts=True)
