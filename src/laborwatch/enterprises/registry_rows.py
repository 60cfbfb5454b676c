"""Registry rows as Arrow tables: checked column by column, written in bulk.

The checks run on whole columns (numpy / Arrow compute): the credit code's form and check
character, the district, the choices, lengths and ranges. Only a row that fails one goes
through the model's own `full_clean`, which words its errors (row, field, why) exactly as a
form would. Rows are written with one statement per batch: `executemany` on SQLite, COPY on
PostgreSQL (public APIs of Django's cursor and psycopg).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection

from laborwatch.core.models import OrgUnit
from laborwatch.enterprises.models import (
    Enterprise,
    EnterpriseStatus,
    Industry,
    SizeBand,
    build_search_text,
)
from laborwatch.risk.codes import credit_code_problem_indices, normalize_codes

TEXT_COLUMNS = ("name", "district", "district_code", "industry", "size_band", "status", "address")
# The columns written, in the model's order (insert_rows gives their values in it); the
# abnormal listing comes only from a registry delta (sync.py).
NOT_LOADED = ("id", "abnormal_since")
INSERTED = tuple(
    field.column for field in Enterprise._meta.concrete_fields if field.column not in NOT_LOADED
)
MAX_EMPLOYEES = 2**31 - 1
MAX_CAPITAL = 2**63 - 1


@dataclass(frozen=True)
class CheckedBatch:
    """A batch's rows with their checks: `valid` per row; the normalised columns."""

    table: pa.Table
    valid: np.ndarray
    district_ids: np.ndarray  # -1 where unknown


def districts_by_name() -> dict[str, OrgUnit]:
    """The district unions by division code and by short name (as rows name them)."""
    units = {u.division_code: u for u in OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT)}
    units.update({unit.short_name: unit for unit in list(units.values())})
    return units


def _text(table: pa.Table, name: str) -> pa.Array:
    """A column as trimmed text ('' where absent or empty)."""
    if name not in table.column_names:
        return pa.array([""] * table.num_rows, pa.string())
    column = pc.cast(table.column(name).combine_chunks(), pa.string())
    return pc.fill_null(pc.utf8_trim_whitespace(column), "")


def _integers(table: pa.Table, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(values, whether each is a whole number) of a count column; empty is 0."""
    if name not in table.column_names:
        return np.zeros(table.num_rows, np.int64), np.ones(table.num_rows, bool)
    column = table.column(name).combine_chunks()
    if pa.types.is_integer(column.type):
        values = pc.fill_null(column, 0).to_numpy(zero_copy_only=False).astype(np.int64)
        return values, np.ones(table.num_rows, bool)
    text = pc.fill_null(pc.utf8_trim_whitespace(pc.cast(column, pa.string())), "0")
    whole = pc.match_substring_regex(text, r"^-?\d{1,18}$").to_numpy(zero_copy_only=False)
    values = pc.cast(pc.if_else(whole, text, "0"), pa.int64()).to_numpy(zero_copy_only=False)
    return values, whole


def _dates(table: pa.Table) -> tuple[pa.Array, np.ndarray]:
    """(established_on as dates, whether each parsed); empty is NULL."""
    if "established_on" not in table.column_names:
        return pa.nulls(table.num_rows, pa.date32()), np.ones(table.num_rows, bool)
    column = table.column("established_on").combine_chunks()
    if pa.types.is_date(column.type) or pa.types.is_timestamp(column.type):
        return pc.cast(column, pa.date32()), np.ones(table.num_rows, bool)
    text = pc.utf8_trim_whitespace(pc.cast(column, pa.string()))
    empty = pc.fill_null(pc.equal(text, ""), True)
    shaped = pc.fill_null(pc.match_substring_regex(text, r"^\d{4}-\d{2}-\d{2}$"), False)
    parsed = pc.strptime(
        pc.if_else(shaped, text, "1970-01-01"), "%Y-%m-%d", "s", error_is_null=True
    )
    dates = pc.if_else(shaped, pc.cast(parsed, pa.date32()), pa.scalar(None, pa.date32()))
    ok = pc.or_(empty, pc.and_(shaped, pc.is_valid(parsed))).to_numpy(zero_copy_only=False)
    return dates, ok


def _in(values: pa.Array, allowed: list[str]) -> np.ndarray:
    return pc.is_in(values, value_set=pa.array(allowed)).to_numpy(zero_copy_only=False)


def check_batch(table: pa.Table, districts: Mapping[str, OrgUnit]) -> CheckedBatch:
    """Every check on whole columns; the columns normalised as they will be stored."""
    codes = normalize_codes(
        table.column("credit_code")
        if "credit_code" in table.column_names
        else pa.nulls(table.num_rows, pa.string())
    )
    good_code = credit_code_problem_indices(codes, normalized=True) == 0
    district_text = pc.if_else(
        pc.not_equal(_text(table, "district_code"), ""),
        _text(table, "district_code"),
        _text(table, "district"),
    )
    ids = {name: unit.pk for name, unit in districts.items()}
    district_ids = np.array([ids.get(name, -1) for name in district_text.to_pylist()], np.int64)
    names = _text(table, "name")
    name_length = pc.utf8_length(names).to_numpy(zero_copy_only=False)
    status = _text(table, "status")
    status = pc.if_else(pc.equal(status, ""), EnterpriseStatus.EXISTING.value, status)
    capital, capital_whole = _integers(table, "registered_capital")
    employees, employees_whole = _integers(table, "employee_count")
    established, established_ok = _dates(table)
    address = _text(table, "address")
    valid = (
        good_code
        & (district_ids >= 0)
        & (name_length > 0)
        & (name_length <= 200)
        & _in(_text(table, "industry"), list(Industry.values))
        & _in(_text(table, "size_band"), list(SizeBand.values))
        & _in(status, list(EnterpriseStatus.values))
        & capital_whole
        & (capital >= 0)
        & employees_whole
        & (employees >= 0)
        & (employees <= MAX_EMPLOYEES)
        & established_ok
        & (pc.utf8_length(address).to_numpy(zero_copy_only=False) <= 300)
    )
    normalised = pa.table(
        {
            "credit_code": codes,
            "name": names,
            "former_names": _lists(table, "former_names"),
            "short_names": _short_names(table),
            "industry": _text(table, "industry"),
            "size_band": _text(table, "size_band"),
            "registered_capital": pa.array(capital),
            "status": status,
            "address": address,
            "employee_count": pa.array(employees),
            "established_on": established,
        }
    )
    return CheckedBatch(normalised, valid, district_ids)


def _lists(table: pa.Table, name: str) -> list[list[str]]:
    if name not in table.column_names:
        return [[] for _ in range(table.num_rows)]
    return [list(value or []) for value in table.column(name).to_pylist()]


def _short_names(table: pa.Table) -> list[list[str]]:
    """`short_name` (one) where given, else `short_names` (a list), as the row loader did."""
    lists = _lists(table, "short_names")
    if "short_name" not in table.column_names:
        return lists
    singles = table.column("short_name").to_pylist()
    return [[single] if single else names for single, names in zip(singles, lists, strict=True)]


def insert_rows(batch: CheckedBatch, rows: np.ndarray, now: dt.datetime) -> int:
    """Write the rows of `batch` at the indices `rows` (valid, new) in one statement."""
    if len(rows) == 0:
        return 0
    chosen = batch.table.take(pa.array(rows))
    columns = {name: chosen.column(name).to_pylist() for name in chosen.column_names}
    district_ids = batch.district_ids[rows].tolist()
    # `updated_at` as the field itself writes it for this database.
    stamp = Enterprise._meta.get_field("updated_at").get_db_prep_value(now, connection)
    order = ("credit_code", "name", "former_names", "short_names")
    rest = ("industry", "size_band", "registered_capital", "status", "address")
    values: Iterator[tuple[Any, ...]] = (
        (
            code,
            name,
            json.dumps(former),
            json.dumps(short),
            district,
            *others,
            employees,
            established,
            build_search_text(code, name, former, short),
            stamp,
        )
        for (code, name, former, short), district, others, employees, established in zip(
            zip(*(columns[column] for column in order), strict=True),
            district_ids,
            zip(*(columns[column] for column in rest), strict=True),
            columns["employee_count"],
            columns["established_on"],
            strict=True,
        )
    )
    # Django's own names for the model's table and columns: plain lowercase identifiers, which
    # need no quoting on either database.
    table = Enterprise._meta.db_table
    names = ", ".join(INSERTED)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(INSERTED))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(values))
    return len(rows)
