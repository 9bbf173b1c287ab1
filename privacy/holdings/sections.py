"""The shape of what is held: sections of rows, stable keys for the JSON, labels for people."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from directory.models import Person

Row = dict[str, Any]


@dataclass(frozen=True)
class Section:
    """One kind of record: stable keys for the JSON, labels for people."""

    key: str
    title: Promise
    columns: tuple[tuple[str, Promise], ...]
    rows: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class Holdings:
    person: Person | None
    sections: list[Section]

    @property
    def row_count(self) -> int:
        return sum(len(section.rows) for section in self.sections)


def section(key: str, title: Promise, columns: dict[str, Promise], rows: Iterable[Row]) -> Section:
    return Section(key=key, title=title, columns=tuple(columns.items()), rows=list(rows))
