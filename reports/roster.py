"""The national roster of a session: every roster entry under the root with its point,
province, agency, person, position, check-in time and status, as plain tuples (300,000
rows are read in chunks without making a model object for each)."""

from collections.abc import Iterator
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from attendance.models import Attendance, attendance_status
from directory.models import AdministrativeUnit
from events.models import RosterEntry, Session

from .filters import ReportFilters

FIELDS = (
    "participation__point__name",
    "participation__point__unit__path",
    "participation__point__unit__name",
    "person__agency__name",
    "person__full_name",
    "person__position",
    "attendance__checked_in_at",
    "attendance__checked_out_at",
    "attendance__excuse",
)


def roster_entries(filters: ReportFilters) -> QuerySet[RosterEntry]:
    if filters.session is None:
        return RosterEntry.objects.none()
    return RosterEntry.objects.filter(
        session=filters.session,
        removed_at=None,
        participation__point__unit__path__startswith=filters.root.path,
    )


def roster_count(filters: ReportFilters) -> int:
    return roster_entries(filters).count()


def roster_rows(filters: ReportFilters, *, chunk: int = 5000) -> Iterator[list[object]]:
    """Point, province, agency, name, position, check-in time, status, in point order."""
    session: Session | None = filters.session
    if session is None:
        return
    provinces = dict(
        AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.PROVINCE).values_list(
            "pk", "name"
        )
    )
    labels = {value: str(label) for value, label in Attendance.Status.choices}
    rows = (
        roster_entries(filters)
        .order_by(
            "participation__point__unit__path",
            "participation__point__name",
            "person__sort_name",
            "pk",
        )
        .values_list(*FIELDS)
    )
    zone = timezone.get_current_timezone()
    for point, path, unit_name, agency, name, position, arrived, left, excuse in rows.iterator(
        chunk_size=chunk
    ):
        province = provinces.get(AdministrativeUnit.province_id_in(path), unit_name)
        status = attendance_status(
            session=session, checked_in_at=arrived, checked_out_at=left, excuse=excuse or ""
        )
        yield [
            point,
            province,
            agency,
            name,
            position,
            _local(arrived, zone),
            labels[status],
        ]


def _local(moment: datetime | None, zone: object) -> str:
    return moment.astimezone(zone).strftime("%d/%m/%Y %H:%M:%S") if moment else ""
