"""Accent-insensitive search: "nguyen van an" finds "Nguyễn Văn An", "dien bien" finds
"Điện Biên". People type without diacritics on a phone keyboard more often than with them.

PostgreSQL folds with its unaccent extension (directory's migration 0005); SQLite with a
function registered here on every connection. Both compare lower-case text.
"""

import unicodedata
from functools import reduce
from operator import or_

from django.db.backends.signals import connection_created
from django.db.models import CharField, F, Func, Q, QuerySet
from django.dispatch import receiver


def fold(text: str) -> str:
    """Lower-case text without tones or letter marks; đ becomes d."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.lower().split())


class Folded(Func):
    """The folded form of a text column, for comparing with fold(query)."""

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra_context):  # type: ignore[override]
        return super().as_sql(compiler, connection, function="diemcau_fold", **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):  # type: ignore[override]
        return super().as_sql(
            compiler, connection, template="lower(unaccent(%(expressions)s))", **extra_context
        )


@receiver(connection_created)
def _register_sqlite_fold(sender: object, connection: object, **kwargs: object) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "diemcau_fold",
            1,
            lambda text: fold(text) if text is not None else None,
            deterministic=True,
        )


def search_folded(queryset: QuerySet, fields: tuple[str, ...], query: str) -> QuerySet:
    """Rows where every word of the query appears, folded, in one of the fields."""
    words = fold(query).split()
    if not words or not fields:
        return queryset
    annotations = {f"_folded_{index}": Folded(F(field)) for index, field in enumerate(fields)}
    queryset = queryset.annotate(**annotations)
    for word in words:
        queryset = queryset.filter(
            reduce(or_, (Q(**{f"{name}__contains": word}) for name in annotations))
        )
    return queryset
