"""Per bridge point, per programme (session by session) and per agency: who was invited,
who checked in, on time or late, and who completed.

Bridge points and sessions are placed by the point's unit (a point in R's subtree); agencies
by their own unit. Invited counts roster entries not taken off; checked in, entries with a
check-in time; late, a check-in later than the session's grace (`late_after_minutes`) after
its start; completed, `Completion.completed` for the programme of the sessions. Each report
is one grouped query (plus a subquery per completion figure), whatever the rows.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import (
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce

from certificates.models import Completion
from directory.models import Agency
from events.models import BridgePoint, RosterEntry, Session, SessionPoint

from .filters import ReportFilters


def _late_after(prefix: str) -> ExpressionWrapper:
    return ExpressionWrapper(
        F(f"{prefix}starts_at")
        + ExpressionWrapper(
            Cast(f"{prefix}late_after_minutes", IntegerField())
            * Value(timedelta(minutes=1), output_field=DurationField()),
            output_field=DurationField(),
        ),
        output_field=DateTimeField(),
    )


def _count(queryset: QuerySet, distinct: str = "pk") -> Coalesce:
    """A correlated COUNT(DISTINCT ...) of `queryset` as an integer annotation."""
    counted = (
        queryset.order_by()
        .annotate(_one=Value(1))
        .values("_one")
        .annotate(n=Count(distinct, distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def points(filters: ReportFilters) -> QuerySet[BridgePoint]:
    """Each bridge point under the root that took part in the sessions, with its counts
    summed over the sessions, and how many of its people completed the programme."""
    sessions = filters.sessions()
    checked = Q(participations__roster__attendance__checked_in_at__isnull=False)
    late_after = _late_after("participations__session__")
    completions = Completion.objects.filter(
        point=OuterRef("pk"),
        completed=True,
        programme_id__in=sessions.values("programme_id"),
    )
    return (
        # In the same filter() as the sessions, so the counts below join only the
        # participations that still stand (a point taken away keeps its row, not its count).
        BridgePoint.objects.filter(
            unit__path__startswith=filters.root.path,
            participations__session__in=sessions,
            participations__removed_at=None,
        )
        .annotate(
            sessions_count=Count("participations", distinct=True),
            invited=Count(
                "participations__roster",
                filter=Q(participations__roster__removed_at=None),
            ),
            checked_in=Count("participations__roster__attendance", filter=checked),
            on_time=Count(
                "participations__roster__attendance",
                filter=checked
                & Q(participations__roster__attendance__checked_in_at__lte=late_after),
            ),
            late=Count(
                "participations__roster__attendance",
                filter=checked
                & Q(participations__roster__attendance__checked_in_at__gt=late_after),
            ),
            completed=_count(completions, "person_id"),
        )
        .select_related("unit")
        .order_by("unit__path", "name", "pk")
    )


@dataclass(frozen=True)
class ProgrammeTotals:
    sessions: int
    invited: int
    checked_in: int
    on_time: int
    late: int
    people_invited: int
    people_attended: int
    completed: int


def programme_sessions(filters: ReportFilters) -> QuerySet[Session]:
    """The programme's sessions one by one, counting only points under the root."""
    here = Q(roster__participation__point__unit__path__startswith=filters.root.path)
    checked = here & Q(roster__attendance__checked_in_at__isnull=False)
    late_after = _late_after("")
    return (
        filters.sessions()
        .annotate(
            points_count=_count(
                SessionPoint.objects.filter(
                    session=OuterRef("pk"), point__unit__path__startswith=filters.root.path
                )
            ),
            invited=Count("roster", filter=here & Q(roster__removed_at=None)),
            checked_in=Count("roster__attendance", filter=checked),
            on_time=Count(
                "roster__attendance",
                filter=checked & Q(roster__attendance__checked_in_at__lte=late_after),
            ),
            late=Count(
                "roster__attendance",
                filter=checked & Q(roster__attendance__checked_in_at__gt=late_after),
            ),
        )
        .order_by("starts_at", "pk")
    )


def programme_totals(filters: ReportFilters) -> ProgrammeTotals:
    """The programme's sessions added up, with distinct people and completions."""
    sessions = filters.sessions()
    entries = RosterEntry.objects.filter(
        session__in=sessions,
        participation__point__unit__path__startswith=filters.root.path,
    )
    checked = Q(attendance__checked_in_at__isnull=False)
    late_after = _late_after("session__")
    figures = entries.aggregate(
        sessions=Count("session", distinct=True),
        invited=Count("pk", filter=Q(removed_at=None)),
        checked_in=Count("attendance", filter=checked),
        on_time=Count("attendance", filter=checked & Q(attendance__checked_in_at__lte=late_after)),
        late=Count("attendance", filter=checked & Q(attendance__checked_in_at__gt=late_after)),
        people_invited=Count("person", filter=Q(removed_at=None), distinct=True),
        people_attended=Count("person", filter=checked, distinct=True),
    )
    figures["completed"] = Completion.objects.filter(
        programme_id__in=sessions.values("programme_id"),
        point__unit__path__startswith=filters.root.path,
        completed=True,
    ).count()
    return ProgrammeTotals(**figures)


def agencies(filters: ReportFilters) -> QuerySet[Agency]:
    """Each agency under the root with people invited to the sessions: how many were
    invited, how many attended at least once, how many completed the programme."""
    sessions = filters.sessions()
    entries = RosterEntry.objects.filter(session__in=sessions, person__agency=OuterRef("pk"))
    return (
        Agency.objects.filter(unit__path__startswith=filters.root.path)
        .annotate(
            invited=_count(entries.filter(removed_at=None), "person_id"),
            attended=_count(entries.filter(attendance__checked_in_at__isnull=False), "person_id"),
            completed=_count(
                Completion.objects.filter(
                    person__agency=OuterRef("pk"),
                    completed=True,
                    programme_id__in=sessions.values("programme_id"),
                ),
                "person_id",
            ),
        )
        .filter(invited__gt=0)
        .select_related("unit")
        .order_by("unit__path", "name", "pk")
    )
