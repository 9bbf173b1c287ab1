"""A page's query parameters read safely: page numbers, ids and search text that reach the
database only within its bounds (see common.bounds), so a hand-edited address shows the
page rather than a server error."""

from collections.abc import Sequence

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .bounds import BIGINT_MAX, has_nul

MAX_SEARCH = 100


def number_or_none(value: str | None, *, minimum: int = 0) -> int | None:
    """Plain ASCII digits that a bigint holds, at least `minimum`; None for anything else."""
    if not value or not (value.isascii() and value.isdigit()) or len(value) > 19:
        return None
    number = int(value)
    return number if minimum <= number <= BIGINT_MAX else None


def id_or_none(value: str | None) -> int | None:
    return number_or_none(value, minimum=1)


def page_of(request: HttpRequest, items: QuerySet | Sequence, per_page: int) -> Page:
    """The page the address asks for: the last one past the end, the first for anything
    that is not a page number."""
    raw = request.GET.get("page", "")
    if not (raw.isascii() and raw.isdigit()):
        return Paginator(items, per_page).get_page(1)
    return Paginator(items, per_page).get_page(int(raw) if len(raw) <= 19 else BIGINT_MAX)


def search_text(request: HttpRequest, name: str = "q") -> str:
    """The search box's text, trimmed; a text no database can search for is dropped, and
    the page says so."""
    text = request.GET.get(name, "").strip()[:MAX_SEARCH]
    if has_nul(text):
        messages.error(
            request, _("The search text had a character that cannot be searched for; ignored.")
        )
        return ""
    return text
