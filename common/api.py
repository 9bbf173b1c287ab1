"""What every endpoint of the JSON API shares: its one error shape, page numbers bounded by
the database's bigint, and the guard that reads every body and query string before an
endpoint sees it."""

import json
from typing import Annotated, Any

from annotated_types import Interval
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination
from ninja.parser import Parser

from .bounds import (
    BIGINT_MAX,
    fits_bigint,
    has_nul,
    nul_message,
    number_message,
    offset_message,
    text_offset_fits,
)

# An id as the database holds it: a positive bigint. Query parameters that filter by a
# foreign key need it: SQLite cannot even compare a larger number.
Id = Annotated[int, Interval(ge=1, le=BIGINT_MAX)]


class ErrorOut(Schema):
    """Every refusal the API gives that is not an operation's own answer (a scan's verdict)."""

    code: str = Field(
        description="Stable, for programs: invalid (422, or 400 from a rule of the service), "
        "bad_request (a body that is not JSON), not_signed_in (401), csrf_failed (403), "
        "forbidden (403), not_found (404), rate_limited (429), or an operation's own "
        "(already_answered, closed, not_open, not_attended)."
    )
    message: str = Field(description="Why, in Vietnamese, for people.")
    detail: str = Field(description="The same message, as earlier answers named it.")
    errors: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Vietnamese messages per field (`points.add.0` inside lists and "
        "objects); `__all__` for the request as a whole.",
    )


def error_body(code: str, message: str, errors: dict[str, list[str]] | None = None) -> ErrorOut:
    return ErrorOut(code=code, message=message, detail=message, errors=errors or {})


class BadInput(Exception):
    """Values the guard refused, by field, before any endpoint ran."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def _problems(value: object, path: tuple[str, ...], found: dict[str, list[str]]) -> None:
    field = ".".join(path) or "__all__"
    if isinstance(value, str):
        if has_nul(value):
            found.setdefault(field, []).append(nul_message())
        elif not text_offset_fits(value):
            found.setdefault(field, []).append(offset_message())
    elif isinstance(value, int) and not isinstance(value, bool):
        if not fits_bigint(value):
            found.setdefault(field, []).append(number_message())
    elif isinstance(value, dict):
        for key, item in value.items():
            if has_nul(key):
                found.setdefault(field, []).append(nul_message())
            _problems(item, (*path, key), found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _problems(item, (*path, str(index)), found)


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


class GuardedParser(Parser):
    """Strict JSON (no NaN or Infinity) and query strings, refused by field when they hold a
    NUL, a number past the bigint or a time with an impossible offset: one guard for every
    endpoint, rather than a check on each field that one day someone forgets."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body, parse_constant=_refuse_constant)
        found: dict[str, list[str]] = {}
        _problems(data, (), found)
        if found:
            raise BadInput(found)
        return data

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        found: dict[str, list[str]] = {}
        for key, values in data.lists():
            for text in (key, *values):
                _problems(text, (key,), found)
        if found:
            raise BadInput({key: messages[:1] for key, messages in found.items()})
        return super().parse_querydict(data, list_fields, request)


class BoundedPageNumberPagination(PageNumberPagination):
    """Ninja's page numbers, bounded by the bigint; a page past the last one is empty
    without asking the database for an offset it cannot hold."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=BIGINT_MAX, description="From 1; past the last, empty.")
        page_size: int | None = Field(None, ge=1, le=BIGINT_MAX)

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        count = self._items_count(queryset)
        items = queryset[offset : offset + page_size] if offset < count else []
        return {self.items_attribute: items, "count": count}


def _limit_message(kind: str, context: dict[str, Any]) -> str | None:
    limits = {
        "less_than_equal": ("le", _("Enter a number no greater than %(limit)s.")),
        "less_than": ("lt", _("Enter a number smaller than %(limit)s.")),
        "greater_than_equal": ("ge", _("Enter a number no less than %(limit)s.")),
        "greater_than": ("gt", _("Enter a number greater than %(limit)s.")),
        "string_too_long": ("max_length", _("Enter at most %(limit)s characters.")),
        "string_too_short": ("min_length", _("Enter at least %(limit)s characters.")),
        "too_long": ("max_length", _("Give at most %(limit)s items.")),
    }
    if kind not in limits:
        return None
    key, text = limits[kind]
    return text % {"limit": context.get(key, "")}


def _kind_message(kind: str) -> str:
    prefixes = [
        ("missing", _("This field is required.")),
        ("int", _("Enter a whole number.")),
        ("float", _("Enter a number.")),
        ("decimal", _("Enter a number.")),
        ("bool", _("Enter true or false.")),
        ("uuid", _("Enter an identifier in UUID form.")),
        ("datetime", _("Enter a date and time with its UTC offset: 2026-12-11T08:00:00+07:00.")),
        ("timezone", _("Enter a date and time with its UTC offset: 2026-12-11T08:00:00+07:00.")),
        ("date", _("Enter a date: 2026-12-11.")),
        ("string", _("Enter text.")),
        ("literal", _("Choose one of the allowed values.")),
        ("enum", _("Choose one of the allowed values.")),
        ("list", _("Enter a list.")),
        ("dict", _("Enter a JSON object.")),
        ("model", _("Enter a JSON object.")),
    ]
    for prefix, text in prefixes:
        if kind.startswith(prefix):
            return text
    return _("This value is not valid.")


_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def field_errors(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Pydantic's errors (English, by location) as Vietnamese messages by field name."""
    found: dict[str, list[str]] = {}
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        if location and location[0] in _SOURCES:
            # A body's location names its parameter after the source: ("body", "data", ...).
            location = location[2:] if location[0] == "body" else location[1:]
        kind = error.get("type", "")
        if kind == "string_pattern_mismatch":
            message = _("Choose one of the allowed values.")
        else:
            message = _limit_message(kind, error.get("ctx") or {}) or _kind_message(kind)
        messages = found.setdefault(".".join(location) or "__all__", [])
        if message not in messages:
            messages.append(message)
    return found
