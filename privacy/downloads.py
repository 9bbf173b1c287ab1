"""A person's holdings as files: JSON for machines (stable English keys, ISO times) and XLSX
for people (one line per value, Vietnamese labels), both from the same sections."""

import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from common.spreadsheets import workbook

from .holdings import Holdings


def json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Promise):
        return str(value)
    return value


def display_value(value: Any) -> object:
    """A value as a person reads it in a cell or on the page."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "d/m/Y H:i")
    if isinstance(value, date):
        return formats.date_format(value, "d/m/Y")
    if isinstance(value, Promise):
        return str(value)
    return value


def holdings_json(holdings: Holdings) -> bytes:
    document = {
        "generated_at": timezone.localtime().isoformat(),
        "controller": settings.PRIVACY_CONTROLLER,
        "person_id": holdings.person.pk if holdings.person else None,
        "sections": {
            section.key: {
                "title": str(section.title),
                "rows": [
                    {key: json_value(value) for key, value in row.items()} for row in section.rows
                ],
            }
            for section in holdings.sections
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def _lines(holdings: Holdings) -> Iterator[list[object]]:
    for section in holdings.sections:
        for number, row in enumerate(section.rows, start=1):
            for key, label in section.columns:
                value = display_value(row.get(key))
                if value != "":
                    yield [str(section.title), number, str(label), value]


def holdings_xlsx(holdings: Holdings, *, name: str) -> bytes:
    title = _("Personal data held about %(name)s, as of %(when)s") % {
        "name": name,
        "when": formats.date_format(timezone.localtime(), "d/m/Y H:i"),
    }
    return workbook(
        _("Personal data"),
        title,
        [_("Kind of record"), _("Record no."), _("Field"), _("Value")],
        _lines(holdings),
        widths={"A": 38, "B": 10, "C": 32, "D": 70},
    )


def display_tables(holdings: Holdings) -> list[dict[str, object]]:
    """The sections as the page shows them: each record as its labelled values, the empty
    ones left out, which reads on a phone where a wide table would not."""
    return [
        {
            "key": section.key,
            "title": section.title,
            "count": len(section.rows),
            "records": [
                [
                    (label, value)
                    for key, label in section.columns
                    if (value := display_value(row.get(key))) != ""
                ]
                for row in section.rows
            ],
        }
        for section in holdings.sections
    ]
