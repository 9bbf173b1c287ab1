"""Coverage: how many of the units that should take part in training did.

For a root unit R (the viewer's scope root by default: a provincial organiser sees their
province's subtree, a national one may choose any unit) and a set of sessions (one session,
a programme's sessions, or a date range; cancelled sessions never count):

- at R's own level, the agencies located at R itself of kind `specialised` (cơ quan chuyên
  môn; at the nation level kind `ministry`): "cấp tỉnh 14/19 cơ quan chuyên môn";
- at each lower level (district, commune, at any depth: the tree is generic), the
  administrative units of that level in R's subtree that were valid during the report's
  period (the chosen dates, else the first to the last session's day): "cấp huyện 9/10 đơn
  vị; cấp xã 51/130 xã, phường, thị trấn";
- an agency took part when at least one person of that agency checked in
  (`Attendance.checked_in_at` set) at one of the sessions; a lower-level unit took part when
  a person of an agency located at that unit (`Agency.unit == unit`) checked in. Where the
  person checked in does not matter; where their agency stands does.

The seeds' sentence is built from the parts through gettext, so it is translated. Besides
R's own figures the report gives the same figures for each child of R (per province for the
nation): the data of the chart.

All counting happens in SQL in a constant number of queries, whatever the rows: the units
under R are grouped by (child of R, depth, level) with the child cut from the materialised
path. The check-ins are read once, as the distinct agencies (with their units) that took
part; "took part" is then membership of those sets, which PostgreSQL hashes. Python only
adds up a few rows per child.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, IntegerField, Q, Value
from django.db.models.functions import Cast, Left, StrIndex, Substr
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext, pgettext

from attendance.models import Attendance
from directory.models import AdministrativeUnit, Agency
from directory.selectors import valid_during_q

from .filters import ReportFilters

Level = AdministrativeUnit.Level


def level_phrase(level: str) -> str:
    return {
        Level.NATION: pgettext("coverage", "national level"),
        Level.PROVINCE: pgettext("coverage", "province level"),
        Level.DISTRICT: pgettext("coverage", "district level"),
        Level.COMMUNE: pgettext("coverage", "commune level"),
    }.get(level, level)


def agencies_noun(level: str) -> str:
    if level == Level.NATION:
        return pgettext("coverage", "ministries and central agencies")
    return pgettext("coverage", "specialised agencies")


def units_noun(level: str) -> str:
    return {
        Level.PROVINCE: pgettext("coverage", "provinces and cities"),
        Level.DISTRICT: pgettext("coverage", "units"),
        Level.COMMUNE: pgettext("coverage", "communes, wards and townships"),
    }.get(level, pgettext("coverage", "units"))


def own_agencies_q(prefix: str = "") -> Q:
    """Agencies that count at their own unit's level: ministries at the nation, specialised
    agencies (cơ quan chuyên môn) elsewhere."""
    at_nation = Q(**{f"{prefix}unit__level": Level.NATION})
    return (at_nation & Q(**{f"{prefix}kind": Agency.Kind.MINISTRY})) | (
        ~at_nation & Q(**{f"{prefix}kind": Agency.Kind.SPECIALISED})
    )


@dataclass(frozen=True)
class CoveragePart:
    """One level's figure: `took_part` of `total` agencies (own level) or units."""

    level: str
    depth: int
    own: bool
    took_part: int
    total: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.took_part / self.total, 1) if self.total else None

    @property
    def level_label(self) -> str:
        return level_phrase(self.level)

    @property
    def noun(self) -> str:
        return agencies_noun(self.level) if self.own else units_noun(self.level)

    @property
    def phrase(self) -> str:
        return gettext("%(level)s %(took_part)s/%(total)s %(noun)s") % {
            "level": self.level_label,
            "took_part": number_format(self.took_part, force_grouping=True),
            "total": number_format(self.total, force_grouping=True),
            "noun": self.noun,
        }


@dataclass(frozen=True)
class CoverageRow:
    """A unit's figures, level by level."""

    unit_id: int
    name: str
    level: str
    parts: list[CoveragePart]

    @property
    def took_part(self) -> int:
        return sum(part.took_part for part in self.parts)

    @property
    def total(self) -> int:
        return sum(part.total for part in self.parts)

    @property
    def percent(self) -> float | None:
        return round(100 * self.took_part / self.total, 1) if self.total else None

    @property
    def sentence(self) -> str:
        return "; ".join(part.phrase for part in self.parts if part.total)


@dataclass(frozen=True)
class Coverage:
    root: AdministrativeUnit
    period: tuple[date, date]
    session_count: int
    summary: CoverageRow
    children: list[CoverageRow] = field(default_factory=list)

    @property
    def sentence(self) -> str:
        return self.summary.sentence

    def chart(self) -> dict[str, object]:
        """Per child unit, the percentage that took part at each level (Chart.js data)."""
        levels: dict[tuple[int, bool, str], str] = {}
        for row in self.children:
            for part in row.parts:
                levels.setdefault((part.depth, part.own, part.level), part.level_label)
        keys = sorted(levels)
        datasets = [
            {
                "label": f"{levels[key]} ({self._noun(key)})",
                "data": [
                    next(
                        (
                            p.percent
                            for p in row.parts
                            if (p.depth, p.own, p.level) == key and p.total
                        ),
                        None,
                    )
                    for row in self.children
                ],
            }
            for key in keys
        ]
        return {
            "labels": [row.name for row in self.children],
            # A level with nothing to count anywhere (no specialised agency at any district)
            # would only add an empty series to the legend.
            "datasets": [d for d in datasets if any(v is not None for v in d["data"])],
        }

    @staticmethod
    def _noun(key: tuple[int, bool, str]) -> str:
        _depth, own, level = key
        return agencies_noun(level) if own else units_noun(level)


def report_period(filters: ReportFilters, sessions: list[tuple[int, object]]) -> tuple[date, date]:
    days = [timezone.localdate(starts_at) for _pk, starts_at in sessions]
    today = timezone.localdate()
    start = filters.date_from or (min(days) if days else today)
    end = filters.date_to or (max(days) if days else start)
    return start, end


def checked_in(session_ids: list[int]) -> object:
    return Attendance.objects.filter(session_id__in=session_ids, checked_in_at__isnull=False)


def coverage(filters: ReportFilters) -> Coverage:
    """The coverage of the filters' root unit and of each of its children, level by level;
    five queries whatever the size of the tree or of the sessions."""
    root = filters.root
    sessions = list(filters.sessions().values_list("pk", "starts_at"))
    session_ids = [pk for pk, _starts in sessions]
    start, end = report_period(filters, sessions)
    took_part_agencies, took_part_units = _took_part(session_ids)
    valid = valid_during_q(start, end)
    groups = _lower_units(root, valid, took_part_units)
    agencies = _own_agencies(root, start, end, took_part_agencies)
    children = list(
        AdministrativeUnit.objects.filter(valid, parent=root)
        .values_list("pk", "name", "level", "depth")
        .order_by("code", "name")
    )
    lower, by_child = _add_up(root, groups)
    summary = _coverage_row(root.pk, root.name, root.level, root.depth, agencies, lower)
    rows = [
        _coverage_row(pk, name, level, depth, agencies, by_child.get(pk, {}))
        for pk, name, level, depth in children
    ]
    return Coverage(root, (start, end), len(session_ids), summary, rows)


def _took_part(session_ids: list[int]) -> tuple[list[int], list[int]]:
    """The agencies that took part, and the units they stand at."""
    # One pass over the check-ins: the agencies that took part, with their units. Both
    # counts below then test membership in these (small) sets, which PostgreSQL hashes.
    pairs = list(
        checked_in(session_ids)
        .values_list("entry__person__agency_id", "entry__person__agency__unit_id")
        .order_by()
        .distinct()
    )
    took_part_agencies = sorted({agency for agency, _unit in pairs}) or [0]
    took_part_units = sorted({unit for _agency, unit in pairs}) or [0]
    return took_part_agencies, took_part_units


def _lower_units(
    root: AdministrativeUnit, valid: Q, took_part_units: list[int]
) -> list[dict[str, object]]:
    """Every unit below the root, grouped by the child of the root it lies under (cut from
    the materialised path "/1/27/3105/"), its depth and its level."""
    rest = Substr("path", len(root.path) + 1)
    child = Cast(Left(rest, StrIndex(rest, Value("/")) - 1), IntegerField())
    return list(
        AdministrativeUnit.objects.filter(valid, path__startswith=root.path, depth__gt=root.depth)
        .annotate(child=child)
        .values("child", "depth", "level")
        .annotate(total=Count("pk"), took_part=Count("pk", filter=Q(pk__in=took_part_units)))
        .order_by("child", "depth", "level")
    )


def _own_agencies(
    root: AdministrativeUnit, start: date, end: date, took_part_agencies: list[int]
) -> dict[int, dict[str, int]]:
    """Agencies at the root and at each child, of the kind that counts at their level."""
    return {
        row["unit_id"]: row
        for row in Agency.objects.filter(own_agencies_q())
        .filter(Q(unit=root) | (Q(unit__parent=root) & valid_during_q(start, end, "unit__")))
        .values("unit_id")
        .annotate(total=Count("pk"), took_part=Count("pk", filter=Q(pk__in=took_part_agencies)))
        .order_by()
    }


_Sums = dict[tuple[int, str], list[int]]


def _add_up(
    root: AdministrativeUnit, groups: list[dict[str, object]]
) -> tuple[_Sums, dict[int, _Sums]]:
    """Took part and total per (depth, level): for the whole root, and for each child of
    the root at the levels below the child's own."""
    lower: _Sums = {}
    by_child: dict[int, _Sums] = {}
    for group in groups:
        key = (group["depth"], group["level"])
        sums = lower.setdefault(key, [0, 0])
        sums[0] += group["took_part"]
        sums[1] += group["total"]
        if group["depth"] > root.depth + 1:
            by_child.setdefault(group["child"], {})[key] = [group["took_part"], group["total"]]
    return lower, by_child


def _coverage_row(
    unit_id: int,
    name: str,
    level: str,
    depth: int,
    agencies: dict[int, dict[str, int]],
    lower: _Sums,
) -> CoverageRow:
    """A unit's own agencies first, then the units of each level below it, top down."""
    own = agencies.get(unit_id, {"total": 0, "took_part": 0})
    return CoverageRow(
        unit_id,
        name,
        level,
        [CoveragePart(level, depth, True, own["took_part"], own["total"])]
        + [
            CoveragePart(sub_level, sub_depth, False, took, total)
            for (sub_depth, sub_level), (took, total) in sorted(lower.items())
        ],
    )
