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
    _copy(fields, rows, connection.ops.quote_name(model._meta.db_table))
    return len(rows)


def _copy(
    fields: Sequence[models.Field],
    rows: Sequence[Mapping[str, object]],
    table: str,
) -> None:
    defaults = {field.attname: field.get_default() for field in fields}
    # Only JSON needs adapting; the other values are plain ints, strings, datetimes or None,
    # which COPY takes as they are.
    json_fields = {field.attname: field for field in fields if isinstance(field, models.JSONField)}
    names = [field.attname for field in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    statement = f"COPY {table} ({columns}) FROM STDIN"
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


def upsert_rows(
    model: type[models.Model],
    rows: Sequence[Mapping[str, object]],
    *,
    unique_fields: Sequence[str],
    update_fields: Sequence[str],
) -> int:
    """Insert rows, or update `update_fields` of those whose `unique_fields` already exist.
    The caller holds the transaction. Returns the number of rows given."""
    if not rows:
        return 0
    if connection.vendor != "postgresql" or len(rows) < COPY_FROM_ROWS:
        model._default_manager.bulk_create(
            [model(**row) for row in rows],
            update_conflicts=True,
            unique_fields=unique_fields,
            update_fields=update_fields,
        )
        return len(rows)
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    staging = quote(f"incoming_{model._meta.db_table}")
    column_of = {field.name: field.column for field in fields} | {
        field.attname: field.column for field in fields
    }
    conflict = ", ".join(quote(column_of[name]) for name in unique_fields)
    updates = ", ".join(
        f"{quote(column_of[name])} = EXCLUDED.{quote(column_of[name])}" for name in update_fields
    )
    with connection.cursor() as cursor:
        # Same columns, no constraints: COPY fills it fast, then one statement merges it.
        cursor.execute(
            f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
    _copy(fields, rows, staging)
    with connection.cursor() as cursor:
        # In key order, so two runs merging the same rows lock them in the same order.
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {staging} "
            f"ORDER BY {conflict} ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
        )
        cursor.execute(f"DROP TABLE {staging}")
    return len(rows)
