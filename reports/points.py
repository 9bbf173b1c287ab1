"""Per bridge point, per programme (session by session) and per agency: who was invited,
who checked in, on time or late, and who completed.

Bridge points and sessions are placed by the point's unit (a point in R's subtree); agencies
by their own unit. Invited counts roster entries not taken off; checked in, entries with a
check-in time; late, a check-in later than the session's grace (`late_after_minutes`) after
its start; completed, `Completion.completed` for the programme of the sessions. Each report
is one grouped query (plus a subquery per completion figure), whatever the rows; a page of
the per-point report (`paged_points`) aggregates only the rows of its own points.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    DateTimeField,
    DurationField,
    Exists,
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


def _counted(queryset: QuerySet, distinct: str) -> Subquery:
    """A correlated COUNT(DISTINCT ...) of `queryset`: an aggregate without GROUP BY, so it
    gives a row, 0 when nothing matches."""
    counted = (
        queryset.order_by()
        .annotate(_one=Value(1))
        .values("_one")
        .annotate(n=Count(distinct, distinct=True))
        .values("n")
    )
    return Subquery(counted, output_field=IntegerField())


def _count(queryset: QuerySet, distinct: str = "pk") -> Coalesce:
    """`_counted` as an integer annotation."""
    return Coalesce(_counted(queryset, distinct), 0)


def taking_part(filters: ReportFilters) -> QuerySet[BridgePoint]:
    """The bridge points under the root still taking part in one of the sessions, in the
    report's order, without their figures: the rows `points` gives, cheap to count and page."""
    standing = SessionPoint.objects.filter(
        point=OuterRef("pk"), session__in=filters.sessions(), removed_at=None
    )
    return (
        BridgePoint.objects.filter(unit__path__startswith=filters.root.path)
        .filter(Exists(standing))
        .order_by("unit__path", "name", "pk")
    )


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
            # Not `_count`: wrapped in Coalesce, the subquery joins the GROUP BY, and
            # PostgreSQL runs it once per roster row (300,000 times for a national session)
            # instead of once per point.
            completed=_counted(completions, "person_id"),
        )
        .select_related("unit")
        .order_by("unit__path", "name", "pk")
    )


def paged_points(filters: ReportFilters, number: object, per_page: int) -> Page:
    """One page of `points`, as `Paginator(points(filters), per_page).get_page(number)`
    would give it, in three queries whatever the session's size: the points are counted and
    paged without their figures (`taking_part`), then only the page's points are aggregated.

    Paging the grouped query itself would join, group and sort every roster row of every
    point (300,000 for a national session) to show a page of them."""
    page = Paginator(taking_part(filters), per_page).get_page(number)
    # The ids as values, not as a subquery: given a subquery, PostgreSQL cannot tell that it
    # names a page's points, and joins every roster row before keeping theirs.
    shown = list(page.object_list.values_list("pk", flat=True))
    return Page(list(points(filters).filter(pk__in=shown)), page.number, page.paginator)


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
