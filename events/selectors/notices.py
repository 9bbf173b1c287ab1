"""The outbox as the organiser's page shows it: how far each sending has got, and the
notices that did not reach someone, by point and by person."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from directory.selectors import AnyUser, scope_for

from ..models import Notice, NoticeBatch, Session, SessionPoint
from ..notices.kinds import kind_label


@dataclass
class NoticeProgress:
    """One sending (a reminder, a change, or all invitations) and how far it has got."""

    kind: str
    label: str
    planned_for: datetime | None
    total: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    waiting: int = 0

    @property
    def done(self) -> int:
        return self.sent + self.failed + self.skipped

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.done / self.total)

    def percent_of(self, count: int) -> float:
        return 0 if not self.total else round(100 * count / self.total, 1)

    @property
    def sent_percent(self) -> float:
        return self.percent_of(self.sent)

    @property
    def failed_percent(self) -> float:
        return self.percent_of(self.failed)

    @property
    def skipped_percent(self) -> float:
        return self.percent_of(self.skipped)


def notice_progress(session: Session) -> list[NoticeProgress]:
    """Every sending of the session with counts by status, in two queries however many."""
    batches = {batch.pk: batch for batch in NoticeBatch.objects.filter(session=session)}
    counts = (
        Notice.objects.filter(session=session)
        .order_by()
        .values_list("kind", "batch_id", "status")
        .annotate(count=Count("pk"))
    )
    progress: dict[object, NoticeProgress] = {}
    for kind, batch_id, status, count in counts:
        batch = batches.get(batch_id)
        key = batch_id or kind
        if key not in progress:
            progress[key] = NoticeProgress(
                kind=kind,
                label=kind_label(kind),
                planned_for=batch.planned_for if batch else None,
            )
        row = progress[key]
        row.total += count
        field = {
            Notice.Status.SENT: "sent",
            Notice.Status.FAILED: "failed",
            Notice.Status.SKIPPED: "skipped",
        }.get(status, "waiting")
        setattr(row, field, getattr(row, field) + count)
    # Invitations (no planned moment) first, then the sendings in time order.
    return sorted(
        progress.values(), key=lambda row: (row.planned_for is not None, row.planned_for or 0)
    )


def needs_fixing() -> Q:
    """Notices that did not reach their recipient for a reason someone can mend."""
    return Q(status=Notice.Status.FAILED) | Q(
        status=Notice.Status.SKIPPED, problem=Notice.Problem.NO_ADDRESS
    )


def _to_fix_in_reach(user: AnyUser, session: Session) -> QuerySet[Notice]:
    return (
        Notice.objects.filter(session=session)
        .filter(needs_fixing())
        .filter(scope_for(user).units_q("participation__point__unit__"))
    )


@dataclass(frozen=True)
class PointProblems:
    participation_id: int
    point_name: str
    failed: int
    no_address: int


def notice_problems_by_point(
    user: AnyUser, session: Session, *, start: int = 0, stop: int | None = None
) -> tuple[list[PointProblems], int]:
    """People whose notices failed or had no address, counted per bridge point in reach:
    the points from `start` to `stop` (a national session has 3,356), and how many there are."""
    rows = (
        _to_fix_in_reach(user, session)
        .order_by("participation__point__name")
        .values_list("participation_id", "participation__point__name")
        .annotate(
            failed=Count("person", distinct=True, filter=Q(status=Notice.Status.FAILED)),
            no_address=Count("person", distinct=True, filter=Q(status=Notice.Status.SKIPPED)),
        )
    )
    total = rows.count()
    return [PointProblems(*row) for row in rows[start:stop]], total


def notices_to_fix(user: AnyUser, session: Session, participation_id: int | None = None):
    """The failed and address-less notices a user may look at, newest problem first."""
    notices = (
        _to_fix_in_reach(user, session)
        .select_related("person", "user", "participation__point", "entry")
        .order_by("participation__point__name", "person__sort_name", "kind", "pk")
    )
    if participation_id is not None:
        notices = notices.filter(participation_id=participation_id)
    return notices


@dataclass(frozen=True)
class Unreached:
    entry_id: int | None
    name: str
    address: str
    problem: str
    kinds: list[str]


def unreached_people(
    user: AnyUser, participation: SessionPoint, limit: int = 50
) -> list[Unreached]:
    """The people of one point whose notices could not reach them, once each, for the
    coordinator to correct their address."""
    people: dict[object, Unreached] = {}
    for notice in notices_to_fix(user, participation.session, participation.pk)[: limit * 6]:
        key = notice.person_id or f"user-{notice.user_id}"
        if key not in people:
            people[key] = Unreached(
                entry_id=notice.entry_id,
                name=str(notice.person or notice.user),
                address=notice.address or (notice.person.email if notice.person else ""),
                problem=notice.get_problem_display(),
                kinds=[],
            )
        people[key].kinds.append(notice.get_kind_display())
    return list(people.values())[:limit]
