"""Checking a feed batch against its declared schema: one vectorised pass, no row loop.

`match_columns` maps a file's headers onto the schema (English names, Chinese labels,
aliases) and refuses a file that lacks a required column. `validate_rows` types every cell
and gives each bad row its reasons; duplicated keys keep the first row.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from laborwatch.risk.codes import PROBLEM_KEYS, credit_code_problem_indices, normalize_codes
from laborwatch.risk.feeds import STORE_TYPES, Column, Feed

REASON_SEPARATOR = "；"
EARLIEST_DATE = dt.date(1900, 1, 1)
CODE_PROBLEM_TEXT = {
    "length": "统一社会信用代码长度不是18位",
    "charset": "统一社会信用代码含非法字符",
    "authority": "统一社会信用代码登记管理部门码无效",
    "division": "统一社会信用代码行政区划码无效",
    "check": "统一社会信用代码校验位错误",
}
DATE_FORMATS = "['%Y-%m-%d', '%Y/%m/%d', '%Y%m%d', '%Y年%m月%d日', '%Y.%m.%d']"
MONTH_FORMATS = "['%Y-%m', '%Y/%m', '%Y%m', '%Y年%m月', '%Y.%m']"
TIMESTAMP_FORMATS = "['%Y-%m-%d %H:%M:%S', '%Y/%m/%d %H:%M:%S', '%Y-%m-%dT%H:%M:%S']"


class ColumnsError(Exception):
    """The file's columns do not fit the feed: nothing of it is loaded."""


@dataclass(frozen=True)
class Validation:
    valid: pa.Table  # typed as the store keeps it, in source order
    rejects: pa.Table  # 行号 (row number), 拒收原因 (reasons), then the original cells as text
    reasons: Counter[str]
    ignored_columns: tuple[str, ...]


def _header_key(text: str) -> str:
    return "".join(text.split()).lower()


def match_columns(feed: Feed, table: pa.Table) -> tuple[pa.Table, tuple[str, ...]]:
    """The table renamed to the schema's columns (missing optional ones as nulls)."""
    wanted: dict[str, str] = {}
    for column in feed.columns:
        for header in (column.name, column.label, *column.aliases):
            wanted[_header_key(header)] = column.name
    found: dict[str, int] = {}
    ignored: list[str] = []
    for index, header in enumerate(table.column_names):
        matched = wanted.get(_header_key(header))
        if matched is None or matched in found:
            ignored.append(header)
        else:
            found[matched] = index
    missing = [column for column in feed.required_columns if column not in found]
    if missing:
        labels = "、".join(f"{feed.column(name).label}({name})" for name in missing)
        raise ColumnsError(f"缺少必需的列：{labels}；文件中的列：{'、'.join(table.column_names)}")
    arrays = {
        column.name: table.column(found[column.name])
        if column.name in found
        else pa.nulls(table.num_rows, pa.string())
        for column in feed.columns
    }
    return pa.table(arrays), tuple(ignored)


def _is_text(table: pa.Table, name: str) -> bool:
    kind = table.schema.field(name).type
    return bool(
        pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_null(kind)
    )


def _text_of(column: Column) -> str:
    """The raw cell as trimmed text, NULL when empty (computed once per cell, in `cells`)."""
    return f'cells."_text_{column.name}"'


def _parsed(column: Column, is_text: bool) -> str:
    """SQL typing a raw cell to the column's kind; NULL where it does not parse."""
    cell = f'cells."{column.name}"'
    text = _text_of(column)
    kind = column.kind
    if kind == "string":
        return text
    if kind == "code":
        return "cells._code"  # normalised with the check, in `codes.normalize_codes`
    if kind in ("count", "amount"):
        if not is_text:
            return f"TRY_CAST({cell} AS DOUBLE)"
        return f"TRY_CAST(replace({text}, ',', '') AS DOUBLE)"
    if kind == "date":
        if not is_text:
            return f"TRY_CAST({cell} AS DATE)"
        return (
            f"COALESCE(TRY_CAST({text} AS DATE),"
            f" CAST(try_strptime({text}, {DATE_FORMATS}) AS DATE))"
        )
    if kind == "month":
        if not is_text:
            return f"CAST(date_trunc('month', TRY_CAST({cell} AS DATE)) AS DATE)"
        # COALESCE evaluates a later argument only for the rows still NULL: the common
        # YYYY-MM is one cheap cast, the other formats are tried for what is left.
        return (
            f"CAST(date_trunc('month', COALESCE(TRY_CAST({text} || '-01' AS DATE),"
            f"CAST(try_strptime({text}, {MONTH_FORMATS}) AS DATE),"
            f" TRY_CAST({text} AS DATE))) AS DATE)"
        )
    if kind == "timestamp":
        if not is_text:
            return f"TRY_CAST({cell} AS TIMESTAMP)"
        return f"COALESCE(TRY_CAST({text} AS TIMESTAMP), try_strptime({text}, {TIMESTAMP_FORMATS}))"
    raise ValueError(kind)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _needs_text(column: Column, is_text: bool) -> bool:
    return is_text or column.kind == "string"


def _reasons(column: Column, today: dt.date, is_text: bool) -> list[str]:
    """SQL CASE expressions, each NULL or one reason for this column."""
    if _needs_text(column, is_text):
        present = f"{_text_of(column)} IS NOT NULL"
    else:
        present = f'cells."{column.name}" IS NOT NULL'
    value = f'cells."_value_{column.name}"'
    label = column.label
    checks: list[str] = []
    if column.required:
        checks.append(f"CASE WHEN NOT ({present}) THEN '缺少{label}' END")
    if column.kind == "code":
        cases = " ".join(
            f"WHEN {PROBLEM_KEYS.index(key)} THEN '{text}'"
            for key, text in CODE_PROBLEM_TEXT.items()
        )
        checks.append(f"CASE cells._code_problem {cases} END")
        return checks
    if column.kind != "string":
        checks.append(f"CASE WHEN {present} AND {value} IS NULL THEN '{label}格式错误' END")
    if column.kind in ("count", "amount"):
        checks.append(f"CASE WHEN {value} < 0 THEN '{label}为负数' END")
    if column.kind == "count":
        checks.append(f"CASE WHEN {value} <> floor({value}) THEN '{label}不是整数' END")
    today_sql = f"DATE '{today.isoformat()}'"
    if column.kind in ("date", "timestamp"):
        checks.append(f"CASE WHEN CAST({value} AS DATE) > {today_sql} THEN '{label}晚于今天' END")
        checks.append(
            f"CASE WHEN {value} < DATE '{EARLIEST_DATE.isoformat()}' THEN '{label}早于1900年' END"
        )
    if column.kind == "month":
        checks.append(
            f"CASE WHEN {value} > date_trunc('month', {today_sql}) THEN '{label}晚于本月' END"
        )
    if column.allowed:
        allowed = ", ".join(_quote(item) for item in column.allowed)
        checks.append(f"CASE WHEN {value} NOT IN ({allowed}) THEN '{label}取值无效' END")
    return checks


def validate_rows(
    feed: Feed, table: pa.Table, *, today: dt.date, first_row_number: int = 1
) -> Validation:
    """Split a batch (already matched to the schema) into typed valid rows and rejections.

    One pass types every cell and gives each row its reasons; duplicated keys are found by
    a grouping that is empty for a clean batch; only rejected rows are joined back to their
    original cells. Valid rows keep the source order.
    """
    table, ignored = match_columns(feed, table)
    rows = np.arange(first_row_number, first_row_number + table.num_rows, dtype=np.int64)
    table = table.append_column("_source_row", pa.array(rows))
    codes = normalize_codes(table.column("credit_code"))
    problems = credit_code_problem_indices(codes, normalized=True)
    table = table.append_column("_code", codes)
    table = table.append_column("_code_problem", pa.array(problems, pa.int8()))
    is_text = {column.name: _is_text(table, column.name) for column in feed.columns}
    cell_texts = "".join(
        f', NULLIF(trim(CAST(raw."{column.name}" AS VARCHAR)), \'\') AS "_text_{column.name}"'
        for column in feed.columns
        if _needs_text(column, is_text[column.name])
    )
    values = ", ".join(
        f'{_parsed(column, is_text[column.name])} AS "_value_{column.name}"'
        for column in feed.columns
    )
    reason_checks = ", ".join(
        check for column in feed.columns for check in _reasons(column, today, is_text[column.name])
    )
    checked_columns = ", ".join(f'"_value_{c.name}" AS "{c.name}"' for c in feed.columns)
    key = ", ".join(f'"{name}"' for name in feed.key)
    con = duckdb.connect()
    try:
        # Zoned timestamps are stored as Beijing wall-clock time: day windows are local days.
        con.execute("SET TimeZone = 'Asia/Shanghai'")
        con.register("raw", table)
        con.execute(f"""
            CREATE TEMP TABLE checked AS
            WITH texts AS (SELECT raw.*{cell_texts} FROM raw),
            cells AS (SELECT cells.*, {values} FROM texts AS cells)
            SELECT _source_row, {checked_columns},
                NULLIF(concat_ws('{REASON_SEPARATOR}', {reason_checks}), '') AS _reason
            FROM cells
        """)
        con.execute(f"""
            CREATE TEMP TABLE duplicated AS
            SELECT {key}, min(_source_row) AS _first_row FROM checked
            WHERE _reason IS NULL GROUP BY ALL HAVING count(*) > 1
        """)
        if _count(con, "duplicated"):
            same_key = " AND ".join(
                f'checked."{name}" IS NOT DISTINCT FROM duplicated."{name}"' for name in feed.key
            )
            con.execute(f"""
                UPDATE checked SET _reason = '重复行（与第' || duplicated._first_row || '行重复）'
                FROM duplicated
                WHERE checked._reason IS NULL AND {same_key}
                    AND checked._source_row <> duplicated._first_row
            """)
        typed = ", ".join(
            f'CAST("{column.name}" AS {STORE_TYPES[column.kind]}) AS "{column.name}"'
            for column in feed.columns
        )
        # Insertion order is kept by a filtered scan: the valid rows stay in source order.
        valid = con.sql(f"SELECT {typed} FROM checked WHERE _reason IS NULL").to_arrow_table()
        con.execute("CREATE TEMP TABLE rejected AS SELECT * FROM checked WHERE _reason IS NOT NULL")
        raw_text = ", ".join(
            f'CAST(raw."{column.name}" AS VARCHAR) AS "{column.name}"' for column in feed.columns
        )
        rejects = con.sql(f"""
            SELECT rejected._source_row AS "行号", rejected._reason AS "拒收原因", {raw_text}
            FROM rejected JOIN raw USING (_source_row)
            ORDER BY rejected._source_row
        """).to_arrow_table()
        reason_rows = con.sql(f"""
            SELECT item, count(*) FROM (
                SELECT unnest(string_split(regexp_replace(_reason, '第\\d+行', '第N行', 'g'),
                                           '{REASON_SEPARATOR}')) AS item
                FROM rejected
            ) GROUP BY item
        """).fetchall()
    finally:
        con.close()
    return Validation(
        valid=valid,
        rejects=rejects,
        reasons=Counter({str(item): int(count) for item, count in reason_rows}),
        ignored_columns=ignored,
    )


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return int(con.sql(f"SELECT count(*) FROM {table}").fetchall()[0][0])
