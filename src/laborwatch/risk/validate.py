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

from laborwatch.risk.codes import credit_code_problems
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


def _parsed(column: Column, is_text: bool) -> str:
    """SQL typing a raw cell to the column's kind; NULL where it does not parse."""
    cell = f'raw."{column.name}"'
    text = f"NULLIF(trim(CAST({cell} AS VARCHAR)), '')"
    kind = column.kind
    if kind == "string":
        return text
    if kind == "code":
        return f"NULLIF(upper(regexp_replace(CAST({cell} AS VARCHAR), '\\s+', '', 'g')), '')"
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
        return (
            f"CAST(date_trunc('month', COALESCE("
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


def _reasons(column: Column, today: dt.date) -> list[str]:
    """SQL CASE expressions, each NULL or one reason for this column."""
    raw = f"NULLIF(trim(CAST(raw.\"{column.name}\" AS VARCHAR)), '')"
    value = f'parsed."{column.name}"'
    label = column.label
    checks: list[str] = []
    if column.required:
        checks.append(f"CASE WHEN {raw} IS NULL THEN '缺少{label}' END")
    if column.kind == "code":
        cases = " ".join(f"WHEN '{key}' THEN '{text}'" for key, text in CODE_PROBLEM_TEXT.items())
        checks.append(f"CASE parsed._code_problem {cases} END")
        return checks
    if column.kind != "string":
        checks.append(f"CASE WHEN {raw} IS NOT NULL AND {value} IS NULL THEN '{label}格式错误' END")
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
    """Split a batch (already matched to the schema) into typed valid rows and rejections."""
    table, ignored = match_columns(feed, table)
    rows = np.arange(first_row_number, first_row_number + table.num_rows, dtype=np.int64)
    table = table.append_column("_source_row", pa.array(rows))
    code_problems = pa.array(credit_code_problems(table.column("credit_code")), pa.string())
    table = table.append_column("_code_problem", code_problems)
    con = duckdb.connect()
    try:
        # Zoned timestamps are stored as Beijing wall-clock time: day windows are local days.
        con.execute("SET TimeZone = 'Asia/Shanghai'")
        con.register("raw", table)
        parsed_columns = ", ".join(
            f'{_parsed(column, _is_text(table, column.name))} AS "{column.name}"'
            for column in feed.columns
        )
        reason_checks = ", ".join(
            check for column in feed.columns for check in _reasons(column, today)
        )
        key = ", ".join(f'parsed."{name}"' for name in feed.key)
        con.execute(f"""
            CREATE TEMP TABLE checked AS
            WITH parsed AS (
                SELECT _source_row, _code_problem, {parsed_columns} FROM raw
            ),
            reasoned AS (
                SELECT parsed.*,
                    NULLIF(concat_ws('{REASON_SEPARATOR}', {reason_checks}), '') AS _reason
                FROM parsed JOIN raw USING (_source_row)
            )
            SELECT *, CASE WHEN _reason IS NULL THEN
                min(_source_row) OVER (PARTITION BY {key.replace("parsed.", "")}, _reason IS NULL)
            END AS _first_row
            FROM reasoned AS parsed
        """)
        con.execute("""
            UPDATE checked SET _reason = '重复行（与第' || _first_row || '行重复）'
            WHERE _reason IS NULL AND _first_row <> _source_row
        """)
        typed = ", ".join(
            f'CAST("{column.name}" AS {STORE_TYPES[column.kind]}) AS "{column.name}"'
            for column in feed.columns
        )
        valid = con.sql(
            f"SELECT {typed} FROM checked WHERE _reason IS NULL ORDER BY _source_row"
        ).to_arrow_table()
        raw_text = ", ".join(
            f'CAST(raw."{column.name}" AS VARCHAR) AS "{column.name}"' for column in feed.columns
        )
        rejects = con.sql(f"""
            SELECT checked._source_row AS "行号", checked._reason AS "拒收原因", {raw_text}
            FROM checked JOIN raw USING (_source_row)
            WHERE checked._reason IS NOT NULL ORDER BY checked._source_row
        """).to_arrow_table()
        reason_rows = con.sql(f"""
            SELECT item, count(*) FROM (
                SELECT unnest(string_split(regexp_replace(_reason, '第\\d+行', '第N行', 'g'),
                                           '{REASON_SEPARATOR}')) AS item
                FROM checked WHERE _reason IS NOT NULL
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
