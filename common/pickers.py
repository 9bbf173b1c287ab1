"""Type-to-search choices for lists too long for a <select>: units, points, people, agencies.

A national organiser chooses among 3,356 points and 10,811 units; a <select> of them all
weighs megabytes and cannot be searched on a phone. A picker renders only the chosen
options; the browser (static/js/pickers/picker.js, Tom Select) asks a JSON endpoint for the
rest as the user types. The field stays a ModelChoiceField over the caller's scoped
queryset, so what is posted is validated on the server as before.
"""

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.db.models import Case, IntegerField, Model, QuerySet, Value, When
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .bounds import has_nul
from .params import MAX_SEARCH, number_or_none
from .search import Folded, fold, search_folded

PAGE_SIZE = 20


class PickerMixin:
    """Renders the chosen options only, and where to ask for the others."""

    def __init__(
        self,
        source: str,
        *,
        params: dict[str, object] | None = None,
        placeholder: str | None = None,
        attrs: dict[str, object] | None = None,
    ) -> None:
        super().__init__(attrs=attrs)  # type: ignore[call-arg]
        self.source = source
        self.params = params or {}
        self.placeholder = placeholder

    def __deepcopy__(self, memo: dict) -> Any:
        copied = super().__deepcopy__(memo)  # type: ignore[misc]
        copied.params = dict(self.params)
        return copied

    def source_url(self) -> str:
        url = reverse(self.source)
        params = {key: value for key, value in self.params.items() if value not in (None, "")}
        return f"{url}?{urlencode(params)}" if params else url

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)  # type: ignore[misc]
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["data-picker-source"] = self.source_url()
        widget_attrs["data-picker-placeholder"] = str(self.placeholder or _("Type to search…"))
        return context

    def optgroups(self, name: str, value: list, attrs: dict | None = None) -> list:
        chosen = [str(item) for item in value if item not in (None, "")]
        options = []
        if not self.allow_multiple_selected:  # type: ignore[attr-defined]
            options.append(self.create_option(name, "", "", not chosen, 0))  # type: ignore[attr-defined]
        for index, (key, label) in enumerate(self._chosen_choices(chosen), start=1):
            options.append(self.create_option(name, key, label, True, index))  # type: ignore[attr-defined]
        return [(None, options, 0)]

    def _chosen_choices(self, chosen: list[str]) -> Iterable[tuple[str, str]]:
        if not chosen:
            return []
        choices = self.choices  # type: ignore[attr-defined]
        queryset = getattr(choices, "queryset", None)
        if queryset is None:
            return [(str(key), label) for key, label in choices if str(key) in chosen]
        ids = [number for item in chosen if (number := number_or_none(item)) is not None]
        label = choices.field.label_from_instance
        return [(str(obj.pk), label(obj)) for obj in queryset.filter(pk__in=ids)]


class Picker(PickerMixin, forms.Select):
    """One choice, searched as the user types."""


class MultiPicker(PickerMixin, forms.SelectMultiple):
    """Several choices, searched as the user types."""


def picker_results(
    request: HttpRequest,
    queryset: QuerySet,
    *,
    label: Callable[[Model], str] = str,
    hint: Callable[[Model], str] | None = None,
    search: tuple[str, ...] = ("name",),
    page_size: int = PAGE_SIZE,
) -> JsonResponse:
    """One page of `queryset` matching ?q= without regard to accents, best matches first.

    The queryset must already be limited to the caller's scope: the answer lists what the
    caller may choose and nothing else.
    """
    query = request.GET.get("q", "").strip()[:MAX_SEARCH]
    if has_nul(query):
        query = ""
    page = number_or_none(request.GET.get("page"), minimum=1) or 1
    if query:
        queryset = search_folded(queryset, search, query)
        # The whole phrase in the first field ranks above words scattered across fields.
        phrase = fold(query)
        ordering = [*(queryset.query.order_by or queryset.model._meta.ordering or ["pk"])]
        queryset = (
            queryset.annotate(_picker_first=Folded(search[0]))
            .annotate(
                _picker_rank=Case(
                    When(_picker_first__startswith=phrase, then=Value(0)),
                    When(_picker_first__contains=phrase, then=Value(1)),
                    default=Value(2),
                    output_field=IntegerField(),
                )
            )
            .order_by("_picker_rank", *ordering)
        )
    start = (page - 1) * page_size
    rows = list(queryset[start : start + page_size + 1])
    results = [
        {"value": row.pk, "text": label(row), "hint": hint(row) if hint else ""}
        for row in rows[:page_size]
    ]
    return JsonResponse({"results": results, "more": len(rows) > page_size})
