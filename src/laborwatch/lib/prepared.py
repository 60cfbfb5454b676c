"""Reads on a hot path whose SQL the ORM builds once per process: each call only binds values.

Building a queryset (filter, exclude, values_list, a slice: each clones the query) and
compiling it cost far more than a keyed lookup itself: about 0.25 ms against a few tens of
microseconds on SQLite. Intake runs a handful of such reads on every pushed work order, always
the same shapes with other values. A `PreparedRead` lets the ORM build and compile the read
once, with sample values standing in for the parameters, and then runs the same SQL with the
call's values, converting the rows as the ORM would (dates, JSON, encrypted fields).

    by_ref = PreparedRead(
        lambda client, ref: Case.objects.filter(api_client=client, external_ref=ref)
        .order_by()
        .values_list("pk", flat=True)[:1],
        Param("client", -424_242),
        Param("ref", "\\0ref\\0"),
    )
    by_ref.rows(client=7, ref="A-1")   # [(42,)]

A sample must be a value no call passes and that no constant of the query equals, so that its
place among the compiled parameters is certain; values the database adapter rewrites (dates
and times on SQLite) name the adapting function. Only lookups that pass the value as it is
(exact, in, comparisons) can take a parameter: one a lookup rewrites or escapes (contains,
startswith, iexact on SQLite …) is refused when the read is compiled (string samples are
compiled with LIKE's special characters appended, so that escaping shows). Lookups through a
transform of the column (__date, __year …) are not for prepared reads: on PostgreSQL they
carry the time zone of the first call. None is refused as a value (the ORM would write IS
NULL). The compiled read is kept per thread and database alias: a server thread never shares
a compiler with another.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

Adapt = Callable[[Any, BaseDatabaseWrapper], Any]


@dataclass(frozen=True)
class Param:
    name: str
    sample: Any
    adapt: Adapt | None = None  # how the database adapter passes a value of this kind


def adapt_datetime(value: Any, connection: BaseDatabaseWrapper) -> Any:
    """A datetime parameter as a DateTimeField lookup sends it (a string on SQLite); a naive
    one is local time (TIME_ZONE), as the ORM reads it."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return connection.ops.adapt_datetimefield_value(value)


# Appended to string samples when compiling: a lookup that escapes LIKE's special characters
# then changes the sample, and is refused.
_LIKE_SPECIALS = "%_\\"


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    places: dict[str, tuple[int, ...]]
    compiler: SQLCompiler
    converters: dict[int, Any]  # column position → the ORM's converters for it


class PreparedRead:
    def __init__(self, build: Callable[..., QuerySet[Any]], *params: Param) -> None:
        self._build = build
        self._params = params
        self._local = threading.local()

    def rows(self, using: str | None = None, **values: Any) -> list[tuple[Any, ...]]:
        """The rows of the read with these values, converted as the queryset would return
        them (the values of a values_list, in its order). `using` defaults to the database
        the queryset itself would read (the model's, by the routers)."""
        compiled = self._compiled(using)
        connection = compiled.compiler.connection
        bound = list(compiled.params)
        for param in self._params:
            value = values[param.name]
            if value is None:
                raise ValueError(f"parameter {param.name!r} is None: the ORM would ask IS NULL")
            if param.adapt is not None:
                value = param.adapt(value, connection)
            for place in compiled.places[param.name]:
                bound[place] = value
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, bound)
            fetched = cursor.fetchall()
        if not compiled.converters:
            return fetched
        converted = compiled.compiler.apply_converters(fetched, compiled.converters)
        return [tuple(row) for row in converted]

    def _samples(self) -> dict[str, Any]:
        return {
            param.name: param.sample + _LIKE_SPECIALS
            if isinstance(param.sample, str)
            else param.sample
            for param in self._params
        }

    def _compiled(self, using: str | None) -> _Compiled:
        cache: dict[str | None, _Compiled] = self._local.__dict__.setdefault("compiled", {})
        compiled = cache.get(using)
        if compiled is None:
            compiled = cache[using] = self._compile(using)
        return compiled

    def _compile(self, using: str | None) -> _Compiled:
        samples = self._samples()
        queryset = self._build(**samples)
        connection = connections[using or queryset.db]
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        places: dict[str, tuple[int, ...]] = {}
        for param in self._params:
            sample = samples[param.name]
            if param.adapt is not None:
                sample = param.adapt(sample, connection)
            found = tuple(
                index
                for index, value in enumerate(params)
                if type(value) is type(sample) and value == sample
            )
            if isinstance(param.sample, str) and any(
                isinstance(value, str) and param.sample in value and value != sample
                for value in params
            ):
                # contains, startswith …: the call's value would need the same rewriting.
                raise ValueError(f"parameter {param.name!r} is rewritten by a lookup in {sql}")
            if not found:
                raise ValueError(
                    f"parameter {param.name!r} does not appear as given in {sql}"
                    " (a lookup escapes or transforms it, or the read does not use it)"
                )
            places[param.name] = found
        # What results_iter would work out again on every call.
        selected = [column for column, _, _ in compiler.select[: compiler.col_count]]
        if compiler.has_composite_fields(selected):
            raise ValueError(f"composite fields are not supported: {sql}")
        converters = compiler.get_converters(selected)
        return _Compiled(sql, tuple(params), places, compiler, converters)


def concrete_attnames(model: type[Model]) -> tuple[str, ...]:
    """Every column of the model, in the order Model.from_db takes the values of a full row."""
    return tuple(field.attname for field in model._meta.concrete_fields)
