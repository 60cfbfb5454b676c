"""Updating many rows with their own values in one statement per batch.

Django's bulk_update writes a CASE WHEN per field with one branch per row, which grows
quadratically (tens of seconds for 10,000 warnings on SQLite). An UPDATE … FROM (VALUES …)
joined on the key stays linear; PostgreSQL and SQLite (3.33+) both run it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models

# SQLite's limit is 32,766 bound parameters a statement; PostgreSQL's 65,535.
MAX_PARAMETERS = 30_000


def update_from_values(objects: Sequence[models.Model], field_names: Sequence[str]) -> int:
    """UPDATE the given fields of every object from its in-memory values; returns row count."""
    if not objects:
        return 0
    model = type(objects[0])
    meta = model._meta
    fields: list[models.Field] = []
    for name in field_names:
        field = meta.get_field(name)
        assert isinstance(field, models.Field), name
        fields.append(field)
    primary_key = meta.pk
    assert primary_key is not None
    columns = [primary_key.column, *(f.column for f in fields)]
    quote = connection.ops.quote_name
    postgres = connection.vendor == "postgresql"

    def placeholder(field: models.Field) -> str:
        # PostgreSQL types VALUES columns from their first row: say each type.
        return f"%s::{field.db_type(connection)}" if postgres else "%s"

    row_sql = "(" + ", ".join(placeholder(f) for f in [primary_key, *fields]) + ")"
    names = [f"column{i + 1}" for i in range(len(columns))]
    alias = f"v({', '.join(names)})" if postgres else "v"
    assignments = ", ".join(
        f"{quote(column)} = v.{name}" for column, name in zip(columns[1:], names[1:], strict=True)
    )
    table = quote(meta.db_table)
    batch = max(1, MAX_PARAMETERS // len(columns))
    updated = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objects), batch):
            chunk = objects[start : start + batch]
            params: list[Any] = []
            for obj in chunk:
                params.append(obj.pk)
                for field in fields:
                    value = getattr(obj, field.attname)
                    params.append(field.get_db_prep_save(value, connection))
            values = ", ".join([row_sql] * len(chunk))
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {values}) AS {alias}"
                f" WHERE {table}.{quote(columns[0])} = v.{names[0]}",
                params,
            )
            updated += cursor.rowcount
    return updated
