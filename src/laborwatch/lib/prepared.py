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
(exact, in, comparisons) can take a parameter: one a lookup rewrites (contains, startswith …)
is refused when the read is compiled. The compiled read is kept per thread and
database alias: a server thread never shares a compiler with another.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet
from django.db.models.sql.compiler import SQLCompiler

Adapt = Callable[[Any, BaseDatabaseWrapper], Any]


@dataclass(frozen=True)
class Param:
    name: str
    sample: Any
    adapt: Adapt | None = None  # how the database adapter passes a value of this kind


def adapt_datetime(value: Any, connection: BaseDatabaseWrapper) -> Any:
    """A datetime parameter as a DateTimeField lookup sends it (a string on SQLite)."""
    return connection.ops.adapt_datetimefield_value(value)


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

    def rows(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[tuple[Any, ...]]:
        """The rows of the read with these values, converted as the queryset would return
        them (the values of a values_list, in its order)."""
        connection = connections[using]
        compiled = self._compiled(using, connection)
        bound = list(compiled.params)
        for param in self._params:
            value = values[param.name]
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

    def _compiled(self, using: str, connection: BaseDatabaseWrapper) -> _Compiled:
        cache: dict[str, _Compiled] = self._local.__dict__.setdefault("compiled", {})
        compiled = cache.get(using)
        if compiled is None:
            compiled = cache[using] = self._compile(using, connection)
        return compiled

    def _compile(self, using: str, connection: BaseDatabaseWrapper) -> _Compiled:
        queryset = self._build(**{param.name: param.sample for param in self._params})
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        places: dict[str, tuple[int, ...]] = {}
        for param in self._params:
            sample = param.sample
            if param.adapt is not None:
                sample = param.adapt(sample, connection)
            found = tuple(
                index
                for index, value in enumerate(params)
                if type(value) is type(sample) and value == sample
            )
            if isinstance(sample, str) and any(
                isinstance(value, str) and sample in value and value != sample for value in params
            ):
                # contains, startswith, iexact …: the call's value would need the same rewriting.
                raise ValueError(f"parameter {param.name!r} is rewritten by a lookup in {sql}")
            if not found:
                raise ValueError(f"parameter {param.name!r} does not appear in {sql}")
            places[param.name] = found
        # What results_iter would work out again on every call.
        selected = [column for column, _, _ in compiler.select[: compiler.col_count]]
        if compiler.has_composite_fields(selected):
            raise ValueError(f"composite fields are not supported: {sql}")
        converters = compiler.get_converters(selected)
        return _Compiled(sql, tuple(params), places, compiler, converters)


def instance(model: type[Model], using: str, attnames: Sequence[str], row: Sequence[Any]) -> Any:
    """A model instance from a converted row, as a queryset loading those fields makes it
    (fields not among `attnames` are deferred)."""
    return model.from_db(using, list(attnames), list(row))


def concrete_attnames(model: type[Model]) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)
