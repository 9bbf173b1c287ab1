"""Inserting many rows at once.

On PostgreSQL a national run writes 300,000 rows of a table in chunks; `COPY` stores a
chunk in a third of the time Django's `bulk_create` takes, most of which goes into building
the INSERT statement in Python. Elsewhere (SQLite for `make run` and the tests) and for a
handful of rows, `bulk_create` does the same job.
"""

from collections.abc import Mapping, Sequence

from django.db import connection, models

COPY_FROM_ROWS = 200


def insert_rows(model: type[models.Model], rows: Sequence[Mapping[str, object]]) -> int:
    """Insert rows given as {attname: value}; fields left out take their defaults. Returns
    the number inserted. Rows get no primary key back: read them again if you need them."""
    if not rows:
        return 0
    if connection.vendor != "postgresql" or len(rows) < COPY_FROM_ROWS:
        model._default_manager.bulk_create([model(**row) for row in rows])
        return len(rows)
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    defaults = {field.attname: field.get_default() for field in fields}
    # Only JSON needs adapting; the other values are plain ints, strings, datetimes or None,
    # which COPY takes as they are.
    json_fields = {field.attname: field for field in fields if isinstance(field, models.JSONField)}
    names = [field.attname for field in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    # The driver's own cursor, whose errors Django turns into its IntegrityError and kin.
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(statement) as copy,
    ):
        for row in rows:
            values = {**defaults, **row}
            for name, field in json_fields.items():
                values[name] = field.get_db_prep_save(values[name], connection)
            copy.write_row([values[name] for name in names])
    return len(rows)
